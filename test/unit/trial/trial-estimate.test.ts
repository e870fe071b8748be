/**
 * The trial estimate (src/config/estimate.ts) and the refusal of sizes that cannot fit
 * (src/config/size-limits.ts): the parameter count is the model's own, the estimate grows with
 * every size, and `validate`/`trial` refuse a width of 10⁹ or a depth of 10 000 with the
 * estimate in a located message and exit 2, before anything is written.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkTrialSizes, executorsLine } from '../../../src/config/size-limits.js';
import { loadConfig, parseConfig } from '../../../src/config/loader.js';
import { ConfigError } from '../../../src/errors.js';
import { initParams } from '../../../src/model/params.js';
import {
  estimateTrial,
  memoryBudget,
  parameterCount,
  parseBytes,
  type TrialSizes,
} from '../../../src/config/estimate.js';
import { ROOT } from '../../helpers/python.js';
import { outDir, runCli } from '../../cli/run-cli.js';

const QUICKSTART = readFileSync(path.join(ROOT, 'configs', 'quickstart.yaml'), 'utf8');
const base: TrialSizes = {
  width: 64,
  depth: 2,
  inputs: 2,
  outputs: 1,
  nTrain: 64,
  nTest: 64,
  nProbe: 128,
  steps: 300,
  logEvery: 10,
  snapshots: 3,
};

/** The quickstart config with `from` replaced by `to`, written to a scratch file. */
function variant(from: string, to: string): string {
  assert.ok(QUICKSTART.includes(from), from);
  const file = path.join(outDir(), 'big.yaml');
  writeFileSync(
    file,
    QUICKSTART.replace(from, to).replace('output: runs/quickstart', `output: ${path.join(path.dirname(file), 'run')}`),
  );
  return file;
}

/** The line and column where `text` starts in `file` (1-based). */
function whereIs(file: string, text: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(text));
  return `${line + 1}:${lines[line].indexOf(text) + 1}`;
}

describe('the trial estimate', () => {
  it('counts the parameters the model has', () => {
    for (const [width, depth, inputDim, outputs] of [
      [8, 1, 2, 1],
      [16, 3, 5, 2],
      [33, 2, 1, 4],
    ]) {
      const p = initParams(
        { inputDim, width, depth, outputs, activation: 'relu', parameterization: 'ntk', wStd: 1, bStd: 0.1 },
        0,
      );
      const n = [...p.weights, ...p.biases].reduce((s, a) => s + a.length, 0);
      assert.equal(parameterCount({ width, depth, inputs: inputDim, outputs }), n);
    }
  });

  it('grows with width, depth, points, snapshots and steps', () => {
    const e0 = estimateTrial(base);
    for (const k of ['width', 'depth', 'nTrain', 'nTest', 'nProbe', 'snapshots'] as const) {
      const e = estimateTrial({ ...base, [k]: base[k] * 4 });
      assert.ok(e.peakBytes > e0.peakBytes, `peak memory grows with ${k}`);
      assert.ok(e.flops > e0.flops, `work grows with ${k}`);
    }
    assert.ok(estimateTrial({ ...base, steps: 3000 }).flops > e0.flops);
  });

  it('reads the memory budget from NTK_MEMORY_BUDGET, else the machine', () => {
    assert.equal(parseBytes('512MiB'), 512 * 2 ** 20);
    assert.equal(parseBytes('8GiB'), 8 * 2 ** 30);
    assert.equal(parseBytes('1e9'), 1e9);
    assert.equal(parseBytes('lots'), undefined);
    assert.equal(memoryBudget({}, 123), 123);
    assert.equal(memoryBudget({ NTK_MEMORY_BUDGET: '2GB' }, 123), 2e9);
    assert.throws(() => memoryBudget({ NTK_MEMORY_BUDGET: '-3' }), /NTK_MEMORY_BUDGET: expected a size such as 8GiB/);
  });

  it('a budget that is not a size is a user error: one line, exit 2', () => {
    const r = runCli(['validate', 'configs/quickstart.yaml'], 120_000, { env: { NTK_MEMORY_BUDGET: 'lots' } });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), "NTK_MEMORY_BUDGET: expected a size such as 8GiB or 512MiB, found 'lots'");
  });
});

describe('sizes that cannot fit', () => {
  it('validate refuses width 1e9 with the estimate, located at the grid value, exit 2, nothing written', () => {
    const file = variant('width: [64, 128, 256, 512, 1024]', 'width: [64, 1000000000]');
    const r = runCli(['validate', file]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr.trim(),
      new RegExp(
        `^${file}:${whereIs(file, '1000000000')}: grid\\.width: too large to run: a trial of width 1000000000, depth 2, .* needs about [\\d.]+ EiB at its peak \\(estimate\\); this host allows [\\d.]+ GiB`,
      ),
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(path.join(path.dirname(file), 'run')), false);
  });

  it('validate refuses depth 10000, blaming the depth (not the width it is swept with)', () => {
    const file = variant('depth: [1, 2]', 'depth: [1, 10000]');
    const r = runCli(['validate', file]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr.trim(),
      new RegExp(
        `^${file}:${whereIs(file, '10000')}: grid\\.depth: too large to run: a trial of width 1024, depth 10000, .*GiB at its peak`,
      ),
    );
  });

  it('a size that fits only a larger machine is refused under a small budget, and the message names the variable', () => {
    const loaded = parseConfig(QUICKSTART, 'q.yaml', ROOT);
    checkTrialSizes(loaded, {});
    assert.throws(
      () => checkTrialSizes(loaded, { NTK_MEMORY_BUDGET: '100MiB' }),
      (e) =>
        e instanceof ConfigError &&
        /grid\.width: too large to run: .* this host allows 100 MiB \(the machine's memory, or NTK_MEMORY_BUDGET\)/.test(
          e.message,
        ),
    );
  });

  it('a trial that cannot finish within trial_timeout, even at the backend’s best rate, is refused', () => {
    const slow = QUICKSTART.replace('steps: 300', 'steps: 100000000').replace('backend: auto', 'backend: wasm');
    assert.throws(
      () => checkTrialSizes(parseConfig(slow, 'q.yaml', ROOT), {}),
      /train\.steps: too large to run: .* floating-point operations: at least .* and trial_timeout is 10 min/,
    );
  });

  it('trial refuses --width 1e9 before computing anything', () => {
    const r = runCli([
      'trial',
      'configs/quickstart.yaml',
      '--width',
      '1000000000',
      '--run-dir',
      path.join(outDir(), 'run'),
    ]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr.trim(),
      /^--width: too large to run: a trial of width 1000000000, depth 1, .* at its peak \(estimate\)/,
    );
  });

  it('validate says how many of the largest trial the budget admits at once', () => {
    const loaded = loadConfig(path.join(ROOT, 'configs', 'quickstart.yaml'));
    assert.match(executorsLine(loaded, {}), /^executors: 2 worker threads .* admits 2 of the largest trial/);
    assert.match(
      executorsLine(loaded, { NTK_MEMORY_BUDGET: '400MiB' }),
      /admits 1 of the largest trial \(about \d+ MiB/,
    );
  });
});
