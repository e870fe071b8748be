/**
 * The reference studies at reduced size (fewer widths, seeds and steps; the data and the network
 * as in the config): every trial run by the trial runner into a run folder, aggregated, and the
 * headline numbers compared with the values docs/reference-studies.md records, within the
 * tolerances it states. The recorded values were made by this test (it prints what it measures).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { aggregateRun, readSummary, type FitRow } from '../../src/aggregate/index.js';
import { selectBackend } from '../../src/backend/select.js';
import { analyticIdOf, sweepIdOf, trialIdOf } from '../../src/config/ids.js';
import { loadConfig, resolveTrial, type Assignment } from '../../src/config/loader.js';
import { writeTrialTables } from '../../src/tables/write.js';
import { computeTrial } from '../../src/trial/compute-trial.js';

await selectBackend('wasm');

/** The reduced grids (docs/reference-studies.md says the same). */
const REDUCED: Record<string, { widths: number[]; seeds: number; over: Assignment[] }> = {
  lee2019: { widths: [64, 128, 256, 512], seeds: 2, over: [{ path: 'train.steps', value: 256 }] },
  jacot2018: { widths: [64, 128, 256, 512], seeds: 8, over: [] },
};

/** `| study | headline | value | tolerance |` rows of the doc's table. */
function recorded(): Map<string, { value: number; tol: number }> {
  const text = readFileSync('docs/reference-studies.md', 'utf8');
  const out = new Map<string, { value: number; tol: number }>();
  for (const line of text.split('\n')) {
    const m = /^\|\s*(lee2019|jacot2018)\s*\|\s*`([^`]+)`\s*\|\s*([−-]?[\d.]+)\s*\|\s*±\s*([\d.]+)\s*\|/.exec(line);
    if (m) out.set(`${m[1]} ${m[2]}`, { value: Number(m[3].replace('−', '-')), tol: Number(m[4]) });
  }
  return out;
}

async function runStudy(name: string): Promise<{ fits: FitRow[]; run: string; steps: number; lrOverCrit: number[] }> {
  const loaded = loadConfig(`configs/${name}.yaml`);
  const { widths, seeds, over } = REDUCED[name];
  const run = mkdtempSync(path.join(tmpdir(), `ntk-ref-${name}-`));
  let steps = 0;
  const lrOverCrit: number[] = [];
  for (const width of widths) {
    for (let seed = 0; seed < seeds; seed++) {
      const config = resolveTrial(loaded, [
        { path: 'model.width', value: width },
        { path: 'seed', value: seed },
        ...over,
      ]);
      steps = config.train.steps;
      const t = await computeTrial(config, {
        configDir: loaded.dir,
        sweepId: sweepIdOf(loaded),
        trialId: trialIdOf(config),
        analyticId: analyticIdOf(config),
      });
      assert.equal(t.trials.status, 'ok', `${name} width ${width} seed ${seed}`);
      lrOverCrit.push(t.trials.lr_over_crit!);
      await writeTrialTables(run, t);
    }
  }
  const { fits } = await aggregateRun(run, { resamples: 200 });
  return { fits, run, steps, lrOverCrit };
}

const slopeAt = (fits: FitRow[], metric: string, step: number): number => {
  const f = fits.find((r) => r.source === 'curves' && r.metric === metric && r.step === step);
  assert.ok(f && f.slope !== null, `no slope for ${metric} at ${step}`);
  return f.slope;
};

function check(study: string, measured: Record<string, number>): void {
  const want = recorded();
  for (const [headline, value] of Object.entries(measured)) {
    console.log(`| ${study} | \`${headline}\` | ${value.toFixed(3)} |`);
  }
  for (const [headline, value] of Object.entries(measured)) {
    const r = want.get(`${study} ${headline}`);
    assert.ok(r, `docs/reference-studies.md records no value for ${study} ${headline}`);
    assert.ok(
      Math.abs(value - r.value) <= r.tol,
      `${study} ${headline}: measured ${value}, recorded ${r.value} ± ${r.tol}`,
    );
  }
}

test(
  'lee2019 at reduced size: per-layer weight changes and the NTK change against width as recorded',
  { timeout: 20 * 60_000 },
  async () => {
    const { fits, run, steps, lrOverCrit } = await runStudy('lee2019');
    try {
      assert.ok(
        lrOverCrit.every((r) => r < 1),
        `lr below η_crit: ${lrOverCrit}`,
      );
      check('lee2019', {
        'weight_change_input slope': slopeAt(fits, 'weight_change_input', steps),
        'weight_change_hidden slope': slopeAt(fits, 'weight_change_hidden', steps),
        'weight_change_output slope': slopeAt(fits, 'weight_change_output', steps),
        'weight_change slope': slopeAt(fits, 'weight_change', steps),
        'kernel_drift slope': slopeAt(fits, 'kernel_drift', steps),
      });
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  },
);

test(
  'jacot2018 at reduced size: the t = 0 kernel error against width as recorded',
  { timeout: 20 * 60_000 },
  async () => {
    const { fits, run } = await runStudy('jacot2018');
    try {
      const at0 = await readSummary(run, "source = 'curves' AND metric = 'kernel_rel_err' AND step = 0");
      const mean = (w: number) => at0.find((r) => r.width === w)!.mean;
      check('jacot2018', {
        'kernel_rel_err slope at t = 0': slopeAt(fits, 'kernel_rel_err', 0),
        'kernel_rel_err mean at t = 0, width 64': mean(64),
        'kernel_rel_err mean at t = 0, width 512': mean(512),
        'kernel_drift slope': slopeAt(fits, 'kernel_drift', 200),
      });
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  },
);
