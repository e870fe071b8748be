/**
 * Checks of a written report against its run folder, shared by the report tests:
 *  - every element that carries a source (`<data>`, `<pre data-src>`) shows what the test's own
 *    DuckDB query over the Parquet files returns (./lookup.ts), to the digits printed;
 *  - no number is printed anywhere else (the figures' SVG aside, checked by counting marks);
 *  - report.md holds the same tables as index.html.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { CONSTANTS } from '../../src/report/content.js';
import { lookup, openTestDb } from './lookup.js';

/** Phrases with digits that are not data (the theory's slope, the CI level, x₀, the paper's figure). */
const ALLOWED_CONSTANTS: ReadonlySet<string> = new Set(CONSTANTS);

export function readReportDom(runDir: string): Document {
  const html = readFileSync(path.join(runDir, 'report', 'index.html'), 'utf8');
  return parseHTML(html).document as unknown as Document;
}

const printed = (text: string): number => Number(text.trim().replace(/−/g, '-').replace('∞', 'Infinity'));

/** Half a unit in the last printed digit: what rounding to the printed digits may move a value by. */
function halfUlp(text: string): number {
  const t = text.trim().replace(/−/g, '-');
  const m = /^-?\d+(?:\.(\d+))?(?:e(-?\d+))?$/.exec(t);
  assert.ok(m, `not a printed number: ${JSON.stringify(text)}`);
  const decimals = m[1]?.length ?? 0;
  const exp = m[2] ? Number(m[2]) : 0;
  return 0.5 * 10 ** (exp - decimals);
}

export interface NumberCheck {
  /** Elements checked, by source. */
  checked: Record<string, number>;
  numbers: number;
}

/** Every sourced element equals its query. Returns what was checked (so a test can assert it is not nothing). */
export async function checkSourcedValues(runDir: string): Promise<NumberCheck> {
  const doc = readReportDom(runDir);
  const db = await openTestDb(runDir);
  const checked: Record<string, number> = {};
  let numbers = 0;
  try {
    for (const el of [...doc.querySelectorAll('[data-src]')]) {
      const src = el.getAttribute('data-src')!;
      const key = JSON.parse(el.getAttribute('data-key')!) as Record<string, string | number | null>;
      const col = el.getAttribute('data-col')!;
      const type = el.getAttribute('data-type');
      const where = `${src} ${JSON.stringify(key)} ${col}`;
      const found = await lookup(db, src, key, col);
      assert.equal(found.length, 1, `${where}: the query gives ${found.length} rows, expected one`);
      const q = found[0];
      const text = el.textContent ?? '';
      checked[src] = (checked[src] ?? 0) + 1;
      if (el.hasAttribute('data-null')) {
        assert.equal(q, null, `${where}: shown as missing, the query gives ${String(q)}`);
        assert.equal(text.trim(), '—', `${where}: a missing value is shown as ${text}`);
        continue;
      }
      assert.notEqual(q, null, `${where}: the query gives NULL, the report shows ${text}`);
      if (type === 'number') {
        const want = Number(q);
        const got = Number(el.getAttribute('value'));
        assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${where}: value ${got}, query ${want}`);
        if (Number.isFinite(want)) {
          const shown = printed(text);
          assert.ok(
            Math.abs(shown - want) <= halfUlp(text) * (1 + 1e-9) + 1e-300,
            `${where}: shows ${text}, the query gives ${want}`,
          );
        }
        numbers++;
      } else {
        const want = String(q);
        if (el.tagName.toLowerCase() === 'pre') assert.equal(text, want, `${where}: the text differs from the query's`);
        else {
          assert.equal(el.getAttribute('value'), want, `${where}: value differs from the query's`);
          assert.equal(text, want, `${where}: shows ${JSON.stringify(text)}, the query gives ${JSON.stringify(want)}`);
        }
      }
    }
  } finally {
    db.close();
  }
  return { checked, numbers };
}

/** Words with digits left in the page once sourced values, figures, citations and constants are taken out. */
export function strayNumbers(runDir: string): string[] {
  const doc = readReportDom(runDir);
  const body = doc.querySelector('body')!;
  for (const el of [...body.querySelectorAll('svg, [data-src]')]) el.remove();
  for (const el of [...body.querySelectorAll('cite')]) {
    assert.match(el.textContent ?? '', /^arXiv:\d{4}\.\d{4,5}$/, 'a citation is an arXiv id');
    el.remove();
  }
  for (const el of [...body.querySelectorAll('span.const')]) {
    assert.ok(ALLOWED_CONSTANTS.has(el.textContent ?? ''), `unexpected constant ${el.textContent}`);
    el.remove();
  }
  const tokens = (body.textContent ?? '').split(/[^\p{L}\p{N}_.+−-]+/u);
  return tokens.filter((t) => /\d/.test(t) && (/^[−+-]?\d+(\.\d+)?(e[−+-]?\d+)?\.?$/.test(t) || !/[\p{L}_]/u.test(t)));
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The tables of report.md by id, as cell texts (Markdown marks removed). */
export function markdownTables(runDir: string): Map<string, string[][]> {
  const lines = readFileSync(path.join(runDir, 'report', 'report.md'), 'utf8').split('\n');
  const out = new Map<string, string[][]>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^<!-- table: (.+) -->$/.exec(lines[i]);
    if (!m) continue;
    const rows: string[][] = [];
    for (let j = i + 1; j < lines.length && lines[j].startsWith('|'); j++) {
      if (j === i + 2) continue; // the | --- | line
      const inner = lines[j].slice(2, -2);
      rows.push(
        inner.split(/(?<!\\) \| /).map((c) => squash(c.replace(/\\\|/g, '|').replace(/\*\*/g, '').replace(/`/g, ''))),
      );
    }
    out.set(m[1], rows);
  }
  return out;
}

/** The tables of index.html by id, header row first. */
export function htmlTables(runDir: string): Map<string, string[][]> {
  const doc = readReportDom(runDir);
  const out = new Map<string, string[][]>();
  for (const t of [...doc.querySelectorAll('table[data-table]')]) {
    const rows = [...t.querySelectorAll('tr')].map((tr) =>
      [...tr.querySelectorAll('th, td')].map((c) => squash(c.textContent ?? '')),
    );
    out.set(t.getAttribute('data-table')!, rows);
  }
  return out;
}

/** Rows of one HTML table as objects keyed by its header. */
export function tableObjects(runDir: string, id: string): Record<string, string>[] {
  const rows = htmlTables(runDir).get(id);
  assert.ok(rows, `the report has no table ${id}`);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
