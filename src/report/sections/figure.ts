/** A figure block (its Vega-Lite spec rendered to SVG), unique figure ids, and the group phrases of figure captions. */
import type { FigureBlock, Inline } from '../content.js';
import type { ReportData } from '../report-data.js';
import { renderSvg } from '../render-svg.js';

/** Gives each figure a unique id. */
export type Slug = (text: string) => string;

/** File-name-safe, unique ids for figures. */
export function slugger(): Slug {
  const seen = new Map<string, number>();
  return (text) => {
    const base =
      text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'all';
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n + 1}`;
  };
}

export async function figure(
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

export function groupOrder(d: ReportData): Map<string, number> {
  return new Map(d.groups.map((g, i) => [g.group, i]));
}

/** "all trials" or "a row per group". */
export function groupsPhrase(d: ReportData): string {
  return d.groups.length > 1 ? 'a row per group' : 'all trials';
}
