/**
 * What docker-compose.yml runs, read from the file itself for the harness that runs the same
 * topology without Docker (topology.ts): the schema step's script and environment, the server's
 * environment and dynamic config, the namespace step's script and environment, and the workers'
 * command lines. Paths inside the containers are mapped back to the repository through each
 * service's bind mounts, so the harness runs the very files the compose file mounts; a compose
 * file that points elsewhere makes the harness run that instead, or fail here if it cannot.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { COMPOSE, interpolate, loadYaml } from '../../helpers/compose-file.js';

/** The working folder of the temporalio/server image (its Dockerfile's WORKDIR), where relative paths in its environment start. */
export const SERVER_IMAGE_WORKDIR = '/etc/temporal';

interface Service {
  image?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

/** A one-shot step: a script run by `sh`, with the environment compose gives it. */
export interface ScriptStep {
  service: string;
  /** The script on this machine (the bind mount's source). */
  script: string;
  env: Record<string, string>;
}

export interface ComposeTopology {
  file: string;
  /** The Temporal version the server and admin-tools images are pinned to. */
  temporalVersion: string;
  schema: ScriptStep;
  server: { service: string; env: Record<string, string>; dynamicConfig: string };
  namespace: ScriptStep;
  workers: { service: string; args: string[] }[];
}

/** Where `containerPath` of `service` comes from on this machine, through its bind mounts (longest target first). */
export function hostPath(name: string, service: Service, containerPath: string, composeDir: string): string {
  const mounts = (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([src]) => src.startsWith('.') || src.startsWith('/'))
    .sort((a, b) => b[1].length - a[1].length);
  for (const [src, target] of mounts) {
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      return path.join(path.resolve(composeDir, src), path.posix.relative(target, containerPath));
    }
  }
  throw new Error(
    `${name}: ${containerPath} is not under any bind mount of the service, so it does not come from the repository`,
  );
}

function scriptStep(name: string, s: Service | undefined, composeDir: string): ScriptStep {
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  const argv = [...(s.entrypoint ?? []), ...(s.command ?? [])];
  if (argv.length !== 2 || !/(^|\/)sh$/.test(argv[0])) {
    throw new Error(`${name}: expected \`sh SCRIPT\` as entrypoint and command, found ${JSON.stringify(argv)}`);
  }
  const script = hostPath(name, s, argv[1], composeDir);
  if (!existsSync(script)) throw new Error(`${name}: runs ${argv[1]}, which is ${script}, which is missing`);
  return { service: name, script, env: { ...(s.environment ?? {}) } };
}

/** The topology of the compose file `file` with every variable at its default (or as in `env`). */
export function readComposeTopology(file = COMPOSE, env: Record<string, string> = {}): ComposeTopology {
  const doc = interpolate(loadYaml(file), env) as { services: Record<string, Service> };
  const dir = path.dirname(file);
  const services = doc.services;
  const server = services.temporal;
  if (!server) throw new Error('docker-compose.yml has no service temporal');
  const tag = (image: string | undefined, repo: string): string => {
    const m = new RegExp(`^${repo}:(.+)$`).exec(image ?? '');
    if (!m) throw new Error(`expected the image ${repo}:VERSION, found ${image}`);
    return m[1];
  };
  const temporalVersion = tag(server.image, 'temporalio/server');
  const schema = scriptStep('temporal-schema', services['temporal-schema'], dir);
  const namespace = scriptStep('temporal-create-namespace', services['temporal-create-namespace'], dir);
  for (const step of [schema, namespace]) {
    const v = tag(services[step.service].image, 'temporalio/admin-tools');
    if (v !== temporalVersion)
      throw new Error(`${step.service} runs admin-tools ${v}, the server is ${temporalVersion}`);
  }
  const serverEnv = { ...(server.environment ?? {}) };
  const dynamic = serverEnv.DYNAMIC_CONFIG_FILE_PATH;
  if (!dynamic) throw new Error('temporal: no DYNAMIC_CONFIG_FILE_PATH');
  const dynamicConfig = hostPath('temporal', server, path.posix.resolve(SERVER_IMAGE_WORKDIR, dynamic), dir);
  if (!existsSync(dynamicConfig))
    throw new Error(`temporal: its dynamic config ${dynamic} is ${dynamicConfig}, which is missing`);
  const workers = Object.entries(services)
    .filter(([, s]) => s.command?.[0] === 'worker')
    .map(([name, s]) => ({ service: name, args: [...s.command!] }));
  return {
    file,
    temporalVersion,
    schema,
    server: { service: 'temporal', env: serverEnv, dynamicConfig },
    namespace,
    workers,
  };
}

/** `args` with the value of `--flag` replaced (appended when absent). */
export function withFlag(args: string[], flag: string, value: string): string[] {
  const i = args.indexOf(flag);
  return i >= 0 ? [...args.slice(0, i + 1), value, ...args.slice(i + 2)] : [...args, flag, value];
}
