/** Convergence versus width: every fitted metric at every fitted step, and the per-layer-role weight changes. */
import { cite, code, constant, para, strong, type Block, type Inline, type Section } from '../content.js';
import { groupDepth, type ReportData } from '../report-data.js';
import { convergenceSpec } from '../specs/convergence.js';
import { METRIC_CATALOGUE, describeMetric, metricTheory } from '../../metrics/catalogue.js';
import { figure, type Slug } from './figure.js';
import { compareRank, exponentConstant, fitTable, metricRank, stepKey, theoryCaption } from './fits.js';

export async function convergence(d: ReportData, slug: Slug): Promise<Section> {
  const blocks: Block[] = [];
  const metrics = new Map<string, { source: string; metric: string }>();
  for (const f of d.fits)
    if (f.source !== 'spectra') metrics.set(`${f.source}\u0000${f.metric}`, { source: f.source, metric: f.metric });
  // A trial's final_x is curves' x at the last step, which the curves figure already shows.
  for (const [k, m] of metrics) {
    if (
      m.source === 'trials' &&
      m.metric.startsWith('final_') &&
      metrics.has(`curves\u0000${m.metric.slice('final_'.length)}`)
    )
      metrics.delete(k);
  }
  const ordered = [...metrics.values()].sort((a, b) =>
    compareRank(metricRank(a.source, a.metric), metricRank(b.source, b.metric)),
  );
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
    const plot = convergenceSpec({
      source,
      metric,
      points,
      fits,
      groupOrder: d.groups.map((g) => g.group),
      depthOf: (g) => groupDepth(d, g),
    });
    const theory = metricTheory(metric);
    const caption: Inline[] = [
      strong(code(metric)),
      theory ? ` — ${describeMetric(theory)} — (` : ' (',
      `${source === 'trials' ? 'final value of each trial' : 'per snapshot'}) against width, log-log. Solid: the mean over seeds; band: its `,
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
async function layerRoles(d: ReportData, slug: Slug): Promise<Block[]> {
  const roles = METRIC_CATALOGUE.filter((t) => t.layerRole).map((t) => ({
    role: t.layerRole!,
    metric: t.metric,
    theory: t,
  }));
  const roleFits = d.fits.filter(
    (f) => f.source === 'curves' && roles.some((r) => r.metric === f.metric) && f.step !== null,
  );
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
  const source = roles[0].theory.sources[0];
  const caption: Inline[] = [
    `Relative change of each layer role’s weights over training, ${roles[0].theory.formula}, per role (`,
    ...roles.flatMap((r, i) => [...(i > 0 ? ['; '] : []), code(r.metric), `: ${r.theory.label}`]),
    '), at the last step, against width, log-log: solid, the mean over seeds with its ',
    constant('95%'),
    ' CI band on the log scale; dashed, the fit; dotted grey, each role’s rate: ',
    ...roles.flatMap((r, i) => [
      ...(i > 0 ? [', '] : []),
      exponentConstant(r.theory.exponent(null)!),
      ` for the ${r.role} layer${r.role === 'hidden' ? 's' : ''}`,
    ]),
    '. Source: ',
    cite(source.arxiv),
    `, ${source.where}. The fits tables are under each role's own figure below.`,
  ];
  return [
    { kind: 'heading', parts: ['Weight change per layer role'] },
    await figure(slug('convergence-layer-roles'), 'layer-roles', {}, plot, caption),
  ];
}
