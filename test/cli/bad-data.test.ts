/**
 * Bad data sets are refused where configs are: `validate`, `run`, `resume` and `trial` load every
 * data file (and every value of a data-file grid axis) before anything starts, print the located
 * message a trial would give (file:line:column), exit 2, and write nothing — no run folder, so no
 * embedded server either (its database lives in the run folder). Through the real executable.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planFromConfig, writeLaunchFiles } from '../../orchestration/run-folder.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ntk-bad-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = 'x1,x2,y\n0.1,0.2,1\n0.3,0.4,2\n0.5,0.6,3\n0.7,0.8,4\n';

/** Data file, config fields that differ from the default, and the exact message. */
const CASES: { name: string; csv: string; features?: string; grid?: string; want: string[] }[] = [
  {
    name: 'nan',
    csv: 'x1,x2,y\n0.1,0.2,1\nNaN,0.3,2\n0.5,0.6,3\n0.7,0.8,4\n',
    want: ["nan.csv:3:1: column 'x1': expected a finite number, found 'NaN'"],
  },
  { name: 'empty', csv: '', want: ['empty.csv:1:1: the file is empty; expected a header row of column names'] },
  {
    name: 'header-only',
    csv: 'x1,x2,y\n',
    want: ['header-only.csv:2:1: 0 data rows, but n_train + n_test = 3 + 1 = 4 are needed'],
  },
  {
    name: 'cell',
    csv: 'x1,x2,y\n0.1,0.2,1\n0.1,abc,2\n0.5,0.6,3\n0.7,0.8,4\n',
    want: ["cell.csv:3:5: column 'x2': expected a finite number, found 'abc'"],
  },
  {
    name: 'feature',
    csv: GOOD,
    features: '[x1, x3]',
    want: ["feature.csv:1:1: the feature column 'x3' is not in the header (x1, x2, y) (did you mean 'x1'?)"],
  },
  {
    name: 'huge',
    csv: 'x1,x2,y\n0.1,0.2,1\n0.1,0.3,2\n1e999,0.6,3\n0.7,0.8,4\n',
    want: ["huge.csv:4:1: column 'x1': expected a finite number, found '1e999'"],
  },
  {
    name: 'ragged',
    csv: 'x1,x2,y\n0.1,0.2,1\n0.1,0.3,2,9\n0.5,0.6\n0.7,0.8,4\n',
    want: [
      'ragged.csv:3:11: malformed row: 4 cells, but the header has 3 columns',
      'ragged.csv:4:8: malformed row: 2 cells, but the header has 3 columns',
    ],
  },
  {
    name: 'short',
    csv: 'x1,x2,y\n0.1,0.2,1\n0.1,0.3,2\n',
    want: ['short.csv:4:1: 2 data rows, but n_train + n_test = 3 + 1 = 4 are needed'],
  },
  // A grid axis over data files: every value is checked, not only the first.
  {
    name: 'axis',
    csv: GOOD,
    grid: 'grid:\n  dataset.path: [axis.csv, nan.csv]\n',
    want: ["nan.csv:3:1: column 'x1': expected a finite number, found 'NaN'"],
  },
];

function config(c: (typeof CASES)[number]): string {
  const pathField = c.grid ? '' : ` path: ${c.name}.csv,`;
  return (
    `dataset: { kind: csv,${pathField} n_train: 3, n_test: 1, features: ${c.features ?? '[x1, x2]'}, target: { kind: column, column: y } }\n` +
    `model: { width: 8 }\ntrain: { steps: 2 }\noutput: runs/${c.name}\n${c.grid ?? ''}`
  );
}

for (const c of CASES) {
  writeFileSync(path.join(dir, `${c.name}.csv`), c.csv);
  writeFileSync(path.join(dir, `${c.name}.yaml`), config(c));
}
const files = (): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
const initial = files();

const stderrLines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

for (const command of ['validate', 'run', 'trial'] as const) {
  test(`${command}: each bad data set gives its located message, exit 2, and nothing is written or started`, () => {
    // `trial` runs one trial: the grid's first point, whose data file is good in the axis case.
    for (const c of CASES.filter((x) => command !== 'trial' || !x.grid)) {
      const r = runCli([command, `${c.name}.yaml`], 120_000, { cwd: dir });
      assert.equal(r.status, 2, `${c.name}: exit ${r.status}\n${r.stderr}`);
      assert.deepEqual(stderrLines(r.stderr), c.want, c.name);
      assert.equal(r.stdout, '', c.name);
      assert.deepEqual(files(), initial, `${c.name}: no run folder, no server database, no file at all`);
    }
  });
}

test('resume: a data file that went bad after launch is named before any server starts', async () => {
  const name = 'later';
  writeFileSync(path.join(dir, `${name}.csv`), GOOD);
  writeFileSync(path.join(dir, `${name}.yaml`), config({ name, csv: GOOD, want: [] }));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await writeLaunchFiles(planFromConfig(`${name}.yaml`));
  } finally {
    process.chdir(cwd);
  }
  writeFileSync(path.join(dir, `${name}.csv`), 'x1,x2,y\n0.1,0.2,1\n0.1,0.3,inf\n0.5,0.6,3\n0.7,0.8,4\n');
  const before = files();
  const r = runCli(['resume', `runs/${name}`], 120_000, { cwd: dir });
  assert.equal(r.status, 2, r.stderr);
  assert.deepEqual(stderrLines(r.stderr), ["later.csv:3:9: column 'y': expected a finite number, found 'inf'"]);
  assert.deepEqual(files(), before, 'no server database, nothing else written');
});
