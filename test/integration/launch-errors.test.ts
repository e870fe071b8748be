/**
 * A config error, an unreachable --address, a missing Temporal CLI — each a
 * clear message, a non-zero exit, nothing started and nothing written (no run folder appears).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../../orchestration/dev-server.js';
import { runCli, workdirWith } from './helpers/cli.js';

describe('ntk-sweep run refuses to start, and says why', () => {
  const scratch: string[] = [];
  const work = (name: string) => {
    const w = workdirWith(name);
    scratch.push(w.dir);
    return w;
  };
  after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a config error: every problem with file:line:column, exit 2, no run folder', async () => {
    const { dir } = work('bad.yaml');
    const r = await runCli(['run', 'bad.yaml'], { cwd: dir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /bad\.yaml:4:\d+: model\.activation: .*rleu.*relu/);
    assert.match(r.stderr, /bad\.yaml:5:\d+: train\.lr: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(path.join(dir, 'runs')), false);
  });

  it('an unreachable --address: names the address, exit 2, no run folder', async () => {
    const { dir } = work('tiny.yaml');
    const port = await freePort(); // nothing listens there
    const r = await runCli(['run', 'tiny.yaml', '--address', `127.0.0.1:${port}`], { cwd: dir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot reach a Temporal server at 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(existsSync(path.join(dir, 'runs')), false);
  });

  it('a malformed --address is named as such', async () => {
    const { dir } = work('tiny.yaml');
    const r = await runCli(['run', 'tiny.yaml', '--address', 'no-port-here'], { cwd: dir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--address no-port-here: expected HOST:PORT/);
    assert.equal(existsSync(path.join(dir, 'runs')), false);
  });

  it('no Temporal CLI anywhere: says exactly how to get one, exit 2, no run folder', async () => {
    const { dir } = work('tiny.yaml');
    const emptyCache = mkdtempSync(path.join(tmpdir(), 'ntk-nocache-'));
    scratch.push(emptyCache);
    const env = {
      PATH: '/usr/bin:/bin',
      TEMPORAL_CLI_PATH: '',
      NTK_SWEEP_CACHE_DIR: emptyCache,
      NTK_SWEEP_TEMPORAL_DOWNLOAD: '0',
    };
    const r = await runCli(['run', 'tiny.yaml'], { cwd: dir, env });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /the Temporal CLI \(`temporal`\) is needed/);
    assert.match(r.stderr, /go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1/);
    assert.match(r.stderr, /TEMPORAL_CLI_PATH/);
    assert.match(r.stderr, /--address HOST:PORT/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(existsSync(path.join(dir, 'runs')), false);
  });

  it('TEMPORAL_CLI_PATH naming a missing file is reported as such', async () => {
    const { dir } = work('tiny.yaml');
    const r = await runCli(['run', 'tiny.yaml'], { cwd: dir, env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal' } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /TEMPORAL_CLI_PATH is set to \/nonexistent\/temporal, which is not an executable file/);
    assert.equal(existsSync(path.join(dir, 'runs')), false);
  });

  it('resume, status and cancel of something that is not a sweep', async () => {
    const { dir } = work('tiny.yaml');
    for (const cmd of ['resume', 'status', 'cancel']) {
      const r = await runCli([cmd, 'no-such-sweep'], { cwd: dir });
      assert.equal(r.status, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /no-such-sweep is neither a run folder nor the id of a sweep/);
    }
  });

  it('worker with an unknown queue', async () => {
    const { dir } = work('tiny.yaml');
    const r = await runCli(['worker', '--queues', 'gpu,tpu'], { cwd: dir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--queues takes a comma-separated list of gpu, cpu; found 'gpu,tpu'/);
  });
});
