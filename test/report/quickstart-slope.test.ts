/**
 * The real quickstart sweep (configs/quickstart.yaml through `ntk-sweep run`
 * on the embedded Temporal server, then `ntk-sweep report`) fits a slope of kernel_rel_err at
 * initialisation against width within [−0.65, −0.35] (theory −1/2), and the report shows it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { initialKernelSlopes } from '../../src/report/slope.js';
import { ROOT } from '../helpers/python.js';

/** The CLI run from `cwd`, so the config's relative `output` (runs/quickstart) lands there. */
function cli(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'ntk-sweep.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 15 * 60_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test(
  'the quickstart sweep fits a kernel_rel_err slope near −1/2 and its report shows it',
  { timeout: 20 * 60_000 },
  async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'ntk-quickstart-'));
    const config = path.join(ROOT, 'configs', 'quickstart.yaml');
    const run = cli(['run', config, '--backend', 'wasm', '--progress', 'lines'], cwd);
    assert.equal(run.status, 0, run.out);
    const runDir = path.join(cwd, 'runs', 'quickstart');
    const report = cli(['report', runDir], cwd);
    assert.equal(report.status, 0, report.out);

    const slopes = await initialKernelSlopes(runDir);
    assert.equal(slopes.length, 2, 'one fit per depth');
    const html = readFileSync(path.join(runDir, 'report', 'index.html'), 'utf8');
    for (const s of slopes) {
      assert.equal(s.n_widths, 5);
      assert.ok(s.slope !== null && s.slope >= -0.65 && s.slope <= -0.35, `${s.group}: slope ${s.slope}`);
      // The headline table prints the slope as a <data> element carrying the queried value.
      const shown = [...html.matchAll(/<data value="([^"]+)"[^>]*data-key="([^"]+)"[^>]*data-col="slope"/g)].find(
        (m) => m[2].includes(s.group) && m[2].includes('kernel_rel_err'),
      );
      assert.ok(shown, `the report shows the slope of ${s.group}`);
      assert.equal(Number(shown[1]), s.slope);
    }
  },
);
