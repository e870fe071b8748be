/**
 * The report as Markdown (report/report.md) for pasting into papers and notes: the same sections
 * and tables as the HTML page (each table preceded by `<!-- table: id -->`), the figures as links to
 * the SVG files in report/figures/.
 */
import { checkPlain, type Block, type Inline, type ReportContent, type TableBlock } from './content.js';
import { formatValue } from './format.js';
import { inlineText } from './html.js';

/** Text of one cell or paragraph; `inTable` folds newlines and escapes the pipe. */
export function inlineMarkdown(parts: Inline[], inTable = false): string {
  const text = parts
    .map((p): string => {
      if (typeof p === 'string') return checkPlain(p);
      switch (p.kind) {
        case 'value': {
          const t = formatValue(p);
          return p.style === 'code' ? `\`${t}\`` : t;
        }
        case 'const':
          return p.text;
        case 'cite':
          return p.arxiv;
        case 'code':
          return `\`${checkPlain(p.text)}\``;
        case 'strong':
          return `**${inlineMarkdown(p.parts, inTable)}**`;
      }
    })
    .join('');
  return inTable ? text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|') : text;
}

function tableMarkdown(t: TableBlock): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    `<!-- table: ${t.id} -->`,
    line(t.columns.map((c) => checkPlain(c))),
    line(t.columns.map(() => '---')),
    ...t.rows.map((r) => line(r.map((c) => inlineMarkdown([c], true)))),
  ].join('\n');
}

function blockMarkdown(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return b.tone === 'warning' ? `> **Warning:** ${inlineMarkdown(b.parts)}` : inlineMarkdown(b.parts);
    case 'heading':
      return `### ${inlineMarkdown(b.parts)}`;
    case 'table':
      return tableMarkdown(b);
    case 'figure':
      return `![${inlineText(b.caption).replace(/[[\]]/g, '')}](figures/${b.id}.svg)\n\n${inlineMarkdown(b.caption)}`;
    case 'pre': {
      const text = String(b.value.value ?? '');
      const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      return `${fence}yaml\n${text.replace(/\n$/, '')}\n${fence}`;
    }
  }
}

export function reportMarkdown(content: ReportContent): string {
  const out = [`# ${inlineMarkdown(content.title)}`, ''];
  for (const s of content.sections) {
    out.push(`## ${checkPlain(s.title)}`, '');
    for (const b of s.blocks) out.push(blockMarkdown(b), '');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
