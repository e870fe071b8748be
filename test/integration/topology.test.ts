/**
 * The production topology of docker-compose.yml, run without Docker (helpers/topology.ts): the
 * Temporal server at the compose file's version on PostgreSQL, schemas and namespace set up by the
 * compose file's own scripts, and its two worker services as separate `ntk-sweep worker` processes
 * polling the CPU and GPU queues. Sweeps are launched as a user does (`ntk-sweep run --address`),
 * and the pieces are killed under them: the server (back after a while, or not in time), a worker
 * in the middle of a trial, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { parse } from 'yaml';
import { expandGrid, loadConfig, sweepIdOf } from '../../src/config/index.js';
import { readTable } from '../../src/tables/read.js';
import { EXIT_SERVER_LOST } from '../../src/exit-codes.js';
import { sweepWorkflowId, type RunTrialResult } from '../../workflows/shared.js';
import { ROOT } from '../helpers/python.js';
import { FIXTURES, fastTmp, STACK_LINE, startCli, tableFiles, waitFor, type CliRun } from './helpers/cli.js';
import { activitiesOf, fetchChain, type ActivityRecord } from './helpers/histories.js';
import { startTopology, type Topology } from './helpers/topology.js';

/** A scratch folder with the fixture `fixture` renamed `name` (its own sweep id and run folder runs/<name>). */
function sweepDir(fixture: string, name: string): { dir: string; config: string; runDir: string } {
  const dir = mkdtempSync(path.join(fastTmp(), 'ntk-topo-'));
  const text = readFileSync(path.join(FIXTURES, fixture), 'utf8')
    .replace(/^name: .*$/m, `name: ${name}`)
    .replace(/^output: .*$/m, `output: runs/${name}`);
  const config = path.join(dir, `${name}.yaml`);
  writeFileSync(config, text);
  return { dir, config, runDir: path.join(dir, 'runs', name) };
}

/** Inode, modification time and content hash of a trial's files in three tables: any rewrite changes them. */
function fileIdentity(runDir: string, file: string): string[] {
  return ['trials', 'curves', 'kernels'].map((t) => {
    const f = path.join(runDir, t, file);
    const st = statSync(f);
    return `${t}: ${st.ino} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(f)).digest('hex')}`;
  });
}

describe('docker-compose.yml’s topology without Docker: Temporal on PostgreSQL, worker processes', () => {
  let topo: Topology;
  const scratch: string[] = [];
  before(async () => {
    topo = await startTopology({ workerFlags: ['--grace', '1'] });
  });
  after(async () => {
    await topo?.stop();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  const launch = (s: { dir: string; config: string }, extra: string[] = [], env: NodeJS.ProcessEnv = {}): CliRun =>
    startCli(['run', path.basename(s.config), '--address', topo.address, ...extra], {
      cwd: s.dir,
      env,
      timeoutMs: 900_000,
    });

  /** The runTrial activities of a sweep's whole chain. */
  async function trialActivities(config: string): Promise<ActivityRecord[]> {
    const chain = await fetchChain(topo.client, sweepWorkflowId(sweepIdOf(loadConfig(config))));
    return chain.flatMap((r) => activitiesOf(r.history)).filter((a) => a.activityType === 'runTrial');
  }

  /** Each trial of the grid once: one file per table, one row in `trials`, one completed runTrial activity. */
  async function assertEachTrialOnce(s: { config: string; runDir: string }): Promise<ActivityRecord[]> {
    const ids = expandGrid(loadConfig(s.config))
      .map((p) => p.trialId)
      .sort();
    for (const t of ['trials', 'curves', 'kernels'])
      assert.deepEqual(
        tableFiles(s.runDir, t),
        ids.map((id) => `${id}.parquet`),
        t,
      );
    const rows = (await readTable(s.runDir, 'trials')).toArray().map((x) => x.toJSON().trial_id as string);
    assert.deepEqual(rows.sort(), ids, 'the trials table');
    const acts = await trialActivities(s.config);
    assert.deepEqual(
      acts.map((a) => (a.result as RunTrialResult).trialId).sort(),
      ids,
      'one runTrial activity per trial',
    );
    for (const a of acts) assert.equal(a.outcome, 'completed');
    return acts;
  }

  it('runs what docker-compose.yml runs: its schema script, dynamic config, namespace step and server version', async () => {
    // Read independently of the harness: each one-shot service runs `sh /mount/SCRIPT` from a bind mount of the repository.
    const doc = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { command: string[]; volumes: string[]; environment: Record<string, string> }>;
    };
    const mounted = (service: string, inContainer: string): string => {
      const [src, target] = doc.services[service].volumes
        .map((v) => v.split(':'))
        .find(([, t]) => inContainer.startsWith(`${t}/`))!;
      return path.join(ROOT, src, inContainer.slice(target.length + 1));
    };
    const schema = mounted('temporal-schema', doc.services['temporal-schema'].command[0]);
    const namespace = mounted('temporal-create-namespace', doc.services['temporal-create-namespace'].command[0]);
    const dynamic = mounted(
      'temporal',
      path.posix.join('/etc/temporal', doc.services.temporal.environment.DYNAMIC_CONFIG_FILE_PATH),
    );
    assert.deepEqual(
      { schema: topo.ran.schemaScript, namespace: topo.ran.namespaceScript, dynamic: topo.ran.dynamicConfig },
      { schema, namespace, dynamic },
    );
    assert.equal(path.relative(ROOT, schema), 'docker/temporal/setup-postgres.sh');
    // One worker process per worker service, on its queues with its concurrency.
    const flag = (args: string[], f: string): string => args[args.indexOf(f) + 1];
    const services = Object.entries(doc.services).filter(([, s]) => s.command?.[0] === 'worker');
    assert.deepEqual(topo.ran.workers.map((w) => w.service).sort(), services.map(([n]) => n).sort());
    for (const [name, svc] of services) {
      const ran = topo.ran.workers.find((w) => w.service === name)!.args;
      for (const f of ['--queues', '--concurrency'])
        assert.equal(flag(ran, f), flag(svc.command, f).replace(/^\$\{\w+:-(.*)\}$/, '$1'), `${name} ${f}`);
      assert.equal(flag(ran, '--address'), topo.address);
    }

    // The server is the pinned version, and behaves as those files configured it.
    const info = await topo.client.connection.workflowService.getSystemInfo({});
    assert.equal(`v${info.serverVersion}`, topo.ran.serverVersion);
    assert.match(doc.services.temporal.environment.DB, /^postgres12/);
    // The namespace step's retention (create-namespace.sh: RETENTION, default 720h).
    const ns = await topo.client.connection.workflowService.describeNamespace({ namespace: 'default' });
    assert.equal(Number(ns.config?.workflowExecutionRetentionTtl?.seconds), 720 * 3600);
    // The dynamic config's limit.maxIDLength (255; the server's own default is 1000).
    const limit = Number(/limit\.maxIDLength:\s*\n\s*- value: (\d+)/.exec(readFileSync(dynamic, 'utf8'))![1]);
    assert.equal(limit, 255);
    const start = (id: string) =>
      topo.client.workflow.start('noSuchWorkflow', { taskQueue: 'topology-test-unpolled', workflowId: id, args: [] });
    await assert.rejects(start('x'.repeat(limit + 1)), (e: Error) =>
      /WorkflowId length exceeds limit/.test(String((e.cause as Error | undefined)?.message)),
    );
    const ok = await start('y'.repeat(limit));
    await ok.terminate('only checking the id limit');
  });

  it('a sweep through the topology completes with each trial exactly once, on both worker processes', async () => {
    const s = sweepDir('eight.yaml', 'topo-two-workers');
    scratch.push(s.dir);
    const r = await launch(s, ['--json']).done;
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.ok + result.diverged, 8);
    const acts = await assertEachTrialOnce(s);
    const who = new Set(acts.map((a) => a.identity));
    assert.deepEqual([...who].sort(), ['worker-cpu', 'worker-gpu'], 'trials ran on both worker processes');
  });

  it('the server SIGKILLed mid-sweep and restarted: the CLI says it was lost and found, the sweep completes, no finished trial re-trained', async () => {
    const s = sweepDir('many.yaml', 'topo-server-killed');
    scratch.push(s.dir);
    const cli = launch(s, ['--progress', 'lines', '--interval', '1'], { NTK_SWEEP_SERVER_WAIT_S: '180' });
    await waitFor('three trials', () => (tableFiles(s.runDir, 'trials').length >= 3 ? true : undefined), 300_000, 50);
    await topo.killServer();
    // Trials complete now (their `trials` file is written last) were trained before the kill.
    const finished = new Map(tableFiles(s.runDir, 'trials').map((f) => [f, fileIdentity(s.runDir, f)]));
    await waitFor(
      'the CLI to notice',
      () => (/lost the Temporal server/.test(cli.output().stderr) ? true : undefined),
      120_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    await topo.startServer();

    const r = await cli.done;
    const said = `exit ${r.status}\n--- stderr:\n${r.stderr}\n--- stdout:\n${r.stdout}`;
    assert.equal(r.status, 0, said);
    assert.match(
      r.stderr,
      new RegExp(
        `lost the Temporal server at ${topo.address.replace(/\./g, '\\.')}; the sweep is intact: ntk-sweep resume ${s.runDir.replace(/[/.]/g, '\\$&')} --address`,
      ),
      said,
    );
    assert.match(r.stderr, /found the Temporal server at \S+ again; following the sweep/, said);
    assert.doesNotMatch(`${r.stderr}\n${r.stdout}`, STACK_LINE, said);
    assert.match(r.stdout, /completed: 24\/24 trials/, said);

    const acts = await assertEachTrialOnce(s);
    assert.ok(finished.size >= 3 && finished.size < 24, `${finished.size} trials complete at the kill`);
    for (const [f, before] of finished) {
      assert.deepEqual(fileIdentity(s.runDir, f), before, `${f}: its tables were written again`);
      const a = acts.find((x) => `${(x.result as RunTrialResult).trialId}.parquet` === f)!;
      // The attempt that trained it reported back (attempt 1), or a retry found it complete and trained nothing.
      const r = a.result as RunTrialResult;
      assert.ok(r.skipped ? r.stepsComputed === 0 : a.attempt === 1, `${f} trained again: ${JSON.stringify(a)}`);
    }
  });

  it('a server that does not come back in time: the CLI exits with EXIT_SERVER_LOST and says how to resume; resume completes the sweep', async () => {
    const s = sweepDir('many.yaml', 'topo-server-gone');
    scratch.push(s.dir);
    const cli = launch(s, ['--progress', 'lines', '--interval', '1'], { NTK_SWEEP_SERVER_WAIT_S: '5' });
    await waitFor('two trials', () => (tableFiles(s.runDir, 'trials').length >= 2 ? true : undefined), 300_000, 50);
    await topo.killServer();
    const r = await cli.done;
    const said = `exit ${r.status}\n--- stderr:\n${r.stderr}\n--- stdout:\n${r.stdout}`;
    assert.equal(r.status, EXIT_SERVER_LOST, said);
    const resume = `ntk-sweep resume ${s.runDir} --address ${topo.address}`;
    assert.ok(r.stderr.includes(`lost the Temporal server at ${topo.address}; the sweep is intact: ${resume}\n`), said);
    assert.ok(
      r.stderr.includes(
        `the Temporal server at ${topo.address} did not come back within 5 s; continue the sweep with: ${resume}\n`,
      ),
      said,
    );
    assert.doesNotMatch(`${r.stderr}\n${r.stdout}`, STACK_LINE, said);

    await topo.startServer();
    const resumed = await startCli(['resume', s.runDir, '--address', topo.address, '--json'], {
      cwd: s.dir,
      timeoutMs: 900_000,
    }).done;
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout.trim().split('\n').at(-1)!).status, 'completed');
    await assertEachTrialOnce(s);
  });

  it('a worker SIGKILLed mid-trial: the trial resumes from its checkpoint on the other worker', async () => {
    const s = sweepDir('long.yaml', 'topo-worker-killed');
    scratch.push(s.dir);
    const [{ trialId }] = expandGrid(loadConfig(s.config));
    const steps = 10_000;
    const cli = launch(s, ['--json', '--heartbeat-timeout', '3', '--checkpoint-every', '200']);
    const checkpoint = path.join(s.runDir, 'checkpoints', trialId, 'checkpoint.json');
    await waitFor('a first checkpoint', () => (existsSync(checkpoint) ? true : undefined), 300_000, 25);
    const handle = topo.client.workflow.getHandle(sweepWorkflowId(sweepIdOf(loadConfig(s.config))));
    const [pending] = (await handle.describe()).raw.pendingActivities ?? [];
    assert.ok(pending, 'the trial is running');
    const victim = pending.lastWorkerIdentity!;
    assert.ok(topo.workers.has(victim), `ran on ${victim}`);
    const beat = pending.heartbeatDetails?.payloads?.[0];
    if (beat) {
      const b = defaultPayloadConverter.fromPayload<{ trialId: string; step: number; steps: number }>(beat);
      assert.equal(b.trialId, trialId);
      assert.equal(b.steps, steps);
    }
    const service = topo.compose.workers.find((w) => victim.startsWith(w.service))!.service;
    await topo.killWorker(victim);
    // The retry goes to the worker that is left. Then the victim comes back, as the compose file's
    // `restart: unless-stopped` brings it back (it may be the only worker on the CPU queue, which
    // the sweep's workflow and aggregation need).
    const trialFile = path.join(s.runDir, 'trials', `${trialId}.parquet`);
    await waitFor(
      'the retry on the other worker',
      async () => {
        const [p] = (await handle.describe()).raw.pendingActivities ?? [];
        return existsSync(trialFile) ||
          (p && p.attempt! >= 2 && p.lastWorkerIdentity && p.lastWorkerIdentity !== victim)
          ? true
          : undefined;
      },
      300_000,
      250,
    );
    await topo.startWorker(service, `${service}#2`);

    const r = await cli.done;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').at(-1)!).status, 'completed');
    const [trial] = await assertEachTrialOnce(s);
    assert.notEqual(trial.identity, victim, 'the retry ran on the other worker');
    assert.ok(trial.attempt >= 2, `attempt ${trial.attempt}`);
    const res = trial.result as RunTrialResult;
    assert.equal(res.skipped, false);
    assert.ok(res.startedFromStep >= 200, `resumed from step ${res.startedFromStep}`);
    assert.equal(res.stepsComputed, steps - res.startedFromStep, 'only the steps after the checkpoint were computed');
    const curveSteps = (await readTable(s.runDir, 'curves')).toArray().map((x) => x.toJSON().step as number);
    assert.deepEqual(
      [...curveSteps].sort((a, b) => a - b),
      Array.from({ length: steps / 50 + 1 }, (_, i) => i * 50),
      'each logged step once',
    );
    assert.equal(existsSync(path.join(s.runDir, 'checkpoints', trialId)), false, 'the checkpoint is gone');
  });

  it('PostgreSQL restarted mid-sweep: the sweep completes with each trial once', async () => {
    const s = sweepDir('many.yaml', 'topo-postgres-restarted');
    scratch.push(s.dir);
    const cli = launch(s, ['--progress', 'lines', '--interval', '1'], { NTK_SWEEP_SERVER_WAIT_S: '180' });
    await waitFor('three trials', () => (tableFiles(s.runDir, 'trials').length >= 3 ? true : undefined), 300_000, 50);
    await topo.restartPostgres(5000);
    const r = await cli.done;
    const said = `exit ${r.status}\n--- stderr:\n${r.stderr}\n--- stdout:\n${r.stdout}\n--- server log:\n${topo.serverLog()}`;
    assert.equal(r.status, 0, said);
    assert.match(r.stdout, /completed: 24\/24 trials/, said);
    assert.doesNotMatch(`${r.stderr}\n${r.stdout}`, STACK_LINE, said);
    // Whether the CLI noticed the outage depends on its timing; each time it did, it found the server again.
    const count = (re: RegExp): number => (r.stderr.match(re) ?? []).length;
    assert.equal(count(/^found the Temporal server at \S+ again/gm), count(/^lost the Temporal server at /gm), said);
    await assertEachTrialOnce(s);
  });
});
