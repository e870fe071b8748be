/** docs/run-folder.md lists every table's columns and types exactly as the schemas declare them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BEGIN, DOC, END, columnsMarkdown, withColumns } from '../../../scripts/run-folder-columns.js';
import { TABLE_COLUMNS, TABLE_NAMES } from '../../../src/tables/schemas.js';

test('the column lists of docs/run-folder.md equal those generated from the schemas (npm run docs:columns)', () => {
  const doc = readFileSync(DOC, 'utf8');
  assert.ok(doc.includes(BEGIN) && doc.includes(END), 'the doc has the generated section');
  assert.equal(withColumns(doc), doc, 'docs/run-folder.md is out of date: run npm run docs:columns');
});

test('the generated lists name every column of every table, summary and fits included', () => {
  const md = columnsMarkdown();
  for (const table of [...TABLE_NAMES, 'summary', 'fits']) assert.match(md, new RegExp(`^### ${table}$`, 'm'));
  for (const table of TABLE_NAMES) {
    for (const name of Object.keys(TABLE_COLUMNS[table])) assert.ok(md.includes(`| \`${name}\` |`), `${table}.${name}`);
  }
});
