/**
 * docker-compose.yml without a Docker engine: validated against the official Compose Specification
 * JSON schema (fetched from the Go module compose-go by scripts/setup.sh), then the properties the
 * schema cannot see: the services the docs name exist, the GPU worker asks for the graphics
 * capability Vulkan needs, the runs volume is shared by every worker, the build contexts, Dockerfile
 * stages and the files the Dockerfile and the scripts reference exist, and the worker command line
 * is one the real CLI accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from '../../helpers/python.js';
import { runCli } from '../../cli/run-cli.js';
import { COMPOSE, interpolate, loadYaml } from '../../helpers/compose-file.js';

const SCHEMA = path.join(ROOT, '.cache', 'compose-spec.json');
const NFS_OVERLAY = path.join(ROOT, 'docker', 'compose.nfs.yml');

type Dict = Record<string, unknown>;
interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown>;
  deploy?: {
    resources?: { reservations?: { devices?: { driver?: string; capabilities: string[]; count?: unknown }[] } };
  };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function validator(): (doc: unknown) => string[] {
  if (!existsSync(SCHEMA)) {
    throw new Error(`${SCHEMA} is missing: run scripts/setup.sh (it fetches the Compose Specification schema with Go)`);
  }
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  return (doc) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const compose = (): ComposeFile => interpolate(loadYaml(COMPOSE), {}) as unknown as ComposeFile;
const workers = (c: ComposeFile): [string, Service][] =>
  Object.entries(c.services).filter(([, s]) => s.command?.[0] === 'worker');
const flag = (cmd: string[], name: string): string | undefined => {
  const i = cmd.indexOf(name);
  return i >= 0 ? cmd[i + 1] : undefined;
};

test('docker-compose.yml and its NFS overlay are valid Compose files, before and after interpolation', () => {
  const check = validator();
  const raw = loadYaml(COMPOSE);
  assert.deepEqual(check(raw), [], 'docker-compose.yml as written');
  assert.deepEqual(check(interpolate(raw, {})), [], 'docker-compose.yml with every variable at its default');
  assert.deepEqual(check(interpolate(raw, { NTK_GPU_COUNT: 'all', TEMPORAL_ADDRESS: '10.0.0.5:7233' })), []);
  const nfs = loadYaml(NFS_OVERLAY);
  assert.deepEqual(check(nfs), [], 'docker/compose.nfs.yml as written');
  assert.deepEqual(check(interpolate(nfs, { NFS_SERVER: '10.0.0.5', NFS_PATH: '/export/runs' })), []);
  assert.throws(() => interpolate(nfs, {}), /required variable NFS_SERVER/);
});

test('the schema check is not vacuous: broken files are rejected', () => {
  const check = validator();
  const raw = loadYaml(COMPOSE) as unknown as ComposeFile & Dict;
  const mutate = (f: (c: ComposeFile & Dict) => void): string[] => {
    const c = structuredClone(raw);
    f(c);
    return check(c);
  };
  assert.notDeepEqual(
    mutate((c) => {
      (c.services['worker-gpu'] as Dict).gpus_please = true;
    }),
    [],
  );
  assert.notDeepEqual(
    mutate((c) => {
      c.services['worker-gpu'].deploy!.resources!.reservations!.devices![0].capabilities = 'gpu' as never;
    }),
    [],
  );
  assert.notDeepEqual(
    mutate((c) => {
      (c.services.temporal as Dict).ports = '7233';
    }),
    [],
  );
  assert.notDeepEqual(
    mutate((c) => {
      c.volumes = ['runs'] as never;
    }),
    [],
  );
});

test('every variable in docker-compose.yml has a default, so a bare `docker compose up` works', () => {
  const text = readFileSync(COMPOSE, 'utf8');
  const refs = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
  assert.ok(refs.length > 0);
  for (const r of refs) assert.match(r, /^[A-Za-z_][A-Za-z0-9_]*:-/, `\${${r}} has no default`);
});

test('the services the docs name exist, and the stack has a server, a UI and CPU and GPU workers', () => {
  const c = compose();
  const names = new Set(Object.keys(c.services));
  for (const s of ['postgresql', 'temporal', 'temporal-ui', 'worker-cpu', 'worker-gpu'])
    assert.ok(names.has(s), `service ${s}`);
  assert.equal(c.services.temporal.environment?.DB, 'postgres12');
  assert.match(c.services.temporal.image ?? '', /^temporalio\/server:/);
  assert.match(c.services['temporal-ui'].image ?? '', /^temporalio\/ui:/);
  // Every `docker compose <verb> … SERVICE` in the README and docs/deploy.md names a real service.
  let mentioned = 0;
  for (const doc of ['README.md', 'docs/deploy.md']) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(
      /docker compose((?: -f \S+)*) (up|logs|restart|stop|start|build|pull|ps)\b([^\n`]*)/g,
    )) {
      for (const tok of m[3].trim().split(/\s+/)) {
        if (tok.startsWith('#')) break; // a shell comment
        if (tok === '' || tok.startsWith('-') || tok.includes('=') || tok === '\\') continue;
        assert.ok(
          names.has(tok),
          `${doc} names service '${tok}' (in "${m[0].trim()}"), which docker-compose.yml lacks`,
        );
        mentioned++;
      }
    }
  }
  assert.ok(mentioned >= 3, `the docs name ${mentioned} services`);
  for (const [name, s] of Object.entries(c.services)) {
    for (const dep of Object.keys(s.depends_on ?? {}))
      assert.ok(names.has(dep), `${name} depends on unknown service ${dep}`);
  }
});

test('the GPU worker reserves an NVIDIA GPU with the graphics capability, and its image carries the Vulkan loader', () => {
  const c = compose();
  const gpu = c.services['worker-gpu'];
  const devices = gpu.deploy?.resources?.reservations?.devices ?? [];
  const nvidia = devices.find((d) => d.driver === 'nvidia');
  assert.ok(nvidia, 'an nvidia device reservation');
  for (const cap of ['gpu', 'graphics', 'compute', 'utility'])
    assert.ok(nvidia.capabilities.includes(cap), `capability ${cap}`);
  const caps = (gpu.environment?.NVIDIA_DRIVER_CAPABILITIES ?? '').split(',');
  for (const cap of ['graphics', 'compute', 'utility'])
    assert.ok(caps.includes(cap), `NVIDIA_DRIVER_CAPABILITIES has ${cap}`);
  const cmd = gpu.command ?? [];
  assert.equal(flag(cmd, '--queues'), 'gpu');
  assert.equal(flag(cmd, '--backend'), 'webgpu');
  const cpu = c.services['worker-cpu'].command ?? [];
  assert.deepEqual(flag(cpu, '--queues')?.split(',').sort(), ['cpu', 'gpu']);
  assert.equal(flag(cpu, '--backend'), 'wasm');
  assert.equal(c.services['worker-cpu'].deploy, undefined, 'the CPU worker reserves no GPU');
  // The gpu stage of the image installs the loader Dawn opens.
  const stages = dockerStages(path.join(ROOT, gpu.build!.context, gpu.build!.dockerfile!));
  assert.match(stages.get('gpu')!.join('\n'), /apt-get install[^\n]*\blibvulkan1\b/);
  assert.doesNotMatch(stages.get('cpu')!.join('\n'), /libvulkan1/);
});

test('the runs volume is declared once and mounted at the same place in every worker', () => {
  const c = compose();
  assert.ok(c.volumes && 'runs' in c.volumes, 'a top-level named volume `runs`');
  const ws = workers(c);
  assert.ok(ws.length >= 2, `workers: ${ws.map(([n]) => n).join(', ')}`);
  const targets = ws.map(([name, s]) => {
    const m = (s.volumes ?? []).find((v) => v.split(':')[0] === 'runs');
    assert.ok(m, `${name} mounts the runs volume`);
    return m.split(':')[1];
  });
  assert.equal(new Set(targets).size, 1, `mount points: ${targets.join(', ')}`);
  // The images start in that folder, so relative run folders land on the volume.
  const stages = dockerStages(path.join(ROOT, 'docker', 'worker.Dockerfile'));
  const workdirs = stages.get('base')!.filter((l) => /^WORKDIR /i.test(l));
  assert.equal(workdirs[workdirs.length - 1], `WORKDIR ${targets[0]}`);
  // Every worker reaches the server the compose file runs, by default.
  for (const [name, s] of ws) {
    const address = flag(s.command ?? [], '--address');
    assert.equal(address, 'temporal:7233', name);
  }
  assert.ok(
    c.services.temporal && (c.services.temporal as Dict).ports,
    'the server publishes its port for other hosts',
  );
});

/** Instructions of each stage (`FROM … AS name`), continuation lines joined, comments dropped. */
function dockerStages(file: string): Map<string, string[]> {
  const lines = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = new Map<string, string[]>();
  let current = '';
  for (const l of lines) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(l);
    if (from) {
      current = from[1] ?? `stage${stages.size}`;
      stages.set(current, []);
    }
    if (current) stages.get(current)!.push(l.replace(/\s+/g, ' '));
  }
  return stages;
}

test('build contexts, Dockerfiles, targets and every file they copy exist and are not ignored', () => {
  const c = compose();
  const built = Object.entries(c.services).filter(([, s]) => s.build);
  assert.ok(built.length >= 2);
  for (const [name, s] of built) {
    const context = path.join(ROOT, s.build!.context);
    assert.ok(existsSync(context) && statSync(context).isDirectory(), `${name}: context ${s.build!.context}`);
    const dockerfile = path.join(context, s.build!.dockerfile ?? 'Dockerfile');
    assert.ok(existsSync(dockerfile), `${name}: ${s.build!.dockerfile}`);
    const stages = dockerStages(dockerfile);
    if (s.build!.target)
      assert.ok(stages.has(s.build!.target), `${name}: stage ${s.build!.target} in ${path.basename(dockerfile)}`);
    // The Dockerfile-specific ignore file applies to this Dockerfile's context.
    const ignored = readFileSync(`${dockerfile}.dockerignore`, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const isIgnored = (rel: string): boolean => {
      const top = rel.replace(/^\.\//, '').split('/')[0];
      return ignored.some((p) => p === top || (p === '.*' && top.startsWith('.') && top !== '.'));
    };
    for (const stage of stages.values()) {
      for (const l of stage) {
        const m = /^(COPY|ADD) (.*)$/i.exec(l);
        if (!m || /--from=/.test(m[2])) continue;
        const args = m[2].split(' ').filter((a) => !a.startsWith('--'));
        for (const src of args.slice(0, -1)) {
          assert.ok(existsSync(path.join(context, src)), `${path.basename(dockerfile)}: COPY source ${src} is missing`);
          if (src !== '.')
            assert.ok(
              !isIgnored(src),
              `${path.basename(dockerfile)}: COPY source ${src} is excluded by the .dockerignore`,
            );
        }
      }
    }
    // What the image runs is in the context and not ignored.
    for (const needed of ['bin/ntk-sweep.js', 'cli/main.ts', 'package-lock.json']) {
      assert.ok(existsSync(path.join(context, needed)) && !isIgnored(needed), `${needed} reaches the image`);
    }
  }
  // The gpu stage checks for Dawn's binary: the webgpu package must be among the dependencies.
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  assert.ok(pkg.optionalDependencies?.webgpu ?? pkg.dependencies?.webgpu, 'webgpu in package.json');
});

test('the scripts the Temporal one-shot services run are mounted from files that exist', () => {
  const c = compose();
  let checked = 0;
  for (const [name, s] of Object.entries(c.services)) {
    for (const v of s.volumes ?? []) {
      const [src, target] = v.split(':');
      if (!src.startsWith('.')) continue;
      assert.ok(existsSync(path.join(ROOT, src)), `${name}: bind source ${src}`);
      for (const arg of s.command ?? []) {
        if (!arg.startsWith(`${target}/`)) continue;
        const file = path.join(ROOT, src, arg.slice(target.length + 1));
        assert.ok(existsSync(file), `${name}: ${arg} is ${path.relative(ROOT, file)}, which is missing`);
        assert.match(readFileSync(file, 'utf8'), /^#!\/bin\/sh\n/, `${arg} runs under /bin/sh`);
        checked++;
      }
    }
  }
  assert.equal(checked, 2, 'the schema setup and the namespace registration');
});

test("the workers' command line is one the real CLI accepts", () => {
  const r = runCli(['worker', '--help'], 60_000);
  assert.equal(r.status, 0, `ntk-sweep worker --help: ${r.stderr}`);
  for (const [name, s] of workers(compose())) {
    for (const opt of (s.command ?? []).filter((a) => a.startsWith('--'))) {
      assert.ok(r.stdout.includes(opt), `${name} passes ${opt}, which \`ntk-sweep worker --help\` does not list`);
    }
  }
});
