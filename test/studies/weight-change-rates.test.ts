/**
 * The weight-change rates of src/metrics/catalogue.ts on a small real width study: every trial of
 * test/fixtures/trial/weight-change-rates.yaml run by the trial runner, written to a run folder and
 * aggregated. The total relative change falls as width^−1/2 at depth 1 and as width^−1 at depth 2
 * (the n × n hidden matrix dominates ‖θ‖); per layer role, input and output as width^−1/2 and the
 * hidden matrix as width^−1 (Lee et al. 2019, arXiv:1902.06720).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { aggregateRun } from '../../src/aggregate/aggregate-run.js';
import { selectBackend } from '../../src/backend/select.js';
import { expandGrid, resolvePoint } from '../../src/config/expand.js';
import { analyticIdOf, sweepIdOf, trialIdOf } from '../../src/config/ids.js';
import { loadConfig } from '../../src/config/loader.js';
import { metricTheory } from '../../src/metrics/catalogue.js';
import { writeTrialTables } from '../../src/tables/write.js';
import { computeTrial } from '../../src/trial/compute-trial.js';

await selectBackend('wasm');

const loaded = loadConfig('test/fixtures/trial/weight-change-rates.yaml');
const run = mkdtempSync(path.join(tmpdir(), 'ntk-wc-rates-'));
let steps = 0;
for (const point of expandGrid(loaded)) {
  const config = resolvePoint(loaded, point);
  steps = config.train.steps;
  const tables = await computeTrial(config, {
    configDir: loaded.dir,
    sweepId: sweepIdOf(loaded),
    trialId: trialIdOf(config),
    analyticId: analyticIdOf(config),
  });
  await writeTrialTables(run, tables);
}
const { fits } = await aggregateRun(run, { resamples: 200 });
rmSync(run, { recursive: true, force: true });

const slope = (depth: number, metric: string): number => {
  const f = fits.find(
    (r) => r.groupValues.depth === depth && r.source === 'curves' && r.metric === metric && r.step === steps,
  );
  assert.ok(f && f.slope !== null, `no fit of ${metric} at depth ${depth}`);
  return f.slope;
};

test('weight_change falls as width^−1/2 at depth 1 and width^−1 at depth 2 (within 0.2), as the catalogue says', () => {
  const theory = metricTheory('weight_change')!;
  for (const depth of [1, 2]) {
    const s = slope(depth, 'weight_change');
    const want = theory.exponent(depth)!;
    console.log(`depth ${depth}: weight_change slope ${s.toFixed(3)} (theory ${want})`);
    assert.ok(Math.abs(s - want) <= 0.2, `depth ${depth}: slope ${s}, theory ${want}`);
  }
  assert.equal(theory.exponent(1), -0.5);
  assert.equal(theory.exponent(2), -1);
});

test('per layer role: input and output weights as width^−1/2, the hidden matrix as width^−1 (within 0.2)', () => {
  for (const metric of [
    'weight_change_input',
    'weight_change_hidden',
    'weight_change_output',
    'bias_change_input',
    'bias_change_hidden',
  ]) {
    const want = metricTheory(metric)!.exponent(2)!;
    const s = slope(2, metric);
    console.log(`depth 2: ${metric} slope ${s.toFixed(3)} (theory ${want})`);
    assert.ok(Math.abs(s - want) <= 0.2, `${metric}: slope ${s}, theory ${want}`);
  }
  assert.equal(
    fits.filter((f) => f.groupValues.depth === 1 && f.metric === 'weight_change_hidden').length,
    0,
    'depth 1 has no hidden matrix',
  );
});
