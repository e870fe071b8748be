/**
 * The report's sections (docs/design.md §10) built from {@link ReportData}: an overview with what
 * went wrong, the headline slope of kernel_rel_err at initialisation, convergence versus width for
 * every fitted metric, loss curves beside the analytic prediction, Θ(x₀, x) against the angle
 * (Jacot et al. 2018, Figure 1), top eigenvalues against width, learning rates above η_crit, failed
 * and diverged trials, and the run's config, versions, backends and devices.
 */
import { codeValue, type ReportContent, type Section } from '../content.js';
import { manifestEntries } from '../manifest.js';
import type { ReportData } from '../report-data.js';
import { convergence } from './convergence.js';
import { failures } from './failures.js';
import { slugger } from './figure.js';
import { headline } from './headline.js';
import { kernelAngle } from './kernel-angle.js';
import { learningRates } from './learning-rates.js';
import { lossCurves } from './loss-curves.js';
import { overview } from './overview.js';
import { runInfo } from './run-info.js';
import { spectra } from './spectra.js';

export { headlineFits, HEADLINE_METRIC } from './headline.js';

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
