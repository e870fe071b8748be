/**
 * The report's sections (docs/design.md §10) built from {@link ReportData}: an overview with what
 * went wrong, the headline slope of kernel_rel_err at initialisation, convergence versus width for
 * every fitted metric, loss curves beside the analytic prediction, Θ(x₀, x) against the angle
 * (Jacot et al. 2018, Figure 1), top eigenvalues against width, learning rates above η_crit, failed
 * and diverged trials, and the run's config, versions, backends and devices.
 */
import {
  CONSTANTS,
  cite,
  code,
  codeValue,
  constant,
  para,
  strong,
  value,
  type Block,
  type Constant,
  type FigureBlock,
  type Inline,
  type ReportContent,
  type Section,
  type TableBlock,
} from '../content.js';
import { manifestEntries } from '../manifest.js';
import { groupDepth, type FitPoint, type ReportData, type TrialListing } from '../report-data.js';
import { renderSvg } from '../render-svg.js';
import { convergenceSpec, type DrawnLine } from '../specs/convergence.js';
import { agreement, exponentText, metricTheory } from '../../metrics/catalogue.js';
import { LAYER_ROLES } from '../../metrics/weights.js';
import { kernelAngleSpec } from '../specs/kernel-angle.js';
import { LOSS_CURVES, lossCurvesSpec } from '../specs/loss-curves.js';
import { eigenRank, spectraSpec } from '../specs/spectra.js';
import { TOP_RANKS } from '../queries.js';

/** The metric the headline is about, and its theory slope at initialisation. */
export const HEADLINE_METRIC = 'kernel_rel_err';

/** Metrics shown first, in this order; the others follow by name. */
const METRIC_ORDER = [
  'kernel_rel_err',
  'kernel_drift',
  'weight_change',
  'weight_change_input',
  'weight_change_hidden',
  'weight_change_output',
  'bias_change_input',
  'bias_change_hidden',
  'bias_change_output',
  'pred_gap_analytic',
  'pred_gap_linear',
  'pred_gap_analytic_rel',
  'pred_gap_linear_rel',
  'train_loss',
  'test_loss',
];
const SOURCE_ORDER = ['curves', 'trials'];

const fitKey = (f: FitPoint) => ({ group: f.group, source: f.source, metric: f.metric, step: f.step });

/** An exponent as a report constant (the catalogue's exponents are −1/2, −1 and 0). */
function exponentConstant(p: number): Inline {
  const text = exponentText(p);
  if (!(CONSTANTS as readonly string[]).includes(text)) throw new Error(`exponent ${text} is not a report constant`);
  return constant(text as Constant['text']);
}

/** The theory column of a fit: the exponent drawn for the group's depth and its status. */
function theoryCell(f: FitPoint, depth: number | null): Inline {
  const t = metricTheory(f.metric);
  const p = t?.exponent(depth) ?? null;
  if (!t || p === null) return '—';
  if (t.status === 'bound') return { kind: 'strong', parts: ['≤ ', exponentConstant(p), ' (bound; typically ', exponentConstant(t.observed!), ')'] };
  return { kind: 'strong', parts: [exponentConstant(p), t.status === 'depth-dependent' ? ' (at this depth)' : ' (rate)'] };
}

/** A fits row as a table row: group, step, widths, slope, CI, R², theory, CI against theory, excluded, reason. */
function fitCells(f: FitPoint, depth: number | null, withMetric: boolean): Inline[] {
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
    agrees === null ? '—' : agrees === 'contains' || agrees === 'faster than the bound' ? agrees : strong(`CI ${agrees}`),
    value(f.n_failed, 'fits', k, 'n_failed', 'int'),
    value(f.n_diverged, 'fits', k, 'n_diverged', 'int'),
    f.reason === null ? '' : value(f.reason, 'fits', k, 'reason'),
  );
  return cells;
}

const FIT_COLUMNS = ['group', 'step', 'widths', 'slope', 'CI low', 'CI high', 'R²', 'theory', 'CI against theory', 'failed', 'diverged', 'no slope because'];

function fitTable(id: string, fits: FitPoint[], d: ReportData, withMetric: boolean): TableBlock {
  const columns = withMetric ? [FIT_COLUMNS[0], 'metric', ...FIT_COLUMNS.slice(1)] : FIT_COLUMNS;
  return { kind: 'table', id, columns, rows: fits.map((f) => fitCells(f, groupDepth(d, f.group), withMetric)) };
}

/** The caption's account of the theory lines of a metric: exponents, status and sources. */
function theoryCaption(metric: string, lines: readonly DrawnLine[]): Inline[] {
  const t = metricTheory(metric);
  if (!t || t.status === 'none') return ['; no theory line (the catalogue gives this metric no width exponent)'];
  if (lines.length === 0) return ['; no theory line (the depth of the networks is unknown)'];
  const out: Inline[] = [];
  const slopes = (style: DrawnLine['style']): Inline[] => {
    const ps = [...new Set(lines.filter((l) => l.style === style).map((l) => l.slope))].sort((a, b) => b - a);
    return ps.flatMap((p, i) => (i === 0 ? [exponentConstant(p)] : [' or ', exponentConstant(p)]));
  };
  if (t.status === 'bound') {
    out.push('; dotted grey: the theory’s bound, slope ', ...slopes('bound'), ' (an upper bound, not a rate); dash-dotted grey: the rate typically observed, slope ', ...slopes('typical'));
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

/** File-name-safe, unique ids for figures. */
function slugger(): (text: string) => string {
  const seen = new Map<string, number>();
  return (text) => {
    const base = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'all';
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n + 1}`;
  };
}

function metricRank(source: string, metric: string): [number, number, string] {
  const s = SOURCE_ORDER.indexOf(source);
  const m = METRIC_ORDER.indexOf(metric.replace(/^final_/, ''));
  return [s < 0 ? SOURCE_ORDER.length : s, m < 0 ? METRIC_ORDER.length : m, metric];
}

function compareRank(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]);
}

const stepKey = (s: number | null) => (s === null ? 'final' : String(s));

// ---- overview --------------------------------------------------------------------------------

function overview(d: ReportData): Section {
  const blocks: Block[] = [];
  const count = (status: string) => d.statusCounts.find((c) => c.key.status === status)?.n ?? 0;
  blocks.push({
    kind: 'table',
    id: 'trial-status',
    columns: ['status', 'trials'],
    rows: [
      ...d.statusCounts.map((c) => [
        value(c.key.status, 'trials', { status: c.key.status }, 'any_value(status)'),
        value(c.n, 'trials', { status: c.key.status }, 'count(*)', 'int'),
      ]),
      [strong('all'), value(d.totalTrials, 'trials', {}, 'count(*)', 'int')],
    ],
  });
  const widthList: Inline[] = [];
  d.widths.forEach((w, i) => {
    if (i > 0) widthList.push(', ');
    widthList.push(value(w, 'trials', { width: w }, 'any_value(width)', 'int'));
  });
  blocks.push(
    para([
      'Widths: ',
      ...widthList,
      '; seeds: ',
      value(d.seedCount, 'trials', {}, 'count(DISTINCT seed)', 'int'),
      '; groups with results (every grid axis but width and seed): ',
      ...(d.tables.includes('summary')
        ? [value(d.groups.length, 'summary', {}, 'count(DISTINCT "group")', 'int')]
        : ['none aggregated']),
      '.',
    ]),
  );
  if (d.totalTrials === 0) blocks.push(para(['The run folder holds no trials yet.'], 'warning'));
  const failed = count('failed');
  const diverged = count('diverged');
  if (failed + diverged > 0) {
    blocks.push(
      para(
        [
          value(failed, 'trials', { status: 'failed' }, 'count(*)', 'int'),
          ' failed and ',
          value(diverged, 'trials', { status: 'diverged' }, 'count(*)', 'int'),
          ' diverged trials are left out of every mean and fit; they are listed under ',
          strong('Failed and diverged trials'),
          '.',
        ],
        'warning',
      ),
    );
  }
  if (d.widths.length === 1) {
    blocks.push(
      para(
        [
          'Only one width (',
          value(d.widths[0], 'trials', {}, 'min(width)', 'int'),
          '): no slope against width can be fitted, and the convergence figures show single points.',
        ],
        'warning',
      ),
    );
  }
  if (d.flaggedTotal > 0) {
    blocks.push(
      para(
        [
          value(d.flaggedTotal, 'trials', {}, 'count(*) FILTER (WHERE lr_over_crit > 1)', 'int'),
          ' trials ran with a learning rate above η_crit = 2N/λ_max(Θ∞), outside the linearised theory (catapult or divergence); see ',
          strong('Learning rates above η_crit'),
          '.',
        ],
        'warning',
      ),
    );
  }
  if (!d.tables.includes('summary') && d.totalTrials > 0) {
    blocks.push(para(['No aggregation in this run folder (no ', code('summary'), ' table): no trial finished ok.'], 'warning'));
  }
  return { id: 'overview', title: 'Overview', blocks };
}

// ---- headline --------------------------------------------------------------------------------

/** The fits of kernel_rel_err at the first fitted step (initialisation) — the headline numbers. */
export function headlineFits(fits: FitPoint[]): FitPoint[] {
  const own = fits.filter((f) => f.source === 'curves' && f.metric === HEADLINE_METRIC && f.step !== null);
  if (own.length === 0) return [];
  const first = own.reduce((m, f) => Math.min(m, f.step!), Infinity);
  return own.filter((f) => f.step === first);
}

function headline(d: ReportData): Section {
  const fits = headlineFits(d.fits);
  const blocks: Block[] = [];
  if (fits.length === 0) {
    blocks.push(para(['No fit of ', code(HEADLINE_METRIC), ' in this run (no kernel snapshots were aggregated).'], 'note'));
  } else {
    blocks.push(
      para([
        'Relative Frobenius error of the empirical NTK against the analytic one at initialisation, ‖Θ̂₀ − Θ∞‖ / ‖Θ∞‖ (Frobenius norms), fitted as a power of the width. Theory: slope ',
        exponentConstant(metricTheory(HEADLINE_METRIC)!.exponent(null)!),
        ' (the kernel is an average over the width’s units; ',
        cite(metricTheory(HEADLINE_METRIC)!.sources[0].arxiv),
        '). CI: ',
        constant('95%'),
        ' percentile bootstrap over seeds.',
      ]),
      fitTable('headline', fits, d, false),
    );
    for (const f of fits) {
      if (f.slope === null) {
        blocks.push(
          para(
            [
              'Group ',
              value(f.group, 'fits', fitKey(f), 'group'),
              ': no slope (',
              value(f.reason, 'fits', fitKey(f), 'reason'),
              ').',
            ],
            'warning',
          ),
        );
      }
    }
  }
  return { id: 'headline', title: 'Kernel convergence at initialisation', blocks };
}

// ---- convergence -----------------------------------------------------------------------------

async function convergence(d: ReportData, slug: (t: string) => string): Promise<Section> {
  const blocks: Block[] = [];
  const metrics = new Map<string, { source: string; metric: string }>();
  for (const f of d.fits) if (f.source !== 'spectra') metrics.set(`${f.source}\u0000${f.metric}`, { source: f.source, metric: f.metric });
  // A trial's final_x is curves' x at the last step, which the curves figure already shows.
  for (const [k, m] of metrics) {
    if (m.source === 'trials' && m.metric.startsWith('final_') && metrics.has(`curves\u0000${m.metric.slice('final_'.length)}`)) metrics.delete(k);
  }
  const ordered = [...metrics.values()].sort((a, b) => compareRank(metricRank(a.source, a.metric), metricRank(b.source, b.metric)));
  if (ordered.length === 0) {
    blocks.push(para(['Nothing to show: the run folder has no ', code('fits'), ' table.'], 'note'));
  } else {
    blocks.push(
      para([
        'Every metric the aggregation fitted, at every step it fitted (the first and last logged step and the kernel snapshots). A trial’s final value of a metric (',
        code('final_kernel_rel_err'),
        ', …) is its value at the last step, shown in the last panel of that metric.',
      ]),
    );
  }
  blocks.push(...(await layerRoles(d, slug)));
  for (const { source, metric } of ordered) {
    const fits = d.fits.filter((f) => f.source === source && f.metric === metric);
    const steps = new Set(fits.map((f) => stepKey(f.step)));
    const points = d.summary.filter((p) => p.source === source && p.metric === metric && steps.has(stepKey(p.step)));
    const plot = convergenceSpec({ source, metric, points, fits, groupOrder: d.groups.map((g) => g.group), depthOf: (g) => groupDepth(d, g) });
    const caption: Inline[] = [
      strong(code(metric)),
      ` (${source === 'trials' ? 'final value of each trial' : 'per snapshot'}) against width, log-log. Solid: the mean over seeds; band: its `,
      constant('95%'),
      ' CI on the log scale (delta method on log mean); dashed: the least-squares fit of log mean on log width',
      ...theoryCaption(metric, plot.lines),
      '.',
      ...(plot.dropped > 0 ? [' Means at or below zero have no place on a log axis and are left out.'] : []),
    ];
    blocks.push(
      { kind: 'heading', parts: [code(metric)] },
      await figure(slug(`convergence-${source}-${metric}`), 'convergence', { source, metric }, plot, caption),
      fitTable(`fits-${source}-${metric}`, fits, d, false),
    );
  }
  return { id: 'convergence', title: 'Convergence versus width', blocks };
}

/**
 * One figure of the per-layer-role weight changes at the last fitted step (Lee et al. 2019's
 * per-layer figure): a line per role (and group), each with its fit and its catalogue rate.
 */
async function layerRoles(d: ReportData, slug: (t: string) => string): Promise<Block[]> {
  const roles = LAYER_ROLES.map((role) => ({ role, metric: `weight_change_${role}` }));
  const roleFits = d.fits.filter((f) => f.source === 'curves' && roles.some((r) => r.metric === f.metric) && f.step !== null);
  if (roleFits.length === 0) return [];
  const step = roleFits.reduce((m, f) => Math.max(m, f.step!), -Infinity);
  const several = d.groups.length > 1;
  const label = (group: string, metric: string): string => {
    const role = roles.find((r) => r.metric === metric)!.role;
    return several ? `${group}, ${role}` : role;
  };
  const owner = new Map<string, { group: string; metric: string }>();
  const points = d.summary
    .filter((p) => p.source === 'curves' && p.step === step && roles.some((r) => r.metric === p.metric))
    .map((p) => {
      owner.set(label(p.group, p.metric), { group: p.group, metric: p.metric });
      return { ...p, group: label(p.group, p.metric) };
    });
  const fits = roleFits.filter((f) => f.step === step).map((f) => ({ ...f, group: label(f.group, f.metric) }));
  const order = d.groups.flatMap((g) => roles.map((r) => label(g.group, r.metric)));
  const plot = convergenceSpec({
    source: 'curves',
    metric: 'weight_change by layer role',
    points,
    fits,
    groupOrder: order,
    depthOf: (g) => (owner.has(g) ? groupDepth(d, owner.get(g)!.group) : null),
    theoryOf: (g) => (owner.has(g) ? metricTheory(owner.get(g)!.metric) : undefined),
    colorTitle: 'layer role',
  });
  const source = metricTheory('weight_change_hidden')!.sources[0];
  const caption: Inline[] = [
    'Relative change of each layer role’s weights over training, ‖W(t) − W₀‖ / ‖W₀‖ (Frobenius norms; ',
    code('weight_change_input'),
    ', ',
    code('weight_change_hidden'),
    ' for the hidden layers together, ',
    code('weight_change_output'),
    '), at the last step, against width, log-log: solid, the mean over seeds with its ',
    constant('95%'),
    ' CI band on the log scale; dashed, the fit; dotted grey, each role’s rate: ',
    exponentConstant(metricTheory('weight_change_input')!.exponent(null)!),
    ' for the input and output layers, ',
    exponentConstant(metricTheory('weight_change_hidden')!.exponent(null)!),
    ' for the hidden ones. Source: ',
    cite(source.arxiv),
    `, ${source.where}. The fits tables are under each role's own figure below.`,
  ];
  return [
    { kind: 'heading', parts: ['Weight change per layer role'] },
    await figure(slug('convergence-layer-roles'), 'layer-roles', {}, plot, caption),
  ];
}

async function figure(
  id: string,
  plot: string,
  attrs: Record<string, string>,
  made: { spec: object; series: number; points: number },
  caption: Inline[],
): Promise<FigureBlock> {
  return {
    kind: 'figure',
    id,
    plot,
    attrs: { ...attrs, series: String(made.series), points: String(made.points) },
    svg: await renderSvg(made.spec as Parameters<typeof renderSvg>[0]),
    spec: made.spec,
    caption,
  };
}

// ---- figures of every group (small multiples: a row per group) --------------------------------

function groupOrder(d: ReportData): Map<string, number> {
  return new Map(d.groups.map((g, i) => [g.group, i]));
}

/** "all trials" or "a row per group". */
function groupsPhrase(d: ReportData): string {
  return d.groups.length > 1 ? 'a row per group' : 'all trials';
}

async function lossCurves(d: ReportData, slug: (t: string) => string): Promise<Section> {
  const blocks: Block[] = [];
  const points = d.summary.filter((p) => p.source === 'curves' && p.metric in LOSS_CURVES);
  if (points.length === 0) {
    blocks.push(para(['No loss curves were aggregated.'], 'note'));
  } else {
    const plot = lossCurvesSpec(points, groupOrder(d));
    blocks.push(
      await figure(slug('loss-curves'), 'loss-curves', {}, plot, [
        `Training and test loss (${groupsPhrase(d)}): the mean over seeds per width (solid) beside the loss the linearised network predicts with Θ∞ from the same initial outputs (dashed).`,
      ]),
    );
  }
  return { id: 'losses', title: 'Loss curves and the analytic prediction', blocks };
}

async function kernelAngle(d: ReportData, slug: (t: string) => string): Promise<Section | null> {
  if (d.angle.length === 0) return null;
  const plot = kernelAngleSpec(d.angle, d.analyticAngle, groupOrder(d));
  return {
    id: 'kernel-angle',
    title: 'The kernel against the angle',
    blocks: [
      await figure(slug('kernel-angle'), 'kernel-angle', { 'analytic-series': String(plot.analyticSeries) }, plot, [
        'As in Jacot et al. (',
        cite('arXiv:1806.07572'),
        '), ',
        constant('Figure 1'),
        `: the empirical NTK Θ(x₀, x) for x₀ = `,
        constant('(1, 0)'),
        ` and x = (cos γ, sin γ) on the unit circle against the angle γ (${groupsPhrase(d)}), at the first and the last snapshot: the mean over seeds per width with a band of one standard deviation over seeds; black dashed: the infinite-width Θ∞, which does not move in training.`,
      ]),
    ],
  };
}

async function spectra(d: ReportData, slug: (t: string) => string): Promise<Section | null> {
  const points = d.summary.filter((p) => p.source === 'spectra' && (eigenRank(p.metric) ?? Infinity) < TOP_RANKS);
  if (points.length === 0) return null;
  const plot = spectraSpec(points, d.analyticEigen, groupOrder(d));
  return {
    id: 'spectra',
    title: 'Top eigenvalues against width',
    blocks: [
      await figure(slug('spectra'), 'spectra', { 'analytic-rules': String(plot.analyticRules) }, plot, [
        `Top eigenvalues of the empirical NTK against width (${groupsPhrase(d)}): the mean over seeds with its `,
        constant('95%'),
        ' CI; dashed: the eigenvalues of Θ∞.',
      ]),
    ],
  };
}

// ---- trial lists -----------------------------------------------------------------------------

function trialCells(t: TrialListing, axes: string[], extra: (k: Record<string, string>) => Inline[]): Inline[] {
  const k = { trial_id: t.trial_id };
  return [
    codeValue(t.trial_id, 'trials', k, 'trial_id'),
    ...axes.map((a) => value(t.values[a], 'trials', k, a)),
    value(t.width, 'trials', k, 'width', 'int'),
    value(t.seed, 'trials', k, 'seed', 'int'),
    value(t.status, 'trials', k, 'status'),
    ...extra(k),
  ];
}

function learningRates(d: ReportData): Section {
  const blocks: Block[] = [];
  if (d.flaggedTotal === 0) {
    blocks.push(para(['No trial ran with a learning rate above η_crit = 2N/λ_max(Θ∞).']));
  } else {
    blocks.push(
      para([
        'Trials whose learning rate exceeds η_crit = 2N/λ_max(Θ∞) (',
        code('lr_over_crit'),
        ' above one): gradient descent leaves the linearised regime, so the analytic predictions do not apply (catapult or divergence; Lewkowycz et al., ',
        cite('arXiv:2003.02218'),
        ').',
      ]),
      {
        kind: 'table',
        id: 'flagged-lr',
        columns: ['trial', ...d.groupAxes, 'width', 'seed', 'status', 'lr', 'η_crit', 'lr / η_crit'],
        rows: d.flagged.map((t) =>
          trialCells(t, d.groupAxes, (k) => [
            value(t.lr, 'trials', k, 'lr'),
            value(t.eta_crit, 'trials', k, 'eta_crit'),
            value(t.lr_over_crit, 'trials', k, 'lr_over_crit', 'sig3'),
          ]),
        ),
      },
    );
    if (d.flagged.length < d.flaggedTotal) {
      blocks.push(
        para([
          'Only the first of them are listed; all: ',
          code(`ntk-sweep query RUN "SELECT * FROM trials WHERE lr > eta_crit"`),
          '.',
        ]),
      );
    }
  }
  return { id: 'learning-rates', title: 'Learning rates above η_crit', blocks };
}

function failures(d: ReportData): Section {
  const blocks: Block[] = [];
  if (d.problemsTotal === 0) {
    blocks.push(para(['No trial failed or diverged.']));
  } else {
    blocks.push({
      kind: 'table',
      id: 'failed-trials',
      columns: ['trial', ...d.groupAxes, 'width', 'seed', 'status', 'diverged at step', 'steps done', 'attempts', 'error'],
      rows: d.problems.map((t) =>
        trialCells(t, d.groupAxes, (k) => [
          value(t.diverged_at_step, 'trials', k, 'diverged_at_step', 'int'),
          value(t.steps_done, 'trials', k, 'steps_done', 'int'),
          value(t.attempts, 'trials', k, 'attempts', 'int'),
          t.error === null ? '' : value(t.error, 'trials', k, 'error'),
        ]),
      ),
    });
    if (d.problems.length < d.problemsTotal) {
      blocks.push(
        para([
          'Only the first of them are listed; all: ',
          code(`ntk-sweep query RUN "SELECT * FROM trials WHERE status <> 'ok'"`),
          '.',
        ]),
      );
    }
  }
  return { id: 'failures', title: 'Failed and diverged trials', blocks };
}

// ---- the run ---------------------------------------------------------------------------------

function runInfo(d: ReportData): Section {
  const blocks: Block[] = [];
  if (d.backends.length) {
    blocks.push({
      kind: 'table',
      id: 'backends',
      columns: ['backend', 'device', 'trials'],
      rows: d.backends.map((b) => {
        const k = { backend: b.key.backend, device: b.key.device };
        return [
          value(b.key.backend, 'trials', k, 'any_value(backend)'),
          value(b.key.device, 'trials', k, 'any_value(device)'),
          value(b.n, 'trials', k, 'count(*)', 'int'),
        ];
      }),
    });
  }
  const entries = d.manifestText === null ? [] : manifestEntries(d.manifestText);
  if (entries.length) {
    blocks.push({
      kind: 'table',
      id: 'manifest',
      columns: ['manifest', 'value'],
      rows: entries.map((e) => [code(e.label), value(e.value, 'manifest.json', {}, e.path)]),
    });
  } else {
    blocks.push(para(['No ', code('manifest.json'), ' in the run folder.'], 'note'));
  }
  if (d.configText !== null) {
    blocks.push(para(['The config as launched (', code('config.yaml'), '):']), {
      kind: 'pre',
      value: value(d.configText, 'config.yaml', {}, 'content'),
    });
  }
  return { id: 'run', title: 'Config, versions, backends and devices', blocks };
}

/** Builds the report's content (rendering every figure to SVG). */
export async function buildContent(d: ReportData): Promise<ReportContent> {
  const slug = slugger();
  const name = d.manifestText === null ? null : manifestEntries(d.manifestText).find((e) => e.path === '$.sweep_id');
  const sections = [
    overview(d),
    headline(d),
    await convergence(d, slug),
    await lossCurves(d, slug),
    await kernelAngle(d, slug),
    await spectra(d, slug),
    learningRates(d),
    failures(d),
    runInfo(d),
  ].filter((s): s is Section => s !== null);
  return {
    title: ['Width study ', ...(name ? [codeValue(String(name.value), 'manifest.json', {}, name.path)] : [])],
    sections,
  };
}
