/**
 * The reference studies in configs/ load with the config loader, expand to the grids they promise,
 * say which paper they follow (and that its setting is recalled where the paper could not be
 * consulted), and keep the recalled parameters (Jacot et al. 2018, Figure 1: 3 hidden ReLU layers,
 * n0 = 2, β = 0.1, 200 steps at lr 1.0 on N(0, 1) inputs with target x₁x₂, widths 500 … 10 000,
 * Θ(x₀, ·) on the circle at t = 0 and 200, here with 20 seeds; Lee et al. 2019, Figure 1: 128
 * training points of a real digits data set).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { expandGrid } from '../../src/config/expand.js';
import { loadConfig } from '../../src/config/loader.js';
import type { GridValue } from '../../src/config/types.js';
import { makeDataset, makeProbe } from '../../src/data/make-dataset.js';
import { analyticKernels } from '../../src/ntk/analytic.js';
import { criticalLearningRate } from '../../src/predict/critical-lr.js';
import { resolveTrial } from '../../src/config/loader.js';
import { ROOT } from '../helpers/python.js';

const file = (name: string) => path.join(ROOT, 'configs', `${name}.yaml`);
const axis = (name: string, axisName: string): GridValue[] | undefined =>
  loadConfig(file(name)).config.grid.find((a) => a.name === axisName)?.values;

describe('reference study configs', () => {
  for (const [name, arxiv] of [
    ['jacot2018', '1806.07572'],
    ['lee2019', '1902.06720'],
    ['depth-vs-width', '1909.05989'],
  ] as const) {
    test(`${name}.yaml loads, expands, and names the figure it follows and what differs`, () => {
      const loaded = loadConfig(file(name));
      assert.equal(loaded.config.name, name);
      const points = expandGrid(loaded);
      assert.ok(points.length > 1);
      assert.equal(new Set(points.map((p) => p.trialId)).size, points.length, 'distinct trial ids');
      const text = readFileSync(file(name), 'utf8');
      assert.match(text, new RegExp(`arXiv:${arxiv.replace('.', '\\.')}\\)`));
      assert.match(text, /could not be consulted/, 'says the setting is recalled, not checked');
      assert.match(text, /Differs from the paper:/);
    });

    test(`${name}.yaml: every trial's learning rate is below η_crit of its analytic kernel`, () => {
      const loaded = loadConfig(file(name));
      const depths = (axis(name, 'depth') ?? [loaded.config.model.depth]) as number[];
      for (const depth of depths) {
        const c = resolveTrial(loaded, [{ path: 'model.depth', value: depth, origin: 'test' }]);
        const data = makeDataset(c.dataset, c.model.outputs, loaded.dir);
        const spec = { ...c.model, inputDim: data.xTrain.cols };
        const etaCrit = criticalLearningRate(analyticKernels(spec, data.xTrain).ntk);
        assert.ok(c.train.lr < etaCrit, `${name} depth ${depth}: lr ${c.train.lr} ≥ η_crit ${etaCrit}`);
      }
    });
  }

  test('jacot2018.yaml keeps the parameters of Jacot et al. 2018, Figure 1', () => {
    const { config } = loadConfig(file('jacot2018'));
    assert.equal(config.model.depth, 3);
    assert.equal(config.model.activation, 'relu');
    assert.equal(config.model.parameterization, 'ntk');
    assert.equal(config.model.bStd, 0.1);
    assert.deepEqual(config.dataset.kind === 'gaussian' && [config.dataset.dim, config.dataset.scale], [2, 1]);
    assert.equal(config.dataset.target.kind, 'product');
    assert.equal(config.train.lr, 1.0);
    assert.equal(config.train.steps, 200);
    assert.deepEqual(config.ntk.snapshots, [0, 200]);
    const widths = axis('jacot2018', 'width') as number[];
    assert.equal(Math.min(...widths), 500);
    assert.equal(Math.max(...widths), 10_000);
    assert.ok(widths.length >= 3, 'intermediate widths for a slope');
    assert.equal(axis('jacot2018', 'seed')!.length, 20);
    // x₀ = (1, 0) is the probe set's first point.
    const probe = makeProbe(config.ntk.probe!);
    assert.deepEqual([probe.data[0], probe.data[1]], [1, 0]);
  });

  test('lee2019.yaml: 128 training digits, one-hot targets, a kernel snapshot at the end, widths spanning 2^5', () => {
    const loaded = loadConfig(file('lee2019'));
    const { config } = loaded;
    const widths = axis('lee2019', 'width') as number[];
    assert.ok(Math.max(...widths) / Math.min(...widths) >= 32);
    assert.ok(config.ntk.snapshots.includes(config.train.steps), 'a kernel snapshot at the end of training');
    assert.equal(config.model.parameterization, 'ntk');
    assert.equal(config.dataset.kind, 'csv');
    const data = makeDataset(config.dataset, config.model.outputs, loaded.dir);
    assert.deepEqual([data.xTrain.rows, data.xTrain.cols, data.yTrain.cols], [128, 64, 10]);
    for (let i = 0; i < 128; i++) {
      let s = 0;
      for (let k = 0; k < 10; k++) s += data.yTrain.data[i * 10 + k];
      assert.equal(s, 1, 'one-hot');
    }
  });

  test('depth-vs-width.yaml sweeps depth as a group axis beside width', () => {
    const depths = axis('depth-vs-width', 'depth') as number[];
    assert.ok(depths.length >= 3 && Math.max(...depths) >= 8);
    assert.ok((axis('depth-vs-width', 'width') as number[]).length >= 5);
  });
});
