/**
 * What the theory says about each metric's dependence on the width n, in one place: the report
 * draws its lines, names their sources and marks the fits that disagree from here, and the
 * aggregation fits a slope only where one means something.
 *
 * Status of an exponent p (metric ∝ n^p in the NTK parameterization, fixed depth and data):
 * - `rate`: the metric scales as n^p (a fit should find p);
 * - `bound`: the theory proves the metric is O(n^p), and it typically falls faster, about as
 *   n^observed (a fit should find a slope ≤ p, and usually ≈ observed);
 * - `depth-dependent`: a rate whose value depends on the depth (see `exponent`);
 * - `none`: no width exponent (losses: they converge to the infinite-width curve, which the report
 *   draws as the reference curve, and no slope is fitted).
 *
 * Sources are the papers' arXiv ids with the statement or figure as recalled: the papers could not
 * be consulted where this was written, and docs/report.md says which statements were checked by
 * measurement here (test/studies/weight-change-rates.test.ts, test/report/quickstart-slope.test.ts).
 */

import type { LayerRole } from './weights.js';

export type ExponentStatus = 'rate' | 'bound' | 'depth-dependent' | 'none';

/** A paper (arXiv id) and where in it the statement is, as text without numbers (the report checks). */
export interface TheorySource {
  readonly arxiv: string;
  readonly where: string;
}

export interface MetricTheory {
  /** Column name in `curves` (a trial's `final_<name>` shares the entry). */
  readonly metric: string;
  /** What it measures, in words, as the report's captions say it. */
  readonly label: string;
  /** Its definition, where a formula says it better. */
  readonly formula?: string;
  /** The layer role whose weights it measures (the report's per-layer-role figure). */
  readonly layerRole?: LayerRole;
  /** A curve of the report's loss figure: its panel (split) and which curve it is. */
  readonly lossCurve?: LossCurve;
  readonly status: ExponentStatus;
  /** The exponent at this depth (the bound for `bound`); null for `none`. */
  exponent(depth: number | null): number | null;
  /** `bound` only: the rate typically observed. */
  readonly observed?: number;
  readonly sources: readonly TheorySource[];
  /** Whether the aggregation fits a slope against width. */
  readonly fitted: boolean;
}

export interface LossCurve {
  readonly split: 'train' | 'test';
  readonly curve: 'network' | 'prediction (Θ∞)';
}

const LEE2019 = 'arXiv:1902.06720';
const JACOT2018 = 'arXiv:1806.07572';
const HANIN_NICA2019 = 'arXiv:1909.05989';

type Words = string | { label: string; formula: string };
const words = (w: Words) => (typeof w === 'string' ? { label: w } : w);

const rate = (metric: string, w: Words, p: number, ...sources: TheorySource[]): MetricTheory => ({
  metric,
  ...words(w),
  status: 'rate',
  exponent: () => p,
  sources,
  fitted: true,
});

const loss = (metric: string, label: string, lossCurve?: LossCurve): MetricTheory => ({
  metric,
  label,
  status: 'none',
  exponent: () => null,
  sources: [],
  fitted: false,
  ...(lossCurve ? { lossCurve } : {}),
});

const weights = (role: LayerRole, which: string, p: number): MetricTheory => ({
  ...rate(
    `weight_change_${role}`,
    { label: `relative change of ${which}`, formula: '‖W_t − W₀‖ / ‖W₀‖ (Frobenius norms)' },
    p,
    PER_LAYER,
  ),
  layerRole: role,
});
const biases = (role: LayerRole, which: string, p: number): MetricTheory =>
  rate(`bias_change_${role}`, { label: `relative change of ${which}`, formula: '‖b_t − b₀‖ / ‖b₀‖' }, p, BIAS);

const GAP = 'RMS over the test points of the trained network’s output minus its linearised prediction';

const PER_LAYER: TheorySource = {
  arxiv: LEE2019,
  where: 'figure of the relative change of each layer’s weights over training',
};
const BIAS: TheorySource = {
  arxiv: LEE2019,
  where: 'the argument of its figure of per-layer weight changes, applied to the biases',
};
const KERNEL_BOUND: TheorySource = {
  arxiv: LEE2019,
  where: 'theorem bounding the change of the empirical NTK over training',
};
const LINEAR_BOUND: TheorySource = {
  arxiv: LEE2019,
  where: 'theorem bounding the distance between the network and its linearisation',
};
const DRIFT_RATE: TheorySource = {
  arxiv: HANIN_NICA2019,
  where: 'the NTK’s change during training is of order depth/width',
};
const GAP_RATE: TheorySource = {
  arxiv: LEE2019,
  where: 'the linearisation with the analytic kernel differs by the kernel’s fluctuation at initialisation',
};

/**
 * The entries, in the order the report shows them. weight_change: at depth one every parameter
 * matrix has a side of fixed size and moves by O(n^{−1/2}) relative to itself; from depth two the
 * n × n hidden matrices hold almost all of ‖θ₀‖ and move by O(n^{−1}) relative to themselves. The
 * hidden units' biases move like the input layer; the output bias does not shrink.
 */
export const METRIC_CATALOGUE: readonly MetricTheory[] = [
  rate(
    'kernel_rel_err',
    {
      label: 'relative error of the empirical NTK against the analytic one',
      formula: '‖Θ̂_t − Θ∞‖ / ‖Θ∞‖ (Frobenius norms)',
    },
    -0.5,
    {
      arxiv: JACOT2018,
      where: 'the empirical NTK at initialisation converges to Θ∞, with fluctuations of a mean over the width’s units',
    },
  ),
  {
    metric: 'kernel_drift',
    label: 'relative change of the empirical NTK since initialisation',
    formula: '‖Θ̂_t − Θ̂₀‖ / ‖Θ̂₀‖ (Frobenius norms)',
    status: 'bound',
    exponent: () => -0.5,
    observed: -1,
    sources: [KERNEL_BOUND, DRIFT_RATE],
    fitted: true,
  },
  {
    metric: 'weight_change',
    label: 'relative change of all weights and biases',
    formula: '‖θ_t − θ₀‖₂ / ‖θ₀‖₂',
    status: 'depth-dependent',
    exponent: (d) => (d === null ? null : d <= 1 ? -0.5 : -1),
    sources: [PER_LAYER],
    fitted: true,
  },
  weights('input', 'the input layer’s weights', -0.5),
  weights('hidden', 'the hidden layers’ weights taken together', -1),
  weights('output', 'the output layer’s weights', -0.5),
  biases('input', 'the first hidden layer’s biases', -0.5),
  biases('hidden', 'the other hidden layers’ biases', -0.5),
  biases('output', 'the output bias', 0),
  rate('pred_gap_analytic', `${GAP} with Θ∞`, -0.5, GAP_RATE),
  {
    metric: 'pred_gap_linear',
    label: `${GAP} with Θ̂₀`,
    status: 'bound',
    exponent: () => -0.5,
    observed: -1,
    sources: [LINEAR_BOUND],
    fitted: true,
  },
  rate('pred_gap_analytic_rel', `${GAP} with Θ∞, relative to the RMS of the network’s output`, -0.5, GAP_RATE),
  {
    metric: 'pred_gap_linear_rel',
    label: `${GAP} with Θ̂₀, relative to the RMS of the network’s output`,
    status: 'bound',
    exponent: () => -0.5,
    observed: -1,
    sources: [LINEAR_BOUND],
    fitted: true,
  },
  loss('train_loss', 'training loss', { split: 'train', curve: 'network' }),
  loss('test_loss', 'test loss', { split: 'test', curve: 'network' }),
  loss('pred_train_loss_analytic', 'training loss the linearised network with Θ∞ predicts', {
    split: 'train',
    curve: 'prediction (Θ∞)',
  }),
  loss('pred_test_loss_analytic', 'test loss the linearised network with Θ∞ predicts', {
    split: 'test',
    curve: 'prediction (Θ∞)',
  }),
  loss('pred_train_loss_linear', 'training loss the linearised network with Θ̂₀ predicts'),
  loss('pred_test_loss_linear', 'test loss the linearised network with Θ̂₀ predicts'),
  loss('test_loss_initial_kernel', 'test loss of kernel regression with the initial empirical NTK Θ̂₀'),
  loss('test_loss_after_kernel', 'test loss of kernel regression with the empirical NTK at the end of training'),
  loss('test_loss_analytic_kernel', 'test loss of kernel regression with Θ∞'),
];

const BY_NAME = new Map(METRIC_CATALOGUE.map((m) => [m.metric, m]));

/** The entry of a metric (a trial's `final_x` shares x's); undefined for metrics the catalogue does not know. */
export function metricTheory(metric: string): MetricTheory | undefined {
  return BY_NAME.get(metric) ?? BY_NAME.get(metric.replace(/^final_/, ''));
}

/** The place of a metric (or its `final_` form) in the report's order: the catalogue's; unknown metrics after every known one. */
export function metricOrder(metric: string): number {
  const t = metricTheory(metric);
  return t ? METRIC_CATALOGUE.indexOf(t) : METRIC_CATALOGUE.length;
}

/** Metrics (with their `final_` forms) that get no slope, for the aggregation's SQL. */
export function unfittedMetrics(): string[] {
  return METRIC_CATALOGUE.filter((m) => !m.fitted).flatMap((m) => [m.metric, `final_${m.metric}`]);
}

/** What a metric measures, with its formula where it has one. */
export function describeMetric(t: MetricTheory): string {
  return t.formula ? `${t.label}, ${t.formula}` : t.label;
}

/** An exponent as the report prints it: −1/2, −1, 0. */
export function exponentText(p: number): string {
  const half = Math.round(p * 2);
  if (Math.abs(p * 2 - half) > 1e-12) throw new RangeError(`exponent ${p} is not a multiple of 1/2`);
  const sign = p < 0 ? '−' : '';
  return half % 2 === 0 ? `${sign}${Math.abs(half / 2)}` : `${sign}${Math.abs(half)}/2`;
}

/** How a fitted slope's CI stands against the drawn exponent. */
export type Agreement = 'contains' | 'excludes' | 'faster than the bound' | 'violates the bound';

/** Whether [low, high] contains the drawn exponent; for bounds, on which side it falls. */
export function agreement(
  theory: MetricTheory,
  depth: number | null,
  low: number | null,
  high: number | null,
): Agreement | null {
  const p = theory.exponent(depth);
  if (p === null || low === null || high === null) return null;
  if (low <= p && p <= high) return 'contains';
  if (theory.status === 'bound') return high < p ? 'faster than the bound' : 'violates the bound';
  return 'excludes';
}
