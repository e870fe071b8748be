/**
 * The conventions every command shares (cli/main.ts, cli/flag-conventions.ts), through the
 * real executable: -h and -V, a suggestion for a mistyped command, an example in every command's
 * help, numeric flags refused with the flag's name when given a non-number, `--json` giving
 * exactly what `--format json` gives, and the hint to leave out --address only where it helps.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../orchestration/dev-server.js';
import { ROOT } from '../helpers/python.js';
import { removeTempFolders, writeStudy } from '../helpers/width-study.js';
import { runCli } from './run-cli.js';

after(removeTempFolders);

const COMMANDS = [
  'kernel',
  'report',
  'validate',
  'query',
  'aggregate',
  'trial',
  'run',
  'resume',
  'status',
  'cancel',
  'pause',
  'worker',
];

test('-h is --help and -V is --version (the version of package.json)', () => {
  const long = runCli(['--help']);
  const short = runCli(['-h']);
  assert.equal(long.status, 0, long.stderr);
  assert.equal(short.status, 0, short.stderr);
  assert.equal(short.stdout, long.stdout);
  for (const c of COMMANDS) assert.match(long.stdout, new RegExp(`ntk-sweep ${c}\\b`), `--help lists ${c}`);
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  for (const flag of ['-V', '--version']) {
    const r = runCli([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  }
});

test('a mistyped command is refused with exit 2 and the command it resembles', () => {
  const r = runCli(['valdate', 'configs/quickstart.yaml']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), "ntk-sweep: unknown command 'valdate'. Did you mean validate?");
  assert.equal(r.stdout, '');
});

test('every command’s help has an example, and the worker’s --address names its real default', () => {
  for (const c of COMMANDS) {
    const r = runCli([c, '-h']);
    assert.equal(r.status, 0, `${c}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Examples:\\n\\s+ntk-sweep ${c} `), `${c} -h shows an example`);
  }
  const worker = runCli(['worker', '--help']).stdout;
  assert.match(worker, /--address\s+HOST:PORT of the Temporal server[^\n]*\n[^\n]*\[default: "localhost:7233"\]/);
  assert.doesNotMatch(worker, /embedded server/);
});

test('a numeric flag given a non-number names the flag and the text, exit 2', () => {
  const r = runCli(['aggregate', 'runs/none', '--resamples', 'many']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), "ntk-sweep: --resamples: expected a number, found 'many'");
  const eq = runCli(['run', 'configs/quickstart.yaml', '--interval=soon']);
  assert.equal(eq.status, 2);
  assert.equal(eq.stderr.trim(), "ntk-sweep: --interval: expected a number, found 'soon'");
  for (const c of ['kernel', 'trial', 'aggregate', 'worker']) {
    const help = runCli([c, '--help']).stdout;
    assert.doesNotMatch(
      help,
      /--(width|depth|seed|lr|steps|resamples|concurrency|grace)\b[^\n]*\[string\]/,
      `${c}: numeric flags are numbers`,
    );
  }
});

test('--json is --format json: the same output on validate and query, refused beside another --format', async () => {
  const a = runCli(['validate', 'configs/quickstart.yaml', '--json']);
  const b = runCli(['validate', 'configs/quickstart.yaml', '--format', 'json']);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.ok(Array.isArray((JSON.parse(a.stdout) as { trials: unknown[] }).trials));

  const run = await writeStudy({ widths: [32, 64], seeds: [0], depths: [1], steps: 4, logEvery: 2, snapshots: [0, 4] });
  const sql = 'SELECT width, final_train_loss FROM trials ORDER BY width';
  const q1 = runCli(['query', run, sql, '--json']);
  const q2 = runCli(['query', run, sql, '--format=json']);
  assert.equal(q1.status, 0, q1.stderr);
  assert.equal(q1.stdout, q2.stdout);
  assert.deepEqual(
    (JSON.parse(q1.stdout) as { width: number }[]).map((r) => r.width),
    [32, 64],
  );

  const both = runCli(['query', run, sql, '--json', '--format', 'csv']);
  assert.equal(both.status, 2);
  assert.equal(both.stderr.trim(), 'ntk-sweep: --json is --format json; it cannot go with --format csv');
});

test('an unreachable --address suggests the embedded server only to run (and resume), not to status', async () => {
  const address = `127.0.0.1:${await freePort()}`; // nothing listens there
  const run = runCli(['run', 'configs/quickstart.yaml', '--address', address]);
  assert.equal(run.status, 2, run.stderr);
  assert.match(
    run.stderr,
    /cannot reach a Temporal server at 127\.0\.0\.1:\d+ .*, or leave out --address to use the embedded server/,
  );
  const status = runCli(['status', 'quickstart-0123abcd', '--address', address]);
  assert.equal(status.status, 2, status.stderr);
  assert.match(status.stderr, /cannot reach a Temporal server at /);
  assert.doesNotMatch(status.stderr, /leave out --address/);
});
