/**
 * The harness that runs docker-compose.yml's topology without Docker takes what it runs from the
 * compose file (test/integration/helpers/compose-topology.ts): the schema and namespace scripts,
 * the server's environment and dynamic config, the worker command lines. Here: that reading on the
 * real file, on copies of it that point elsewhere, and the one version pin that scripts/setup.sh
 * builds the server from.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readComposeTopology, withFlag } from '../../integration/helpers/compose-topology.js';
import { COMPOSE } from '../../helpers/compose-file.js';
import { ROOT } from '../../helpers/python.js';

const scratch: string[] = [];
after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the compose file, with `edit` applied to its text, beside copies of docker/temporal/ (as in the repository, and in elsewhere/). */
function editedCopy(edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-compose-'));
  scratch.push(dir);
  for (const to of [path.join(dir, 'docker', 'temporal'), path.join(dir, 'elsewhere')]) {
    for (const f of ['setup-postgres.sh', 'create-namespace.sh', 'dynamicconfig/ntk-sweep.yaml']) {
      mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
      copyFileSync(path.join(ROOT, 'docker', 'temporal', f), path.join(to, f));
    }
  }
  const file = path.join(dir, 'docker-compose.yml');
  const text = readFileSync(COMPOSE, 'utf8');
  const edited = edit(text);
  assert.notEqual(edited, text, 'the edit changed the file');
  writeFileSync(file, edited);
  return file;
}

test('the real compose file: its own scripts, dynamic config and worker services', () => {
  const t = readComposeTopology();
  const rel = (p: string): string => path.relative(ROOT, p);
  assert.equal(rel(t.schema.script), 'docker/temporal/setup-postgres.sh');
  assert.equal(rel(t.namespace.script), 'docker/temporal/create-namespace.sh');
  assert.equal(rel(t.server.dynamicConfig), 'docker/temporal/dynamicconfig/ntk-sweep.yaml');
  assert.equal(t.server.env.DB, 'postgres12');
  assert.equal(t.schema.env.POSTGRES_USER, t.server.env.POSTGRES_USER);
  assert.equal(t.schema.env.SQL_PASSWORD, t.server.env.POSTGRES_PWD);
  assert.deepEqual(t.workers.map((w) => w.service).sort(), ['worker-cpu', 'worker-gpu']);
  for (const w of t.workers) assert.equal(w.args[0], 'worker');
});

test('a compose file that points elsewhere is followed, or refused when the file is not there', () => {
  // Another mount for the scripts: the harness runs the scripts from there.
  const moved = editedCopy((s) => s.replaceAll('./docker/temporal:/scripts:ro', './elsewhere:/scripts:ro'));
  const t = readComposeTopology(moved);
  assert.equal(t.schema.script, path.join(path.dirname(moved), 'elsewhere', 'setup-postgres.sh'));
  assert.equal(t.namespace.script, path.join(path.dirname(moved), 'elsewhere', 'create-namespace.sh'));
  assert.equal(
    t.server.dynamicConfig,
    path.join(path.dirname(moved), 'docker', 'temporal', 'dynamicconfig', 'ntk-sweep.yaml'),
  );
  // A script that is not in the mounted folder.
  assert.throws(
    () => readComposeTopology(editedCopy((s) => s.replace('/scripts/setup-postgres.sh', '/scripts/setup-v2.sh'))),
    /setup-v2\.sh.*missing/,
  );
  // A script that does not come from the repository at all.
  assert.throws(
    () =>
      readComposeTopology(
        editedCopy((s) => s.replace('command: ["/scripts/create-namespace.sh"]', 'command: ["/usr/local/bin/ns.sh"]')),
      ),
    /not under any bind mount/,
  );
  // Another dynamic config file.
  assert.throws(
    () =>
      readComposeTopology(
        editedCopy((s) => s.replace('config/dynamicconfig/ntk-sweep.yaml', 'config/dynamicconfig/other.yaml')),
      ),
    /dynamic config .*other\.yaml.*missing/,
  );
  // Admin tools of another version than the server.
  assert.throws(
    () =>
      readComposeTopology(
        editedCopy((s) =>
          s.replace('temporalio/admin-tools:${TEMPORAL_VERSION:-1.31.0}', 'temporalio/admin-tools:1.30.0'),
        ),
      ),
    /admin-tools 1\.30\.0, the server is 1\.31\.0/,
  );
});

test('one version pin: what scripts/setup.sh builds is the compose file’s server version', () => {
  const pin = (v: string, ...file: string[]) =>
    spawnSync('sh', [path.join(ROOT, 'scripts', 'compose-pin.sh'), v, ...file], { encoding: 'utf8' });
  const r = pin('TEMPORAL_VERSION');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), readComposeTopology().temporalVersion);
  // setup.sh builds the version that script reads (and the harness refuses a server binary of another).
  assert.match(
    readFileSync(path.join(ROOT, 'scripts', 'setup.sh'), 'utf8'),
    /server_version="v\$\(scripts\/compose-pin\.sh TEMPORAL_VERSION\)"/,
  );
  const missing = pin('NO_SUCH_VARIABLE');
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /no \$\{NO_SUCH_VARIABLE:-…\} default/);
  // Two defaults that disagree are refused, not one picked.
  const split = editedCopy((s) =>
    s.replace('temporalio/server:${TEMPORAL_VERSION:-1.31.0}', 'temporalio/server:${TEMPORAL_VERSION:-1.30.0}'),
  );
  const two = pin('TEMPORAL_VERSION', split);
  assert.notEqual(two.status, 0);
  assert.match(two.stderr, /pins TEMPORAL_VERSION to several versions: 1\.30\.0 1\.31\.0/);
});

test('withFlag replaces a flag’s value or appends the flag', () => {
  assert.deepEqual(withFlag(['worker', '--address', 'temporal:7233', '--x'], '--address', '127.0.0.1:1'), [
    'worker',
    '--address',
    '127.0.0.1:1',
    '--x',
  ]);
  assert.deepEqual(withFlag(['worker'], '--identity', 'w'), ['worker', '--identity', 'w']);
});
