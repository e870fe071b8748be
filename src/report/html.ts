/**
 * The report as one self-contained HTML page: inline CSS, inline SVG figures, no script, and a
 * Content-Security-Policy that forbids every request, so the page opens offline and never reaches
 * out. Every number is a `<data>` element carrying its source (./content.ts).
 */
import {
  CONSTANTS,
  checkPlain,
  type Block,
  type FigureBlock,
  type Inline,
  type ReportContent,
  type TableBlock,
  type Value,
} from './content.js';
import { formatValue } from './format.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]);

/** `<data>` with the value's provenance (see ./content.ts). */
function dataElement(v: Value): string {
  const raw = v.value === null ? '' : String(v.value);
  const attrs = [
    `value="${escapeHtml(raw)}"`,
    v.value === null ? 'data-null=""' : '',
    `data-src="${escapeHtml(v.src)}"`,
    `data-key="${escapeHtml(JSON.stringify(v.key))}"`,
    `data-col="${escapeHtml(v.col)}"`,
    typeof v.value === 'number' ? 'data-type="number"' : 'data-type="text"',
  ].filter(Boolean);
  const text = escapeHtml(formatValue(v));
  return `<data ${attrs.join(' ')}>${v.style === 'code' ? `<code>${text}</code>` : text}</data>`;
}

export function inlineHtml(parts: Inline[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return escapeHtml(checkPlain(p));
      switch (p.kind) {
        case 'value':
          return dataElement(p);
        case 'const':
          if (!(CONSTANTS as readonly string[]).includes(p.text)) throw new Error(`unknown constant ${p.text}`);
          return `<span class="const">${escapeHtml(p.text)}</span>`;
        case 'code':
          return `<code>${escapeHtml(checkPlain(p.text))}</code>`;
        case 'cite':
          return `<cite>${escapeHtml(p.arxiv)}</cite>`;
        case 'strong':
          return `<strong>${inlineHtml(p.parts)}</strong>`;
      }
    })
    .join('');
}

function tableHtml(t: TableBlock): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(checkPlain(c))}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${inlineHtml([c])}</td>`).join('')}</tr>`).join('\n');
  const caption = t.caption ? `<caption>${inlineHtml(t.caption)}</caption>` : '';
  return `<div class="table-wrap"><table data-table="${escapeHtml(t.id)}">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * Vega numbers its clip paths and gradients from 1 in every view; inline in one page the ids would
 * collide, so each figure's ids get the figure's id as a prefix.
 */
export function scopeSvgIds(svg: string, scope: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, lead: string, id: string) =>
    ids.has(id) ? `${lead}${scope}-${id}` : all,
  );
}

function figureHtml(f: FigureBlock): string {
  const attrs = Object.entries(f.attrs)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  const svg = scopeSvgIds(f.svg, f.id).replace(
    /^<svg /,
    `<svg role="img" aria-labelledby="${escapeHtml(f.id)}-caption" `,
  );
  return `<figure id="${escapeHtml(f.id)}" data-figure="${escapeHtml(f.id)}" data-plot="${escapeHtml(f.plot)}"${attrs}>
<div class="svg-wrap">${svg}</div>
<figcaption id="${escapeHtml(f.id)}-caption">${inlineHtml(f.caption)} <a class="file" href="figures/${escapeHtml(f.id)}.svg">SVG</a></figcaption>
</figure>`;
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p${b.tone ? ` class="${b.tone}"` : ''}>${inlineHtml(b.parts)}</p>`;
    case 'heading':
      return `<h3>${inlineHtml(b.parts)}</h3>`;
    case 'table':
      return tableHtml(b);
    case 'figure':
      return figureHtml(b);
    case 'pre': {
      const v = b.value;
      return `<pre data-src="${escapeHtml(v.src)}" data-key="${escapeHtml(JSON.stringify(v.key))}" data-col="${escapeHtml(v.col)}" data-type="text">${escapeHtml(String(v.value ?? ''))}</pre>`;
    }
  }
}

/** Plain text of inline content (for <title>). */
export function inlineText(parts: Inline[]): string {
  return parts
    .map((p) =>
      typeof p === 'string'
        ? p
        : p.kind === 'value'
          ? formatValue(p)
          : p.kind === 'strong'
            ? inlineText(p.parts)
            : p.kind === 'cite'
              ? p.arxiv
              : p.text,
    )
    .join('');
}

const CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #666; --line: #ddd; --warn: #a33; --warn-bg: #fdf0f0; --note-bg: #f3f6fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: var(--fg); margin: 0 auto; padding: 1.5rem 2rem 4rem; max-width: 1200px; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.75rem 0 .5rem; }
nav { font-size: .9rem; color: var(--muted); }
nav a { margin-right: .9rem; color: inherit; }
p.warning { color: var(--warn); background: var(--warn-bg); border-left: 3px solid var(--warn); padding: .5rem .75rem; }
p.note { background: var(--note-bg); padding: .5rem .75rem; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
td data[data-type="number"] { font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: .85em/1.3 ui-monospace, Menlo, Consolas, monospace; }
pre { background: #f7f7f7; padding: .75rem 1rem; overflow-x: auto; font-size: .8rem; }
figure { margin: 1rem 0 1.5rem; }
.svg-wrap { overflow-x: auto; }
figcaption { font-size: .85rem; color: var(--muted); max-width: 60rem; }
figcaption a.file { margin-left: .5rem; }
.const { white-space: nowrap; }
`;

/** The whole page. */
export function reportHtml(content: ReportContent): string {
  const nav = content.sections
    .map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(checkPlain(s.title))}</a>`)
    .join('');
  const sections = content.sections
    .map(
      (s) =>
        `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(checkPlain(s.title))}</h2>\n${s.blocks.map(blockHtml).join('\n')}\n</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ntk-sweep report">
<title>${escapeHtml(inlineText(content.title))}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${inlineHtml(content.title)}</h1>
<nav>${nav}</nav>
</header>
<main>
${sections}
</main>
</body>
</html>
`;
}
