/**
 * The fits tables and theory captions every convergence section shares: a fit's row, its theory
 * cell and agreement from the metric catalogue (src/metrics/catalogue.ts), and the order metrics are shown in.
 */
import {
  CONSTANTS,
  cite,
  codeValue,
  constant,
  strong,
  value,
  type Constant,
  type Inline,
  type TableBlock,
} from '../content.js';
import { groupDepth, type FitPoint, type ReportData } from '../report-data.js';
import type { DrawnLine } from '../specs/convergence.js';
import { agreement, exponentText, metricOrder, metricTheory } from '../../metrics/catalogue.js';

/** Sources shown first, in this order; metrics follow the catalogue's order (src/metrics/catalogue.ts), unknown ones by name. */
const SOURCE_ORDER = ['curves', 'trials'];

export const fitKey = (f: FitPoint) => ({ group: f.group, source: f.source, metric: f.metric, step: f.step });

/** A catalogue label at the start of a sentence. */
export const sentenceCase = (label: string): string => label.charAt(0).toUpperCase() + label.slice(1);

/** An exponent as a report constant (the catalogue's exponents are −1/2, −1 and 0). */
export function exponentConstant(p: number): Inline {
  const text = exponentText(p);
  if (!(CONSTANTS as readonly string[]).includes(text)) throw new Error(`exponent ${text} is not a report constant`);
  return constant(text as Constant['text']);
}

/** The theory column of a fit: the exponent drawn for the group's depth and its status. */
export function theoryCell(f: FitPoint, depth: number | null): Inline {
  const t = metricTheory(f.metric);
  const p = t?.exponent(depth) ?? null;
  if (!t || p === null) return '—';
  if (t.status === 'bound')
    return {
      kind: 'strong',
      parts: ['≤ ', exponentConstant(p), ' (bound; typically ', exponentConstant(t.observed!), ')'],
    };
  return {
    kind: 'strong',
    parts: [exponentConstant(p), t.status === 'depth-dependent' ? ' (at this depth)' : ' (rate)'],
  };
}

/** A fits row as a table row: group, step, widths, slope, CI, R², theory, CI against theory, excluded, reason. */
export function fitCells(f: FitPoint, depth: number | null, withMetric: boolean): Inline[] {
  const k = fitKey(f);
  const cells: Inline[] = [value(f.group, 'fits', k, 'group')];
  if (withMetric) cells.push(codeValue(f.metric, 'fits', k, 'metric'));
  const t = metricTheory(f.metric);
  const agrees = t ? agreement(t, depth, f.slope_ci_low, f.slope_ci_high) : null;
  cells.push(
    f.step === null ? 'final' : value(f.step, 'fits', k, 'step', 'int'),
    value(f.n_widths, 'fits', k, 'n_widths', 'int'),
    value(f.slope, 'fits', k, 'slope'),
    value(f.slope_ci_low, 'fits', k, 'slope_ci_low', 'sig3'),
    value(f.slope_ci_high, 'fits', k, 'slope_ci_high', 'sig3'),
    value(f.r2, 'fits', k, 'r2', 'sig3'),
    theoryCell(f, depth),
    agrees === null
      ? '—'
      : agrees === 'contains' || agrees === 'faster than the bound'
        ? agrees
        : strong(`CI ${agrees}`),
    value(f.n_failed, 'fits', k, 'n_failed', 'int'),
    value(f.n_diverged, 'fits', k, 'n_diverged', 'int'),
    f.reason === null ? '' : value(f.reason, 'fits', k, 'reason'),
  );
  return cells;
}

export const FIT_COLUMNS = [
  'group',
  'step',
  'widths',
  'slope',
  'CI low',
  'CI high',
  'R²',
  'theory',
  'CI against theory',
  'failed',
  'diverged',
  'no slope because',
];

export function fitTable(id: string, fits: FitPoint[], d: ReportData, withMetric: boolean): TableBlock {
  const columns = withMetric ? [FIT_COLUMNS[0], 'metric', ...FIT_COLUMNS.slice(1)] : FIT_COLUMNS;
  return { kind: 'table', id, columns, rows: fits.map((f) => fitCells(f, groupDepth(d, f.group), withMetric)) };
}

/** The caption's account of the theory lines of a metric: exponents, status and sources. */
export function theoryCaption(metric: string, lines: readonly DrawnLine[]): Inline[] {
  const t = metricTheory(metric);
  if (!t || t.status === 'none') return ['; no theory line (the catalogue gives this metric no width exponent)'];
  if (lines.length === 0) return ['; no theory line (the depth of the networks is unknown)'];
  const out: Inline[] = [];
  const slopes = (style: DrawnLine['style']): Inline[] => {
    const ps = [...new Set(lines.filter((l) => l.style === style).map((l) => l.slope))].sort((a, b) => b - a);
    return ps.flatMap((p, i) => (i === 0 ? [exponentConstant(p)] : [' or ', exponentConstant(p)]));
  };
  if (t.status === 'bound') {
    out.push(
      '; dotted grey: the theory’s bound, slope ',
      ...slopes('bound'),
      ' (an upper bound, not a rate); dash-dotted grey: the rate typically observed, slope ',
      ...slopes('typical'),
    );
  } else {
    out.push('; dotted grey: the theory’s rate, slope ', ...slopes('theory'));
    if (t.status === 'depth-dependent') out.push(' (it depends on depth: one hidden layer and deeper networks differ)');
  }
  out.push(', through the narrowest width’s mean. Source: ');
  t.sources.forEach((src, i) => {
    if (i > 0) out.push('; ');
    out.push(cite(src.arxiv), `, ${src.where}`);
  });
  return out;
}

export function metricRank(source: string, metric: string): [number, number, string] {
  const s = SOURCE_ORDER.indexOf(source);
  return [s < 0 ? SOURCE_ORDER.length : s, metricOrder(metric), metric];
}

export function compareRank(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]);
}

export const stepKey = (s: number | null) => (s === null ? 'final' : String(s));
