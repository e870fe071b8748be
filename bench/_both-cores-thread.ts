/**
 * One thread of bench/both-cores.ts: times the GD step or the empirical NTK of its own network
 * (its own TensorFlow.js wasm backend), and posts the median seconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../src/backend/select.js';
import { matToTensor } from '../src/backend/convert.js';
import { gaussianInputs } from '../src/data/inputs.js';
import { tfActivation } from '../src/model/activations.js';
import { applyScaledGradients, lossGradients } from '../src/model/gradients.js';
import { paramsToTensors, type TfParams } from '../src/model/mlp.js';
import { initParams } from '../src/model/params.js';
import type { MlpSpec } from '../src/model/spec.js';
import { empiricalNtk } from '../src/ntk/empirical.js';

export interface ThreadJob {
  kind: 'gd' | 'ntk';
  n: number;
  dim: number;
  depth: number;
  width: number;
  reps: number;
  lr: number;
  seed: number;
}

async function median(reps: number, f: () => Promise<unknown>): Promise<number> {
  await f(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    t.push((performance.now() - t0) / 1000);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

async function time(job: ThreadJob): Promise<number> {
  await selectBackend('wasm');
  const spec: MlpSpec = {
    inputDim: job.dim,
    width: job.width,
    depth: job.depth,
    outputs: 1,
    activation: 'relu',
    parameterization: 'ntk',
    wStd: Math.SQRT2,
    bStd: 0.1,
  };
  const params = initParams(spec, job.seed);
  const xm = gaussianInputs(job.n, job.dim, job.seed);
  if (job.kind === 'ntk') return median(job.reps, () => empiricalNtk(params, xm));
  const x = matToTensor(xm);
  const y = matToTensor(gaussianInputs(job.n, 1, job.seed + 1));
  let tp: TfParams = paramsToTensors(params);
  return median(job.reps, async () => {
    const g = lossGradients(spec, tp, x, y, tfActivation(spec.activation), { scale: -job.lr });
    tp = applyScaledGradients(tp, g);
    await tp.biases[0].data();
  });
}

parentPort?.postMessage(await time(workerData.job as ThreadJob));
