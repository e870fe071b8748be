/**
 * The table of docs/report.md ("The metric catalogue") says for every fitted metric what
 * src/metrics/catalogue.ts says: its status and the exponent drawn (at depth 1 for the
 * depth-dependent one), and names no metric the catalogue lacks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { METRIC_CATALOGUE, exponentText, metricTheory } from '../../../src/metrics/catalogue.js';
import { ROOT } from '../../helpers/python.js';

/**
 * The metrics a cell names: `weight_change_input`, `_output` → weight_change_input,
 * weight_change_output (a suffix replaces the last part), or `pred_gap_linear`, `_rel` →
 * pred_gap_linear, pred_gap_linear_rel (a suffix extends the name) — whichever the catalogue knows.
 */
function metricsOf(cell: string): string[] {
  const names = [...cell.matchAll(/`([a-z_0-9]+)`/g)].map((m) => m[1]);
  const first = names[0];
  return names.map((n) => {
    if (!n.startsWith('_')) return n;
    const replaced = first.slice(0, first.lastIndexOf('_')) + n;
    return metricTheory(replaced)?.metric === replaced ? replaced : first + n;
  });
}

test('docs/report.md states every fitted metric’s status and exponent as the catalogue does', () => {
  const text = readFileSync(path.join(ROOT, 'docs', 'report.md'), 'utf8');
  const section = text.split('\n## The metric catalogue')[1]?.split('\n## ')[0];
  assert.ok(section, 'docs/report.md has no metric catalogue section');
  const rows = section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').map((c) => c.trim()));
  const documented = new Set<string>();
  for (const [, metricCell, status, drawn] of rows) {
    for (const metric of metricsOf(metricCell)) {
      const t = metricTheory(metric);
      assert.ok(t && t.metric === metric, `docs/report.md names ${metric}, which the catalogue lacks`);
      documented.add(metric);
      assert.equal(status.split(',')[0], t.status, `${metric}: status`);
      const first = /[−-]?\d+(?:\/\d+)?/.exec(drawn.replace(/^≤\s*/, ''))?.[0];
      assert.equal(first, exponentText(t.exponent(1)!), `${metric}: exponent drawn`);
    }
  }
  const fitted = METRIC_CATALOGUE.filter((t) => t.fitted).map((t) => t.metric);
  assert.deepEqual(
    fitted.filter((m) => !documented.has(m)),
    [],
    'fitted metrics missing from docs/report.md',
  );
});
