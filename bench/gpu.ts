/**
 * The GPU benchmarks, one entry point printing one JSON document:
 *  - check: the backend against a reference backend (wasm; cpu when the backend is wasm) on the
 *    same weights — empirical NTK (≤ 1e-4 relative) and 100 training steps (losses ≤ 1e-3) — and
 *    tf.memory() over 1 000 steps (flat: the same tensor count and bytes at every in-loop log);
 *  - gd: one full-batch GD step, N = 512, 16-d inputs, depth 2, widths 1024 / 4096 / 16384, with the
 *    loss read back every log step (no readback inside a round) and, for comparison, every step;
 *  - ntk: the structured empirical NTK, N = 256 and 1024, depth 3, widths 512 … 16384, with the
 *    parameters already on the device and, end to end, with their upload;
 *  - trial: one quickstart-sized trial (configs/quickstart.yaml at width 4096, depth 2, seed 0:
 *    training, 3 kernel snapshots on every split, analytic kernels and predictions) through
 *    computeTrial, on the backend and on wasm (the CPU);
 *  - peers (with --peers PYTHON): bench/peers/gpu_jax_torch.py, JAX (jit) and PyTorch (eager), same
 *    machine, same run, and the ratios ours / peer.
 *
 *   npx tsx bench/gpu.ts [--backend webgpu] [--quick] [--only check,gd,ntk,trial] [--peers python3]
 *
 * On a GPU host without Node.js: the GPU packing script (`prepare.sh bench/gpu.ts`, docs/benchmarks.md) packs .gpu/ (48 MB:
 * Node, Dawn, the Vulkan loader, this entry bundled); copy the checkout with .gpu/ and the three
 * node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm files there (1.2 MB; the wasm comparisons
 * need them, the GPU runs do not), then from the checkout's root:
 *   NTK_WASM_DIR=$PWD/node_modules/@tensorflow/tfjs-backend-wasm/dist bash .gpu/on-device.sh --peers python3
 * (`--only` splits a run that would not fit one command's time limit.) The peers need a Python with
 * jax (CUDA) and torch there; a missing one is reported as such in the JSON.
 *
 * Default backend webgpu. If it cannot start, the document says why and the benchmark falls back to
 * `auto` with the --quick sizes (the full sizes take hours on a CPU). `--quick` (small sizes, a few
 * seconds on wasm) is what `npm run bench` runs where no GPU starts. Every entry that fails (e.g. out
 * of memory at width 16384) records its error and the rest go on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, selectBackend, type BackendName, type SelectedBackend } from '../src/backend/select.js';
import { matToTensor } from '../src/backend/convert.js';
import { loadConfig, resolveTrial } from '../src/config/index.js';
import { gaussianInputs } from '../src/data/inputs.js';
import { relFrobenius } from '../src/linalg/mat.js';
import { tfActivation } from '../src/model/activations.js';
import { applyScaledGradients, lossGradients } from '../src/model/gradients.js';
import { disposeTfParams, paramsToTensors, type TfParams } from '../src/model/mlp.js';
import { initParams } from '../src/model/params.js';
import type { MlpSpec } from '../src/model/spec.js';
import { train } from '../src/model/train.js';
import { empiricalNtk, empiricalNtkOfTensors } from '../src/ntk/empirical.js';
// From the modules, not src/trial/index.ts: the index also brings the run-folder writer, which this
// benchmark does not use and which reads package.json files at load time (absent in a GPU bundle).
import { emptyTimings } from '../src/trial/phase-clock.js';
import { computeTrial } from '../src/trial/compute-trial.js';

type Section = 'check' | 'gd' | 'ntk' | 'trial';
const SECTIONS: readonly Section[] = ['check', 'gd', 'ntk', 'trial'];

/** Sizes of one run: the full sizes, or small ones for a smoke run on a CPU. */
interface Sizes {
  check: { n: number; width: number; trainSteps: number; memorySteps: number };
  gd: { n: number; dim: number; depth: number; widths: number[]; steps: number; reps: number };
  ntk: { ns: number[]; dim: number; depth: number; widths: number[]; reps: number };
  trial: { width: number; depth: number; steps?: number };
}

const FULL: Sizes = {
  check: { n: 64, width: 512, trainSteps: 100, memorySteps: 1000 },
  gd: { n: 512, dim: 16, depth: 2, widths: [1024, 4096, 16384], steps: 20, reps: 5 },
  ntk: { ns: [256, 1024], dim: 8, depth: 3, widths: [512, 1024, 2048, 4096, 8192, 16384], reps: 3 },
  trial: { width: 4096, depth: 2 },
};

const QUICK: Sizes = {
  check: { n: 32, width: 64, trainSteps: 100, memorySteps: 200 },
  gd: { n: 64, dim: 16, depth: 2, widths: [64, 256], steps: 5, reps: 3 },
  ntk: { ns: [32, 64], dim: 8, depth: 3, widths: [64, 256], reps: 3 },
  trial: { width: 128, depth: 2, steps: 100 },
};

const LR = 0.1;
const W_STD = Math.SQRT2;
const B_STD = 0.1;

interface Options {
  backend: BackendName;
  quick: boolean;
  only: Section[];
  peers?: string;
  config?: string;
}

const log = (msg: string): void => void process.stderr.write(`[bench/gpu] ${msg}\n`);
const ms = (t0: number): number => performance.now() - t0;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));
const errorOf = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] : String(e));

function mlp(inputDim: number, width: number, depth: number): MlpSpec {
  return { inputDim, width, depth, outputs: 1, activation: 'relu', parameterization: 'ntk', wStd: W_STD, bStd: B_STD };
}

/** 2 × multiply–adds of one step: forward h·W, backward g·Wᵀ (not into the input), weight gradients hᵀ·g. */
function gdStepFlops(n: number, spec: MlpSpec): number {
  const sizes = [spec.inputDim, ...Array<number>(spec.depth).fill(spec.width), spec.outputs];
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) f += 2 * n * sizes[l] * sizes[l + 1] * (l === 0 ? 2 : 3);
  return f;
}

/** Waits for every queued kernel (a read of the newest small tensor drains the device queue). */
async function drain(tp: TfParams): Promise<void> {
  await tp.biases[tp.biases.length - 1].data();
}

// ---- check: agreement with a reference backend, memory over many steps -------------------------

async function checkSection(sel: SelectedBackend, s: Sizes['check'], quick: boolean): Promise<unknown> {
  const refName: BackendName = sel.backend === 'wasm' ? 'cpu' : 'wasm';
  const spec = mlp(2, s.width, 2);
  const params = initParams(spec, 0);
  const x = gaussianInputs(s.n, 2, 1);
  const data = {
    xTrain: x,
    yTrain: gaussianInputs(s.n, 1, 2),
    xTest: gaussianInputs(16, 2, 3),
    yTest: gaussianInputs(16, 1, 4),
  };
  const opts = { lr: LR, steps: s.trainSteps, logEvery: 10 };

  const kOurs = await empiricalNtk(params, x);
  const lOurs = (await train(params, data, opts)).log;
  let agreement: Record<string, unknown>;
  try {
    await selectBackend(refName);
    const kRef = await empiricalNtk(params, x);
    const lRef = (await train(params, data, opts)).log;
    const lossRel = Math.max(
      ...lOurs.map((e, i) => Math.abs(e.trainLoss - lRef[i].trainLoss) / Math.abs(lRef[i].trainLoss)),
    );
    const kernelRel = relFrobenius(kOurs, kRef);
    agreement = {
      reference: refName,
      n: s.n,
      width: s.width,
      depth: 2,
      kernel_rel_err: round(kernelRel),
      kernel_ok: kernelRel <= 1e-4,
      train_steps: s.trainSteps,
      max_loss_rel_err: round(lossRel),
      loss_ok: lossRel <= 1e-3,
    };
  } catch (e) {
    agreement = { reference: refName, error: errorOf(e) };
  } finally {
    await selectBackend(sel.backend as BackendName);
  }

  // Memory: tensors and bytes at every in-loop log step of a long run (the final log is taken
  // after the loop, with no gradients alive, so it is compared with the state before training).
  const before = tf.memory();
  const seen: { step: number; tensors: number; bytes: number }[] = [];
  const t0 = performance.now();
  await train(params, data, {
    lr: LR,
    steps: s.memorySteps,
    logEvery: quick ? 20 : 50,
    onLog: (entry) => {
      const m = tf.memory();
      seen.push({ step: entry.step, tensors: m.numTensors, bytes: m.numBytes });
    },
  });
  const wall = ms(t0);
  const after = tf.memory();
  const inLoop = seen.filter((m) => m.step < s.memorySteps);
  const flat = inLoop.every((m) => m.tensors === inLoop[0].tensors && m.bytes === inLoop[0].bytes);
  return {
    agreement,
    memory: {
      steps: s.memorySteps,
      width: s.width,
      wall_ms: round(wall),
      tensors_at_logs: [...new Set(inLoop.map((m) => m.tensors))],
      bytes_at_logs: [...new Set(inLoop.map((m) => m.bytes))],
      leftover_tensors: after.numTensors - before.numTensors,
      flat: flat && after.numTensors === before.numTensors,
    },
  };
}

// ---- gd: one full-batch gradient step -----------------------------------------------------------

async function gdSection(s: Sizes['gd']): Promise<unknown[]> {
  const out: unknown[] = [];
  const x = matToTensor(gaussianInputs(s.n, s.dim, 0));
  const y = matToTensor(gaussianInputs(s.n, 1, 1));
  const act = tfActivation('relu');
  try {
    for (const width of s.widths) {
      const spec = mlp(s.dim, width, s.depth);
      let tp: TfParams | undefined;
      try {
        tp = paramsToTensors(initParams(spec, 0));
        const step = (withLoss: boolean): tf.Scalar | undefined => {
          const g = lossGradients(spec, tp!, x, y, act, { scale: -LR, withLoss });
          tp = applyScaledGradients(tp!, g);
          return g.loss;
        };
        const roundNoRead = async (): Promise<void> => {
          for (let i = 0; i < s.steps; i++) step(false);
          await drain(tp!);
        };
        const roundReadEvery = async (): Promise<void> => {
          for (let i = 0; i < s.steps; i++) {
            const loss = step(true)!;
            await loss.data();
            loss.dispose();
          }
        };
        await roundNoRead(); // warm-up: shader compilation, buffer pools, XNNPACK packing
        await roundReadEvery();
        const times: number[] = [];
        const timesRead: number[] = [];
        for (let r = 0; r < s.reps; r++) {
          let t0 = performance.now();
          await roundNoRead();
          times.push(ms(t0) / s.steps);
          t0 = performance.now();
          await roundReadEvery();
          timesRead.push(ms(t0) / s.steps);
        }
        const step_ms = median(times);
        const entry = {
          n: s.n,
          dim: s.dim,
          depth: s.depth,
          width,
          steps_per_round: s.steps,
          step_ms: round(step_ms),
          step_ms_loss_read_every_step: round(median(timesRead)),
          gflops: round(gdStepFlops(s.n, spec) / step_ms / 1e6, 3),
        };
        out.push(entry);
        log(
          `gd width ${width}: ${entry.step_ms} ms/step (${entry.step_ms_loss_read_every_step} reading the loss every step)`,
        );
      } catch (e) {
        out.push({ n: s.n, depth: s.depth, width, error: errorOf(e) });
        log(`gd width ${width}: ${errorOf(e)}`);
      } finally {
        if (tp) disposeTfParams(tp);
      }
    }
  } finally {
    tf.dispose([x, y]);
  }
  return out;
}

// ---- ntk: the structured empirical NTK ------------------------------------------------------------

async function ntkSection(s: Sizes['ntk']): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const n of s.ns) {
    const x = gaussianInputs(n, s.dim, 0);
    for (const width of s.widths) {
      const spec = mlp(s.dim, width, s.depth);
      const params = initParams(spec, 0);
      let tp: TfParams | undefined;
      try {
        tp = paramsToTensors(params);
        await empiricalNtkOfTensors(spec, tp, x); // warm-up, and the parameters are now on the device
        const resident: number[] = [];
        for (let r = 0; r < s.reps; r++) {
          const t0 = performance.now();
          await empiricalNtkOfTensors(spec, tp, x);
          resident.push(ms(t0));
        }
        const t0 = performance.now();
        await empiricalNtk(params, x); // what a trial's snapshot costs: upload, kernel, readback
        const withUpload = ms(t0);
        const entry = {
          n,
          depth: s.depth,
          width,
          ms: round(median(resident)),
          ms_with_param_upload: round(withUpload),
        };
        out.push(entry);
        log(`ntk N ${n} width ${width}: ${entry.ms} ms (${entry.ms_with_param_upload} with the upload)`);
      } catch (e) {
        out.push({ n, depth: s.depth, width, error: errorOf(e) });
        log(`ntk N ${n} width ${width}: ${errorOf(e)}`);
      } finally {
        if (tp) disposeTfParams(tp);
      }
    }
  }
  return out;
}

// ---- trial: one quickstart-sized trial end to end ---------------------------------------------------

/** configs/quickstart.yaml from the working folder or a parent (on a GPU host the entry runs in .gpu/). */
function findConfig(given?: string): string {
  if (given) return given;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const f = path.join(dir, 'configs', 'quickstart.yaml');
    if (existsSync(f)) return f;
    if (path.dirname(dir) === dir)
      throw new Error('configs/quickstart.yaml not found from the working folder up (pass --config)');
  }
}

async function trialOn(backend: BackendName, s: Sizes['trial'], configFile: string): Promise<unknown> {
  const loaded = loadConfig(configFile);
  const assignments = [
    { path: 'model.width', value: s.width },
    { path: 'model.depth', value: s.depth },
    { path: 'seed', value: 0 },
    ...(s.steps !== undefined ? [{ path: 'train.steps', value: s.steps }] : []),
  ];
  const config = resolveTrial(loaded, assignments);
  const timings = emptyTimings();
  const t0 = performance.now();
  const tables = await computeTrial(config, {
    configDir: loaded.dir,
    sweepId: 'bench-gpu',
    trialId: `bench-gpu-${backend}`,
    analyticId: null,
    backend,
    timings,
  });
  const wall = ms(t0) / 1000;
  const row = tables.trials;
  return {
    backend,
    device: row.device,
    status: row.status,
    width: s.width,
    depth: s.depth,
    steps: config.train.steps,
    n_train: config.dataset.nTrain,
    snapshots: config.ntk.snapshots.filter((t) => t <= config.train.steps),
    wall_s: round(wall),
    phases_s: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v, 3)])),
    final_train_loss: row.final_train_loss,
    final_kernel_rel_err: row.final_kernel_rel_err,
  };
}

async function trialSection(sel: SelectedBackend, s: Sizes['trial'], configFile?: string): Promise<unknown> {
  const file = findConfig(configFile);
  const runs: unknown[] = [];
  const names: BackendName[] = sel.backend === 'wasm' ? ['wasm'] : [sel.backend as BackendName, 'wasm'];
  for (const b of names) {
    try {
      runs.push(await trialOn(b, s, file));
      log(`trial on ${b}: ${JSON.stringify((runs[runs.length - 1] as { wall_s: number }).wall_s)} s`);
    } catch (e) {
      runs.push({ backend: b, error: errorOf(e) });
      log(`trial on ${b}: ${errorOf(e)}`);
    }
  }
  await selectBackend(sel.backend as BackendName);
  const [ours, cpu] = runs as { wall_s?: number }[];
  return {
    config: path.basename(file),
    runs,
    speedup_vs_wasm: ours?.wall_s && cpu?.wall_s ? round(cpu.wall_s / ours.wall_s, 3) : null,
  };
}

// ---- peers ---------------------------------------------------------------------------------------------

function findPeerScript(): string | undefined {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const f = path.join(dir, 'bench', 'peers', 'gpu_jax_torch.py');
    if (existsSync(f)) return f;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function runPeers(python: string, sizes: Sizes, only: Section[]): Record<string, unknown> {
  const script = findPeerScript();
  if (!script) return { error: 'bench/peers/gpu_jax_torch.py not found from the working folder up' };
  const input = {
    ...(only.includes('gd') ? { gd: { ...sizes.gd, lr: LR } } : {}),
    ...(only.includes('ntk') ? { ntk: sizes.ntk } : {}),
  };
  log(`peers: ${python} ${script}`);
  const r = spawnSync(python, [script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: 30 * 60_000,
  });
  if (r.error) return { error: `${python}: ${r.error.message}` };
  if (r.status !== 0)
    return {
      error: `${path.basename(script)} exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    return { error: `${path.basename(script)} printed no JSON: ${last.slice(0, 200)}` };
  }
}

interface PeerRows {
  gd?: { width: number; step_ms: number }[];
  ntk?: { n: number; width: number; ms: number }[];
}

/** ours / peer per entry (> 1: ours is slower). */
function ratios(result: Record<string, unknown>, peers: Record<string, PeerRows | { error: string }>): unknown {
  const gd = (result.gd ?? []) as { width: number; step_ms?: number }[];
  const ntk = (result.ntk ?? []) as { n: number; width: number; ms?: number }[];
  const out: Record<string, unknown[]> = { gd: [], ntk: [] };
  for (const g of gd) {
    const row: Record<string, number | null> = { width: g.width };
    for (const [name, p] of Object.entries(peers)) {
      const m = 'gd' in p ? p.gd?.find((r) => r.width === g.width) : undefined;
      row[`ours_over_${name}`] = g.step_ms !== undefined && m ? round(g.step_ms / m.step_ms, 3) : null;
    }
    out.gd.push(row);
  }
  for (const k of ntk) {
    const p = peers.jax;
    const m = p && 'ntk' in p ? p.ntk?.find((r) => r.n === k.n && r.width === k.width) : undefined;
    out.ntk.push({ n: k.n, width: k.width, ours_over_jax: k.ms !== undefined && m ? round(k.ms / m.ms, 3) : null });
  }
  return out;
}

// ---- the entry point ----------------------------------------------------------------------------------

export async function benchGpu(opts: Options): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    host: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memory_gib: round(os.totalmem() / 2 ** 30, 3),
    },
    requested_backend: opts.backend,
  };
  let sel: SelectedBackend;
  let quick = opts.quick;
  try {
    sel = await selectBackend(opts.backend);
  } catch (e) {
    result.requested_backend_error = errorOf(e);
    log(`${opts.backend} did not start: ${errorOf(e)}; falling back to auto with the quick sizes`);
    sel = await selectBackend('auto');
    quick = true;
  }
  const sizes = quick ? QUICK : FULL;
  Object.assign(result, { backend: sel.backend, device: sel.device, sizes: quick ? 'quick' : 'full' });
  log(`on ${sel.backend}: ${sel.device} (${quick ? 'quick' : 'full'} sizes)`);

  const sections: Record<Section, () => Promise<unknown>> = {
    check: () => checkSection(sel, sizes.check, quick),
    gd: () => gdSection(sizes.gd),
    ntk: () => ntkSection(sizes.ntk),
    trial: () => trialSection(sel, sizes.trial, opts.config),
  };
  for (const name of opts.only) {
    const t0 = performance.now();
    try {
      result[name] = await sections[name]();
    } catch (e) {
      result[name] = { error: errorOf(e) };
    }
    log(`${name} done in ${(ms(t0) / 1000).toFixed(1)} s`);
  }
  if (opts.peers) {
    const peers = runPeers(opts.peers, sizes, opts.only);
    result.peers = peers;
    if (!('error' in peers)) result.ratios = ratios(result, peers as Record<string, PeerRows>);
  }
  return result;
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'webgpu' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string', default: SECTIONS.join(',') },
      peers: { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  const backend = values.backend as BackendName;
  if (!BACKEND_NAMES.includes(backend))
    throw new Error(`--backend: expected one of ${BACKEND_NAMES.join(', ')}, got '${values.backend}'`);
  const only = values.only
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const s of only)
    if (!SECTIONS.includes(s as Section))
      throw new Error(`--only: unknown section '${s}' (expected ${SECTIONS.join(', ')})`);
  return { backend, quick: values.quick, only: only as Section[], peers: values.peers, config: values.config };
}

/**
 * `npm run bench` (bench/index.ts): the full run where a GPU backend starts, else the quick sizes on
 * wasm (seconds), so that the entry point is exercised on every machine.
 */
export async function run(): Promise<void> {
  console.log(JSON.stringify(await benchGpu({ backend: 'webgpu', quick: false, only: [...SECTIONS] }), null, 2));
}

/** Run as a script (tsx bench/gpu.ts, or bundled as .gpu/app.cjs), not when imported by bench/index.ts. */
function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const name = path.basename(realpathSync(entry));
  return name === 'gpu.ts' || name === 'app.cjs';
}

// No top-level await: the GPU bundle is CommonJS, which has none.
if (invokedDirectly()) {
  Promise.resolve()
    .then(() => benchGpu(parseOptions(process.argv.slice(2))))
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((e: unknown) => {
      console.error(`bench/gpu.ts: ${errorOf(e)}`);
      process.exitCode = 2;
    });
}
