/**
 * Backend selection (src/backend/select.ts, webgpu.ts, tensorflow.ts): wasm and cpu work and agree;
 * webgpu and tensorflow fail here with messages that say what is missing. What this machine cannot
 * produce (the webgpu package absent while it is installed, a Vulkan loader without a device, an
 * installed tfjs-node) is replaced through the modules' loader parameters; the rest is real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../helpers/python.js';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  selectBackend,
  currentBackend,
  skippedNotes,
  wasmBinaryDir,
  type BackendName,
} from '../../../src/backend/select.js';
import { initTensorflow } from '../../../src/backend/tensorflow.js';
import {
  dawnFlags,
  describeAdapter,
  findVulkanLoader,
  initWebGpu,
  type DawnModule,
} from '../../../src/backend/webgpu.js';
import { BackendError } from '../../../src/errors.js';
import { gaussianInputs } from '../../../src/data/inputs.js';
import { relFrobenius } from '../../../src/linalg/mat.js';
import { forward, disposeTfParams, paramsToTensors, tensorsToParams } from '../../../src/model/mlp.js';
import { flattenParams, initParams } from '../../../src/model/params.js';
import type { MlpSpec } from '../../../src/model/spec.js';
import { train } from '../../../src/model/train.js';
import { empiricalNtk } from '../../../src/ntk/empirical.js';

const installed = (name: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
};

const navigatorGpu = (): unknown => (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;

const spec: MlpSpec = {
  inputDim: 4,
  width: 48,
  depth: 2,
  outputs: 2,
  activation: 'gelu',
  parameterization: 'ntk',
  wStd: 1.5,
  bStd: 0.2,
};

/** A stand-in for the `webgpu` package whose Dawn finds no adapter. */
const dawnWithoutAdapter: DawnModule = {
  create: () => ({ requestAdapter: async () => null }),
  globals: { GPUBufferUsage: { MAP_READ: 1 } },
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

test('the same seed gives bit-identical weights in the tensors of every backend available here', async () => {
  const js = flattenParams(initParams(spec, 11));
  const readBack: Record<string, Float64Array> = {};
  for (const name of ['wasm', 'cpu', 'webgpu', 'tensorflow'] as const) {
    try {
      await selectBackend(name);
    } catch (e) {
      assert.ok(e instanceof BackendError, String(e)); // not available here: said so, nothing else
      continue;
    }
    assert.equal(tf.getBackend(), name);
    const tp = paramsToTensors(initParams(spec, 11)); // drawn in JS, then moved onto this backend
    try {
      readBack[name] = flattenParams(await tensorsToParams(spec, tp));
    } finally {
      disposeTfParams(tp);
    }
  }
  assert.ok('wasm' in readBack && 'cpu' in readBack, `backends tried: ${Object.keys(readBack).join(', ')}`);
  for (const [name, values] of Object.entries(readBack)) {
    assert.equal(values.length, js.length, name);
    const firstDiff = values.findIndex((v, i) => v !== js[i]);
    assert.equal(firstDiff, -1, `${name}: parameter ${firstDiff} is ${values[firstDiff]}, drawn ${js[firstDiff]}`);
  }
  assert.notDeepEqual(flattenParams(initParams(spec, 12)), js);
  await selectBackend('wasm');
});

test('the same weights give the same outputs and kernel on wasm and cpu', async () => {
  const x = gaussianInputs(6, 4, 3);
  await selectBackend('wasm');
  const p = initParams(spec, 11);
  const fw = await forward(p, x);
  const kw = await empiricalNtk(p, x);
  const cpu = await selectBackend('cpu');
  assert.equal(cpu.backend, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  const fc = await forward(p, x);
  const kc = await empiricalNtk(p, x);
  assert.ok(relFrobenius(fc, fw) < 1e-5, `forward differs by ${relFrobenius(fc, fw)}`);
  assert.ok(relFrobenius(kc, kw) < 1e-5, `kernel differs by ${relFrobenius(kc, kw)}`);
  await selectBackend('wasm');
});

test('tf.memory() stays flat over 300 training steps on wasm', async () => {
  await selectBackend('wasm');
  const s: MlpSpec = { ...spec, width: 96, outputs: 1, activation: 'relu' };
  const data = {
    xTrain: gaussianInputs(32, 4, 1),
    yTrain: gaussianInputs(32, 1, 2),
    xTest: gaussianInputs(16, 4, 3),
    yTest: gaussianInputs(16, 1, 4),
  };
  const before = tf.memory();
  const seen: { step: number; tensors: number; bytes: number }[] = [];
  const res = await train(initParams(s, 0), data, {
    lr: 0.1,
    steps: 300,
    logEvery: 20,
    snapshotSteps: [0, 150, 300],
    onLog: (entry) => {
      const m = tf.memory();
      seen.push({ step: entry.step, tensors: m.numTensors, bytes: m.numBytes });
    },
  });
  assert.equal(res.status, 'ok');
  // Logs inside the loop (steps 0, 20, …, 280) are taken at the same point of a step, with that
  // step's gradients alive; the final log (step 300) comes after the loop, so it is left out here.
  const inLoop = seen.filter((m) => m.step < 300);
  assert.equal(inLoop.length, 15);
  const first = inLoop[0];
  for (const m of inLoop) {
    assert.equal(m.tensors, first.tensors, `log ${m.step}: ${m.tensors} tensors, ${first.tensors} at the first log`);
    assert.equal(m.bytes, first.bytes, `log ${m.step}: ${m.bytes} bytes, ${first.bytes} at the first log`);
  }
  assert.ok(res.log[res.log.length - 1].trainLoss < res.log[0].trainLoss, 'the loss went down');
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors, 'training leaves no tensor behind');
  assert.equal(after.numBytes, before.numBytes);
});

test("an explicit 'webgpu' fails here saying what is missing, and touches nothing", async () => {
  await selectBackend('wasm');
  let started: Awaited<ReturnType<typeof selectBackend>> | undefined;
  try {
    started = await selectBackend('webgpu');
  } catch (e) {
    assert.ok(e instanceof BackendError, String(e));
    if (!installed('webgpu')) {
      assert.match(e.message, /'webgpu' npm package .* is not installed/);
      assert.match(e.message, /npm install webgpu/);
    } else if (findVulkanLoader() === undefined) {
      assert.match(e.message, /no GPU adapter/);
      assert.match(e.message, /libvulkan\.so\.1 is missing/);
      assert.match(e.message, /apt-get install libvulkan1/);
    } else {
      assert.match(e.message, /no GPU adapter/);
      assert.match(e.message, /no usable device/);
    }
    assert.match(e.message, /graphics/); // the container capability Vulkan needs
    assert.equal(tf.getBackend(), 'wasm'); // a failed request leaves the active backend alone
    assert.equal(navigatorGpu(), undefined); // and installs no navigator.gpu
    return;
  }
  // A machine with a Vulkan GPU: the backend starts and names the adapter.
  assert.equal(started.backend, 'webgpu');
  assert.match(started.device, /^gpu \(webgpu/);
  await selectBackend('wasm');
});

test('webgpu: the package missing is a BackendError that says how to get it', async () => {
  await assert.rejects(
    initWebGpu({ loadDawn: () => Promise.reject(new Error("Cannot find package 'webgpu' imported from /x.js")) }),
    (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.match(
        e.message,
        /^webgpu backend unavailable: the 'webgpu' npm package \(Dawn for Node\.js\) is not installed/,
      );
      assert.match(e.message, /Cannot find package 'webgpu'/);
      assert.match(e.message, /`npm install webgpu`/);
      assert.match(e.message, /libvulkan1/);
      return true;
    },
  );
});

test('webgpu: a Vulkan loader without a device is told apart from a missing loader', async () => {
  await assert.rejects(
    initWebGpu({
      loadDawn: async () => dawnWithoutAdapter,
      findVulkanLoader: () => '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
    }),
    (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.match(
        e.message,
        /the Vulkan loader is present \(\/usr\/lib\/x86_64-linux-gnu\/libvulkan\.so\.1\) but Vulkan reports no usable device/,
      );
      assert.match(e.message, /NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics/);
      assert.doesNotMatch(e.message, /apt-get/);
      return true;
    },
  );
  await assert.rejects(
    initWebGpu({ loadDawn: async () => dawnWithoutAdapter, findVulkanLoader: () => undefined }),
    (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.match(
        e.message,
        /libvulkan\.so\.1 is missing; install the Vulkan loader \(Debian\/Ubuntu: `apt-get install libvulkan1`\)/,
      );
      return true;
    },
  );
  // No adapter, no globals: Dawn's constants and navigator.gpu stay out of the process.
  assert.equal(navigatorGpu(), undefined);
  assert.equal((globalThis as Record<string, unknown>).GPUBufferUsage, undefined);
});

test('webgpu: a Dawn that throws on requestAdapter (bad flags) is a BackendError', async () => {
  const dawn: DawnModule = {
    create: () => ({ requestAdapter: () => Promise.reject(new Error("unrecognised backend 'bogus'")) }),
    globals: {},
  };
  await assert.rejects(initWebGpu({ loadDawn: async () => dawn }), (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    assert.match(e.message, /requesting a GPU adapter failed \(unrecognised backend 'bogus'\); check NTK_DAWN_FLAGS/);
    return true;
  });
});

test('findVulkanLoader looks in LD_LIBRARY_PATH first', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-vk-'));
  try {
    assert.equal(findVulkanLoader({ LD_LIBRARY_PATH: dir }), findVulkanLoader({}));
    writeFileSync(path.join(dir, 'libvulkan.so.1'), '');
    assert.equal(findVulkanLoader({ LD_LIBRARY_PATH: `/nonexistent:${dir}` }), path.join(dir, 'libvulkan.so.1'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Dawn flags and adapter choice come from the environment', () => {
  assert.deepEqual(dawnFlags({}), []);
  assert.deepEqual(dawnFlags({ NTK_DAWN_FLAGS: 'backend=vulkan, validate=1,' }), ['backend=vulkan', 'validate=1']);
  assert.deepEqual(dawnFlags({ NTK_WEBGPU_ADAPTER: 'H100' }), ['adapter=H100']);
});

test('the device is described from the adapter info', () => {
  assert.equal(
    describeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 80GB HBM3' }),
    'gpu (webgpu: NVIDIA H100 80GB HBM3; nvidia hopper)',
  );
  assert.equal(describeAdapter({ vendor: 'intel', architecture: 'gen-12lp' }), 'gpu (webgpu: intel gen-12lp)');
  assert.equal(describeAdapter({}), 'gpu (webgpu)');
});

test(
  "an explicit 'tensorflow' fails here with a BackendError naming the packages and CUDA",
  {
    skip: (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) && 'tfjs-node is installed',
  },
  async () => {
    await selectBackend('wasm');
    await assert.rejects(selectBackend('tensorflow'), (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.match(e.message, /npm install @tensorflow\/tfjs-node-gpu/);
      assert.match(e.message, /npm install @tensorflow\/tfjs-node\b/);
      assert.match(e.message, /CUDA/);
      assert.match(e.message, /@tensorflow\/tfjs-node-gpu: .*@tensorflow\/tfjs-node: /); // each package's own failure
      return true;
    });
    assert.equal(tf.getBackend(), 'wasm');
  },
);

test("'auto' takes the first backend that starts and notes why the others did not", async () => {
  await selectBackend('cpu');
  const a = await selectBackend('auto');
  assert.equal(tf.getBackend(), a.backend);
  if (a.backend === 'wasm') {
    // This machine: no GPU adapter and no libtensorflow, each skipped with its reason.
    assert.ok(a.skipped, 'the skipped backends are listed');
    assert.deepEqual(
      a.skipped.map((s) => s.split(':')[0]),
      ['webgpu', 'tensorflow'],
    );
    assert.match(a.skipped[0], /^webgpu: webgpu backend unavailable: /);
    assert.match(a.skipped[1], /^tensorflow: tensorflow backend unavailable: /);
    // The same in one line each, as the CLI prints them.
    const notes = skippedNotes(a);
    assert.equal(notes.length, 2);
    assert.match(notes[0], /^webgpu skipped: .*; using wasm$/);
    assert.match(
      notes[1],
      /^tensorflow skipped: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed; using wasm$/,
    );
    if (findVulkanLoader() === undefined)
      assert.equal(notes[0], 'webgpu skipped: no Vulkan loader (libvulkan.so.1); using wasm');
  } else {
    assert.ok(['webgpu', 'tensorflow'].includes(a.backend), a.backend);
  }
  assert.equal(currentBackend()?.skipped, undefined); // the note belongs to the answer, not the state
  await selectBackend('wasm');
});

test('tensorflow: tfjs-node-gpu is preferred, tfjs-node is the fallback, each failure is reported', async (t) => {
  // libtensorflow cannot be installed here: a loader that registers a 'tensorflow' backend (the
  // pure-JS one under that name) stands in for the packages' import side effect.
  await selectBackend('wasm');
  const register = (): void => {
    if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', () => new MathBackendCPU());
  };
  t.after(async () => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    await selectBackend('wasm');
  });
  const gpu = await initTensorflow(async (name) => {
    assert.equal(name, '@tensorflow/tfjs-node-gpu');
    register();
  });
  assert.deepEqual(gpu, { backend: 'tensorflow', device: 'gpu (libtensorflow, CUDA)' });
  tf.removeBackend('tensorflow');

  const tried: string[] = [];
  const cpu = await initTensorflow(async (name) => {
    tried.push(name);
    if (name === '@tensorflow/tfjs-node-gpu') throw new Error('libcudart.so.11.0: cannot open shared object file');
    register();
  });
  assert.deepEqual(tried, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  assert.deepEqual(cpu, { backend: 'tensorflow', device: 'cpu (libtensorflow)' });
  tf.removeBackend('tensorflow');

  await assert.rejects(
    initTensorflow(async () => undefined /* loads, registers nothing */),
    (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.match(e.message, /@tensorflow\/tfjs-node-gpu loaded but/);
      return true;
    },
  );
});

test('the wasm binaries are found in node_modules, or where NTK_WASM_DIR says (a bundle on a GPU host)', () => {
  const found = wasmBinaryDir();
  assert.ok(existsSync(path.join(found, 'tfjs-backend-wasm-simd.wasm')), found);
  const saved = process.env.NTK_WASM_DIR;
  try {
    process.env.NTK_WASM_DIR = 'some/dir';
    assert.equal(wasmBinaryDir(), path.resolve('some/dir') + path.sep);
  } finally {
    if (saved === undefined) delete process.env.NTK_WASM_DIR;
    else process.env.NTK_WASM_DIR = saved;
  }
});

test('an unknown name is a BackendError', async () => {
  await assert.rejects(selectBackend('opengl' as BackendName), BackendError);
});

test(
  'without the Vulkan loader Dawn is not started, so its native warning is never printed',
  {
    skip:
      (process.platform !== 'linux' || findVulkanLoader() !== undefined) && 'a Linux machine without libvulkan.so.1',
  },
  () => {
    const script = "const { selectBackend } = await import('./src/backend/select.ts'); await selectBackend('auto');";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Vulkan|BackendVk|Warning/, r.stderr);
  },
);

test(
  "a Vulkan loader that finds no GPU: Dawn's native warning is captured in a probe and becomes auto's one reason",
  { skip: process.platform !== 'linux' && 'Linux only' },
  () => {
    // An empty file as libvulkan.so.1: Dawn finds a loader that does not load, and says so natively.
    const dir = mkdtempSync(path.join(tmpdir(), 'ntk-fakevk-'));
    try {
      writeFileSync(path.join(dir, 'libvulkan.so.1'), '');
      const script =
        "const { selectBackend, skippedNotes } = await import('./src/backend/select.ts'); " +
        "const s = await selectBackend('auto'); console.log(skippedNotes(s).join('\\n'));";
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', LD_LIBRARY_PATH: dir },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Vulkan|BackendVk|Warning/, r.stderr);
      if (installed('webgpu')) {
        assert.match(
          r.stdout,
          /^webgpu skipped: the Vulkan loader did not load \(.*libvulkan\.so\.1: file too short\); using wasm$/m,
          r.stdout,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
