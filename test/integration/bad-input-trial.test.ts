/**
 * A trial that fails for bad input during a sweep (its data set cannot be used: retrying cannot
 * fix it) makes `run` print the located reason and exit 2, rather than "completed … 1 failed"
 * with exit 0. The sweep runs on the embedded server with the real activities, except that
 * runTrial meets a data file that went bad after the up-front check: the real DatasetError of the
 * real CSV reader on a bad file (a test stand-in for a file edited mid-sweep).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { createActivities, type SweepActivities } from '../../activities/index.js';
import { runCommand } from '../../orchestration/launch.js';
import { loadConfig, resolveTrial } from '../../src/config/index.js';
import { checkTrialData } from '../../src/data/check-data.js';
import { workdirWith } from './helpers/cli.js';

describe('a trial that fails for bad input', () => {
  const { dir } = workdirWith('tiny.yaml');
  after(() => rmSync(dir, { recursive: true, force: true }));
  process.chdir(dir);
  writeFileSync('xy.csv', 'x1,x2,y\n0.1,0.2,1\n0.3,0.4,2\n0.5,0.6,3\n0.7,0.8,4\n');
  writeFileSync('nan.csv', 'x1,x2,y\n0.1,0.2,1\nNaN,0.4,2\n0.5,0.6,3\n0.7,0.8,4\n');
  writeFileSync(
    'one.yaml',
    'dataset: { kind: csv, path: xy.csv, n_train: 3, n_test: 1, target: { kind: column, column: y } }\n' +
      'name: one\nmodel: { width: 8 }\ntrain: { steps: 2 }\nexecution: { backend: wasm, retries: 1 }\noutput: runs/one\n',
  );

  it('makes run print the located reason and exit 2', async () => {
    const real = createActivities();
    const loaded = loadConfig('one.yaml');
    const bad = resolveTrial(loaded, []);
    const activities: SweepActivities = {
      ...real,
      runTrial: async () => {
        checkTrialData(
          { ...bad, dataset: { ...bad.dataset, kind: 'csv', path: 'nan.csv' } as typeof bad.dataset },
          dir,
        );
        throw new Error('the data check passed a bad file');
      },
    };
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    let code: number;
    try {
      code = await runCommand('one.yaml', { progress: 'lines', activities });
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, 2);
    assert.match(
      lines.join(''),
      /trial [0-9a-f]+ failed: DatasetError: nan\.csv:3:1: column 'x1': expected a finite number, found 'NaN'/,
    );
  });
});
