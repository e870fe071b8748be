/**
 * Vega-Lite spec → SVG text, headless in Node: Vega-Lite compiles the spec to Vega, a Vega View
 * with no renderer runs the dataflow and serialises its scene graph to SVG (`view.toSVG()`), with
 * no browser, no canvas and no network — the data is inline and the loader refuses every request.
 * Why Vega-Lite rather than Observable Plot with a DOM shim: docs/report.md.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Shared look of every figure (fonts, sizes, grid), merged into each spec's `config`. */
export const FIGURE_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee', titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  title: { fontSize: 13, fontWeight: 'normal', anchor: 'start' },
  range: { category: { scheme: 'tableau10' } },
} as const;

/** A loader that refuses every request: reports never fetch anything. */
function offlineLoader(): vega.Loader {
  const refuse = (uri: string): Promise<never> =>
    Promise.reject(new Error(`report figures use inline data only; refused to load ${uri}`));
  const base = vega.loader();
  return Object.assign(base, {
    load: (uri: string) => refuse(uri),
    sanitize: (uri: string) => refuse(uri),
    http: (uri: string) => refuse(uri),
    file: (file: string) => refuse(file),
  }) as vega.Loader;
}

/** Renders a Vega-Lite spec to a standalone SVG document (with xmlns, as a file or inline in HTML). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vgSpec } = compile({ ...spec, config: { ...FIGURE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', loader: offlineLoader(), logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
