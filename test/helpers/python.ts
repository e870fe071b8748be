import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (two levels above this file). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The project's Python (made by scripts/setup.sh); tests that need it fail loudly without it. */
export const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

/**
 * Runs a Python check script from test/ with a JSON object on stdin and returns the JSON it
 * prints on its last stdout line. Throws with the script's stderr when it fails.
 */
export function runPython<T = unknown>(script: string, input: unknown, timeoutMs = 600_000): T {
  if (!existsSync(PYTHON)) {
    throw new Error(`${PYTHON} is missing: run scripts/setup.sh first`);
  }
  const res = spawnSync(PYTHON, [path.join(ROOT, script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
    env: { ...process.env, JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3', PYTHONUNBUFFERED: '1' },
  });
  if (res.status !== 0) {
    throw new Error(`${script} exited with ${res.status ?? res.signal}:\n${res.stderr}`);
  }
  const lines = res.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
