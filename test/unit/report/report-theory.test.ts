/**
 * The theory lines of the report's convergence figures come from the metric catalogue
 * (src/metrics/catalogue.ts): for every metric, the slope drawn (read back from the figure's data)
 * is the catalogue's exponent at the group's depth, bounds come with the typical rate beside them,
 * losses get no line; the CI band is the CI of log(mean), positive even when mean − t·se is not;
 * the legend names every line style drawn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRIC_CATALOGUE, agreement, exponentText, metricTheory } from '../../../src/metrics/catalogue.js';
import type { FitPoint, SummaryPoint } from '../../../src/report/report-data.js';
import { logBand } from '../../../src/report/specs/common.js';
import { LINE_STYLES, convergenceSpec } from '../../../src/report/specs/convergence.js';

const WIDTHS = [64, 256, 1024];

function inputs(metric: string, groups: Record<string, number>) {
  const points: SummaryPoint[] = [];
  const fits: FitPoint[] = [];
  for (const group of Object.keys(groups)) {
    for (const width of WIDTHS) {
      const mean = 2 * width ** -0.7;
      points.push({
        group,
        width,
        source: 'curves',
        metric,
        step: 10,
        n: 3,
        mean,
        ci_low: mean * 0.02,
        ci_high: mean * 1.98,
      });
    }
    fits.push({
      group,
      source: 'curves',
      metric,
      step: 10,
      n_widths: 3,
      n: 9,
      n_failed: 0,
      n_diverged: 0,
      min_width: 64,
      max_width: 1024,
      slope: -0.7,
      intercept: Math.log(2),
      r2: 1,
      slope_ci_low: -0.8,
      slope_ci_high: -0.6,
      reason: null,
    });
  }
  return { source: 'curves', metric, points, fits, groupOrder: Object.keys(groups), depthOf: (g: string) => groups[g] };
}

type Row = { kind: string; style: string; group: string; width: number; y: number; lo?: number; hi?: number };
const dataOf = (spec: object): Row[] => (spec as { data: { values: Row[] } }).data.values;

test('for every metric, the drawn slopes are the catalogue’s exponents at the group’s depth', () => {
  const groups = { 'depth=1': 1, 'depth=3': 3 };
  for (const entry of METRIC_CATALOGUE) {
    const plot = convergenceSpec(inputs(entry.metric, groups));
    const rows = dataOf(plot.spec).filter((r) => r.kind === 'theory');
    for (const [group, depth] of Object.entries(groups)) {
      const p = entry.exponent(depth);
      const want: [string, number][] =
        p === null
          ? []
          : entry.status === 'bound'
            ? [
                [LINE_STYLES.bound.label, p],
                [LINE_STYLES.typical.label, entry.observed!],
              ]
            : [[LINE_STYLES.theory.label, p]];
      const drawn = rows.filter((r) => r.group === group);
      assert.equal(
        drawn.length,
        2 * want.length,
        `${entry.metric} ${group}: ${drawn.length / 2} lines, want ${want.length}`,
      );
      for (const [style, slope] of want) {
        const [a, b] = drawn.filter((r) => r.style === style);
        const got = Math.log(b.y / a.y) / Math.log(b.width / a.width);
        assert.ok(Math.abs(got - slope) < 1e-12, `${entry.metric} ${group} ${style}: drawn ${got}, catalogue ${slope}`);
        assert.ok(
          plot.lines.some((l) => l.group === group && l.slope === slope),
          `${entry.metric}: listed for the caption`,
        );
      }
    }
  }
  assert.equal(metricTheory('final_weight_change'), metricTheory('weight_change'));
  assert.equal(metricTheory('weight_change')!.exponent(1), -0.5);
  assert.equal(metricTheory('weight_change')!.exponent(2), -1);
});

test('losses have no exponent and no fit; bounds say which side a CI falls on', () => {
  for (const m of [
    'train_loss',
    'test_loss',
    'pred_test_loss_analytic',
    'final_train_loss',
    'test_loss_analytic_kernel',
  ]) {
    const t = metricTheory(m)!;
    assert.equal(t.status, 'none');
    assert.equal(t.fitted, false);
  }
  const drift = metricTheory('kernel_drift')!;
  assert.equal(agreement(drift, 2, -1.1, -0.9), 'faster than the bound');
  assert.equal(agreement(drift, 2, -0.4, -0.2), 'violates the bound');
  assert.equal(agreement(metricTheory('kernel_rel_err')!, 2, -0.55, -0.45), 'contains');
  assert.equal(agreement(metricTheory('kernel_rel_err')!, 2, -1.1, -0.9), 'excludes');
  assert.deepEqual([-0.5, -1, 0].map(exponentText), ['−1/2', '−1', '0']);
});

test('the band is the CI of log(mean): positive and symmetric on the log axis where mean − t·se ≤ 0', () => {
  const p: SummaryPoint = {
    group: 'all',
    width: 512,
    source: 'curves',
    metric: 'weight_change',
    step: 0,
    n: 3,
    mean: 0.1,
    ci_low: 0.002 - 0.1,
    ci_high: 0.198,
  };
  const [lo, hi] = logBand(p);
  assert.ok(lo > 0 && Math.abs(Math.log(hi / p.mean) - Math.log(p.mean / lo)) < 1e-12, `${lo} ${hi}`);
  assert.ok(
    Math.abs(Math.log(hi / p.mean) - 0.098 / 0.1) < 1e-12,
    'half-width t·se/mean on the log scale (delta method)',
  );
  const plot = convergenceSpec(inputs('weight_change', { all: 2 }));
  for (const r of dataOf(plot.spec).filter((d) => d.kind === 'mean'))
    assert.ok(r.lo! > 0 && r.lo! < r.y && r.hi! > r.y);
});

test('the legend names every line style drawn', () => {
  for (const [metric, styles] of [
    ['kernel_drift', ['mean', 'fit', 'bound', 'typical']],
    ['kernel_rel_err', ['mean', 'fit', 'theory']],
  ] as const) {
    const spec = convergenceSpec(inputs(metric, { all: 2 })).spec as unknown as {
      spec: { layer: { encoding: Record<string, { scale?: { domain: string[]; range: number[][] } }> }[] };
    };
    const dash = spec.spec.layer.map((l) => l.encoding.strokeDash).find((e) => e?.scale);
    assert.ok(dash, `${metric}: a strokeDash legend`);
    assert.deepEqual(
      dash.scale!.domain,
      styles.map((s) => LINE_STYLES[s].label),
    );
    assert.deepEqual(
      dash.scale!.range,
      styles.map((s) => LINE_STYLES[s].dash),
    );
  }
});

test('the layer-role figure draws each role’s own catalogue rate', () => {
  const roles = ['input', 'hidden', 'output'];
  const points: SummaryPoint[] = [];
  const fits: FitPoint[] = [];
  for (const role of roles) {
    const base = inputs(`weight_change_${role}`, { [role]: 2 });
    points.push(...base.points);
    fits.push(...base.fits);
  }
  const plot = convergenceSpec({
    source: 'curves',
    metric: 'weight_change by layer role',
    points,
    fits,
    groupOrder: roles,
    depthOf: () => 2,
    theoryOf: (g) => metricTheory(`weight_change_${g}`),
  });
  assert.deepEqual(
    plot.lines.map((l) => [l.group, l.slope]),
    [
      ['input', -0.5],
      ['hidden', -1],
      ['output', -0.5],
    ],
  );
});
