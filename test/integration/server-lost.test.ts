/**
 * The embedded server SIGKILLed under a running `ntk-sweep run`: the CLI says the server was lost,
 * that the sweep is intact and how to continue it, exits with EXIT_SERVER_LOST, and prints no stack
 * trace; `resume` then completes the sweep with each trial once.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expandGrid, loadConfig } from '../../src/config/index.js';
import { EXIT_SERVER_LOST } from '../../src/exit-codes.js';
import { isAlive } from '../../orchestration/dev-server.js';
import { readTable } from '../../src/tables/read.js';
import { runCli, STACK_LINE, startCli, tableFiles, waitFor, workdirWith } from './helpers/cli.js';

const escape = (s: string): string => s.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&');

describe('the embedded server killed under a running sweep', () => {
  const scratch: string[] = [];
  after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('the CLI says it lost the server and how to resume, exits with its code, no stack trace; resume runs each trial once', async () => {
    const { dir, config } = workdirWith('many.yaml');
    scratch.push(dir);
    const runDir = path.join(dir, 'runs', 'many');
    const ids = expandGrid(loadConfig(config))
      .map((p) => p.trialId)
      .sort();
    const cli = startCli(['run', 'many.yaml', '--progress', 'lines', '--interval', '1'], { cwd: dir });
    await waitFor('two trials', () => (tableFiles(runDir, 'trials').length >= 2 ? true : undefined), 180_000, 100);
    const { pid } = JSON.parse(readFileSync(path.join(runDir, '.temporal', 'server.json'), 'utf8')) as { pid: number };
    process.kill(-pid, 'SIGKILL');

    const r = await cli.done;
    const said = `exit ${r.status}\n--- stderr:\n${r.stderr}\n--- stdout:\n${r.stdout}`;
    assert.equal(r.status, EXIT_SERVER_LOST, said);
    assert.match(
      r.stderr,
      new RegExp(
        `lost the embedded Temporal server \\(its process is gone\\); the sweep is intact: ntk-sweep resume ${escape(runDir)}\\n`,
      ),
      said,
    );
    assert.doesNotMatch(`${r.stderr}\n${r.stdout}`, STACK_LINE, said);
    assert.doesNotMatch(r.stderr, /the sweep \S+ failed/, said);
    assert.equal(isAlive(pid), false);
    const before = tableFiles(runDir, 'trials').length;
    assert.ok(before < ids.length, `${before} trials were done when the server was killed`);

    const resumed = await runCli(['resume', runDir, '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.doesNotMatch(resumed.stderr, STACK_LINE, resumed.stderr);
    const result = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!);
    assert.equal(result.status, 'completed');
    assert.equal(result.ok + result.diverged, ids.length);
    assert.deepEqual(
      tableFiles(runDir, 'trials'),
      ids.map((id) => `${id}.parquet`),
    );
    const rows = (await readTable(runDir, 'trials')).toArray().map((x) => x.toJSON().trial_id as string);
    assert.deepEqual(rows.sort(), ids, 'each trial once in the trials table');
  });
});
