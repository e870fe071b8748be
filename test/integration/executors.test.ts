/**
 * Trial executors in real sweeps (embedded Temporal server, `ntk-sweep run` as a user runs it):
 * a pool of 2 and the in-process path write the same results; an executor that dies mid-trial
 * costs that trial one retry and nothing else; a SIGKILLed `run` leaves no executor behind (they
 * are threads of its process, which has no child process but the Temporal server) and `resume`
 * completes the sweep with each trial once.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { EXIT_HOOK_ENV } from '../../executors/protocol.js';
import { expandGrid, loadConfig } from '../../src/config/index.js';
import { readTable } from '../../src/tables/read.js';
import { runCli, startCli, tableFiles, waitFor, workdirWith } from './helpers/cli.js';

type Row = Record<string, unknown>;

/** A table's rows as plain objects, in a stable order, without the columns that record when and how long. */
async function rows(runDir: string, table: 'trials' | 'curves' | 'kernels'): Promise<Row[]> {
  const t = await readTable(runDir, table);
  const out = t.toArray().map((r) => {
    const o = r.toJSON() as Row;
    delete o.started_at;
    delete o.wall_s;
    // List columns (kernel rows) come as Arrow vectors.
    for (const [k, v] of Object.entries(o))
      if (v && typeof (v as { toArray?: unknown }).toArray === 'function')
        o[k] = Array.from((v as { toArray(): Float32Array }).toArray());
    return o;
  });
  const key = (o: Row): string => [o.trial_id, o.step, o.kind, o.split, o.row].map(String).join('\0');
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      // Fields after the command name in parentheses: state, then the parent's pid.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) kids.push(Number(d));
    } catch {
      // Gone meanwhile.
    }
  }
  return kids;
}

const lastJson = (stdout: string): Row => JSON.parse(stdout.trim().split('\n').at(-1)!) as Row;

describe('trial executors in a sweep', () => {
  const dirs: string[] = [];
  const workdir = (name: string) => {
    const w = workdirWith(name);
    dirs.push(w.dir);
    return w;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a pool of 2 executors and the in-process path write the same losses and kernels', async () => {
    const pooled = workdir('tiny.yaml');
    const inProcess = workdir('tiny.yaml');
    const a = await runCli(['run', 'tiny.yaml', '--json', '--executors', '2'], { cwd: pooled.dir });
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stderr, /trials run on 2 executors \(worker threads\), memory budget/);
    const b = await runCli(['run', 'tiny.yaml', '--json', '--executors', '0'], { cwd: inProcess.dir });
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stderr, /trials run in-process/);
    assert.equal(lastJson(a.stdout).ok, 8);
    assert.equal(lastJson(b.stdout).ok, 8);
    for (const table of ['trials', 'curves', 'kernels'] as const) {
      const [x, y] = await Promise.all([
        rows(path.join(pooled.dir, 'runs', 'tiny'), table),
        rows(path.join(inProcess.dir, 'runs', 'tiny'), table),
      ]);
      assert.ok(x.length >= 8, `${table}: ${x.length} rows`);
      // Same seeds, same backend, same operations: bit for bit (float32 kernels included).
      assert.deepEqual(x, y, `the ${table} tables differ`);
    }
  });

  it('an executor that dies mid-trial: that trial is retried from its checkpoint, the others run once, each is written once', async () => {
    const { dir, config } = workdir('tiny.yaml');
    const ids = expandGrid(loadConfig(config)).map((p) => p.trialId);
    const victim = ids[5];
    const r = await runCli(['run', 'tiny.yaml', '--json', '--executors', '2', '--checkpoint-every', '10'], {
      cwd: dir,
      env: { [EXIT_HOOK_ENV]: `${victim}@20` },
    });
    assert.equal(r.status, 0, r.stderr);
    const result = lastJson(r.stdout);
    assert.equal(result.status, 'completed');
    assert.equal(result.ok, 8);
    assert.equal(result.failed, 0);
    const runDir = path.join(dir, 'runs', 'tiny');
    assert.equal(tableFiles(runDir, 'trials').length, 8);
    const trials = await rows(runDir, 'trials');
    assert.deepEqual(trials.map((t) => t.trial_id).sort(), [...ids].sort(), 'every trial exactly once');
    for (const t of trials)
      assert.equal(t.attempts, t.trial_id === victim ? 2 : 1, `attempts of ${String(t.trial_id)}`);
    // The retry resumed: the victim's curve has each logged step once.
    const steps = (await rows(runDir, 'curves')).filter((c) => c.trial_id === victim).map((c) => c.step);
    assert.deepEqual(steps, [0, 10, 20, 30, 40]);
  });

  it('a SIGKILLed run leaves no executor behind, and resume completes each trial once', async () => {
    const { dir, config } = workdir('eight.yaml');
    const runDir = path.join(dir, 'runs', 'eight');
    const cli = startCli(['run', 'eight.yaml', '--json', '--executors', '2'], { cwd: dir });
    await waitFor('a first trial', () => (tableFiles(runDir, 'trials').length >= 1 ? true : undefined));
    const pid = cli.child.pid!;
    const { pid: serverPid } = JSON.parse(readFileSync(path.join(runDir, '.temporal', 'server.json'), 'utf8')) as {
      pid: number;
    };
    // The executors are threads of the CLI's process: its only child process is the Temporal server.
    assert.deepEqual(childrenOf(pid), [serverPid]);
    cli.child.kill('SIGKILL');
    await cli.done;
    assert.throws(() => readFileSync(`/proc/${pid}/stat`), 'the process and its threads are gone');
    const n = tableFiles(runDir, 'trials').length;
    assert.ok(n < 8, `${n} trials were done before the kill`);

    const resumed = await runCli(['resume', runDir, '--json', '--executors', '2'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    const ids = expandGrid(loadConfig(config))
      .map((p) => p.trialId)
      .sort();
    const trials = await rows(runDir, 'trials');
    assert.deepEqual(trials.map((t) => t.trial_id).sort(), ids, 'every trial exactly once');
  });
});
