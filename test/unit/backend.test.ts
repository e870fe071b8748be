/** Backend selection (src/backend/select.ts): wasm and cpu work and agree; the others fail clearly here. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, currentBackend, type BackendName } from '../../src/backend/select.js';
import { BackendError } from '../../src/errors.js';
import { gaussianInputs } from '../../src/data/inputs.js';
import { relFrobenius } from '../../src/linalg/mat.js';
import { forward } from '../../src/model/mlp.js';
import { flattenParams, initParams } from '../../src/model/params.js';
import type { MlpSpec } from '../../src/model/spec.js';
import { empiricalNtk } from '../../src/ntk/empirical.js';

const installed = (name: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
};

const spec: MlpSpec = {
  inputDim: 4, width: 48, depth: 2, outputs: 2, activation: 'gelu',
  parameterization: 'ntk', wStd: 1.5, bStd: 0.2,
};

test('wasm starts, names its device, and is idempotent', async () => {
  const a = await selectBackend('wasm');
  assert.equal(a.backend, 'wasm');
  assert.match(a.device, /^cpu \(wasm( simd)?, \d+ threads?\)$/);
  assert.equal(tf.getBackend(), 'wasm');
  const b = await selectBackend('wasm');
  assert.deepEqual(b, a);
  assert.deepEqual(currentBackend(), a);
});

test('the same seed gives the same weights, outputs and kernel on wasm and cpu', async () => {
  const x = gaussianInputs(6, 4, 3);
  await selectBackend('wasm');
  const pw = initParams(spec, 11);
  const fw = await forward(pw, x);
  const kw = await empiricalNtk(pw, x);
  const cpu = await selectBackend('cpu');
  assert.equal(cpu.backend, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  const pc = initParams(spec, 11);
  assert.deepEqual(flattenParams(pc), flattenParams(pw));
  const fc = await forward(pc, x);
  const kc = await empiricalNtk(pc, x);
  assert.ok(relFrobenius(fc, fw) < 1e-5, `forward differs by ${relFrobenius(fc, fw)}`);
  assert.ok(relFrobenius(kc, kw) < 1e-5, `kernel differs by ${relFrobenius(kc, kw)}`);
  assert.notDeepEqual(flattenParams(initParams(spec, 12)), flattenParams(pw));
  await selectBackend('wasm');
});

test("'webgpu' fails here with a BackendError that says what to install", { skip: installed('webgpu') && 'webgpu is installed' }, async () => {
  await selectBackend('wasm');
  await assert.rejects(selectBackend('webgpu'), (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    assert.match(e.message, /npm install webgpu/);
    assert.match(e.message, /Vulkan/);
    return true;
  });
  assert.equal(tf.getBackend(), 'wasm'); // a failed request leaves the active backend alone
});

test("'tensorflow' fails here with a BackendError naming the packages and CUDA", {
  skip: (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) && 'tfjs-node is installed',
}, async () => {
  await assert.rejects(selectBackend('tensorflow'), (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    assert.match(e.message, /npm install @tensorflow\/tfjs-node-gpu/);
    assert.match(e.message, /npm install @tensorflow\/tfjs-node\b/);
    assert.match(e.message, /CUDA/);
    return true;
  });
  assert.equal(tf.getBackend(), 'wasm');
});

test("'auto' falls through to the first backend that starts", {
  skip: (installed('webgpu') || installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) && 'an optional backend is installed',
}, async () => {
  await selectBackend('cpu');
  const a = await selectBackend('auto');
  assert.equal(a.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('an unknown name is a BackendError', async () => {
  await assert.rejects(selectBackend('opengl' as BackendName), BackendError);
});
