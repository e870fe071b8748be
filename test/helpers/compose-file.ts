/**
 * Reading docker-compose.yml as `docker compose` does, without a Docker engine: YAML with merge
 * keys, and Compose's variable interpolation. Shared by the compose file's checks
 * (test/unit/docker/compose.test.ts) and the harness that runs its topology without Docker
 * (test/integration/helpers/topology.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './python.js';

export const COMPOSE = path.join(ROOT, 'docker-compose.yml');

export function loadYaml(file: string): Record<string, unknown> {
  // Compose resolves YAML merge keys (`<<: *worker`); the yaml package does so when asked.
  return parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;
}

/** Compose's variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
export function interpolate<T>(value: T, env: Record<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
      (all, name?: string, colon?: string, op?: string, arg?: string) => {
        if (all === '$$') return '$';
        const v = env[name!];
        const unset = v === undefined || (colon === ':' && v === '');
        if (!unset) return v!;
        if (op === '-') return arg!;
        if (op === '?') throw new Error(`required variable ${name}: ${arg}`);
        return '';
      },
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  }
  return value;
}
