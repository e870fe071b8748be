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

export type ExponentStatus = 'rate' | 'bound' | 'depth-dependent' | 'none';

/** A paper (arXiv id) and where in it the statement is, as text without numbers (the report checks). */
export interface TheorySource {
  readonly arxiv: string;
  readonly where: string;
}

export interface MetricTheory {
  /** Column name in `curves` (a trial's `final_<name>` shares the entry). */
  readonly metric: string;
  readonly status: ExponentStatus;
  /** The exponent at this depth (the bound for `bound`); null for `none`. */
  exponent(depth: number | null): number | null;
  /** `bound` only: the rate typically observed. */
  readonly observed?: number;
  readonly sources: readonly TheorySource[];
  /** Whether the aggregation fits a slope against width. */
  readonly fitted: boolean;
}

const LEE2019 = 'arXiv:1902.06720';
const JACOT2018 = 'arXiv:1806.07572';
const HANIN_NICA2019 = 'arXiv:1909.05989';

const rate = (metric: string, p: number, ...sources: TheorySource[]): MetricTheory => ({
  metric, status: 'rate', exponent: () => p, sources, fitted: true,
});

const loss = (metric: string): MetricTheory => ({ metric, status: 'none', exponent: () => null, sources: [], fitted: false });

const PER_LAYER: TheorySource = { arxiv: LEE2019, where: 'figure of the relative change of each layer’s weights over training' };
const BIAS: TheorySource = { arxiv: LEE2019, where: 'the argument of its figure of per-layer weight changes, applied to the biases' };
const KERNEL_BOUND: TheorySource = { arxiv: LEE2019, where: 'theorem bounding the change of the empirical NTK over training' };
const LINEAR_BOUND: TheorySource = { arxiv: LEE2019, where: 'theorem bounding the distance between the network and its linearisation' };
const DRIFT_RATE: TheorySource = { arxiv: HANIN_NICA2019, where: 'the NTK’s change during training is of order depth/width' };
const GAP_RATE: TheorySource = { arxiv: LEE2019, where: 'the linearisation with the analytic kernel differs by the kernel’s fluctuation at initialisation' };

/**
 * The entries. weight_change: at depth one every parameter matrix has a side of fixed size and
 * moves by O(n^{−1/2}) relative to itself; from depth two the n × n hidden matrices hold almost all
 * of ‖θ₀‖ and move by O(n^{−1}) relative to themselves. The hidden units' biases move like the
 * input layer; the output bias does not shrink.
 */
export const METRIC_CATALOGUE: readonly MetricTheory[] = [
  rate('kernel_rel_err', -0.5, { arxiv: JACOT2018, where: 'the empirical NTK at initialisation converges to Θ∞, with fluctuations of a mean over the width’s units' }),
  { metric: 'kernel_drift', status: 'bound', exponent: () => -0.5, observed: -1, sources: [KERNEL_BOUND, DRIFT_RATE], fitted: true },
  {
    metric: 'weight_change', status: 'depth-dependent', exponent: (d) => (d === null ? null : d <= 1 ? -0.5 : -1),
    sources: [PER_LAYER], fitted: true,
  },
  rate('weight_change_input', -0.5, PER_LAYER),
  rate('weight_change_hidden', -1, PER_LAYER),
  rate('weight_change_output', -0.5, PER_LAYER),
  rate('bias_change_input', -0.5, BIAS),
  rate('bias_change_hidden', -0.5, BIAS),
  rate('bias_change_output', 0, BIAS),
  rate('pred_gap_analytic', -0.5, GAP_RATE),
  rate('pred_gap_analytic_rel', -0.5, GAP_RATE),
  { metric: 'pred_gap_linear', status: 'bound', exponent: () => -0.5, observed: -1, sources: [LINEAR_BOUND], fitted: true },
  { metric: 'pred_gap_linear_rel', status: 'bound', exponent: () => -0.5, observed: -1, sources: [LINEAR_BOUND], fitted: true },
  loss('train_loss'),
  loss('test_loss'),
  loss('pred_train_loss_analytic'),
  loss('pred_test_loss_analytic'),
  loss('pred_train_loss_linear'),
  loss('pred_test_loss_linear'),
  loss('test_loss_initial_kernel'),
  loss('test_loss_after_kernel'),
  loss('test_loss_analytic_kernel'),
];

const BY_NAME = new Map(METRIC_CATALOGUE.map((m) => [m.metric, m]));

/** The entry of a metric (a trial's `final_x` shares x's); undefined for metrics the catalogue does not know. */
export function metricTheory(metric: string): MetricTheory | undefined {
  return BY_NAME.get(metric) ?? BY_NAME.get(metric.replace(/^final_/, ''));
}

/** Whether the aggregation fits a slope for this metric (unknown metrics: yes, with no theory line). */
export function isFitted(metric: string): boolean {
  return metricTheory(metric)?.fitted ?? true;
}

/** Metrics (with their `final_` forms) that get no slope, for the aggregation's SQL. */
export function unfittedMetrics(): string[] {
  return METRIC_CATALOGUE.filter((m) => !m.fitted).flatMap((m) => [m.metric, `final_${m.metric}`]);
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
export function agreement(theory: MetricTheory, depth: number | null, low: number | null, high: number | null): Agreement | null {
  const p = theory.exponent(depth);
  if (p === null || low === null || high === null) return null;
  if (low <= p && p <= high) return 'contains';
  if (theory.status === 'bound') return high < p ? 'faster than the bound' : 'violates the bound';
  return 'excludes';
}
