/**
 * Choosing and initialising the TensorFlow.js compute backend (docs/design.md §9).
 *
 * `wasm` is the CPU default (XNNPACK, SIMD), `cpu` the slow pure-JS reference, `webgpu` the GPU
 * path through Dawn (the optional `webgpu` npm package on Vulkan) and `tensorflow` the optional
 * libtensorflow bindings (`@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node`). `auto` takes the
 * first of webgpu, tensorflow, wasm, cpu that initialises.
 *
 * Every other TensorFlow.js module of the core calls {@link ensureBackend} before computing, so a
 * plain script works without choosing; a worker calls {@link selectBackend} once at start-up.
 */
import * as tf from '@tensorflow/tfjs-core';
// A named import, not a bare one: the package declares itself free of side effects, so bundlers
// (esbuild for a GPU host) drop a bare import and the backend with it.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BackendError } from '../errors.js';
import { initWebGpu } from './webgpu.js';
import { initTensorflow } from './tensorflow.js';
import { BACKEND_NAMES, type BackendName } from './names.js';

export { BACKEND_NAMES, type BackendName };

/** The backend in use and a human-readable description of the device, as recorded per trial. */
export interface SelectedBackend {
  /** TensorFlow.js backend name (`wasm`, `cpu`, `webgpu`, `tensorflow`). */
  backend: string;
  /** e.g. `cpu (wasm simd, 1 thread)` or `gpu (webgpu: NVIDIA H100 80GB HBM3; nvidia hopper)`. */
  device: string;
  /**
   * For `auto`: why each backend tried before this one did not start, one line each
   * (`webgpu: …`), for the worker or CLI to print as a note. Absent when nothing was skipped.
   */
  skipped?: string[];
  /** The same in a few words: `webgpu skipped: no Vulkan loader (libvulkan.so.1)`, one per skipped backend. */
  skippedShort?: string[];
}

/** What a display prints once about `auto`'s choice: `webgpu skipped: no Vulkan loader (libvulkan.so.1); using wasm`. */
export function skippedNotes(sel: SelectedBackend): string[] {
  return (sel.skippedShort ?? []).map((s) => `${s}; using ${sel.backend}`);
}

/** The order `auto` tries. */
const AUTO_ORDER: readonly Exclude<BackendName, 'auto'>[] = ['webgpu', 'tensorflow', 'wasm', 'cpu'];

/** One initialisation per concrete backend and process; a failed one is remembered too. */
const initialised = new Map<string, Promise<SelectedBackend>>();
let current: SelectedBackend | undefined;
let wasmPathsSet = false;

/**
 * Makes `name` the active TensorFlow.js backend and says which device it runs on.
 * Idempotent: asking again for the active backend returns at once with the same answer.
 * Throws {@link BackendError} with what is missing when the backend cannot start here.
 *
 * @example
 * const { backend, device } = await selectBackend('auto'); // e.g. 'wasm', 'cpu (wasm simd, 1 thread)'
 */
export async function selectBackend(name: BackendName): Promise<SelectedBackend> {
  if (name === 'auto') {
    const reasons: string[] = [];
    const short: string[] = [];
    for (const candidate of AUTO_ORDER) {
      try {
        const sel = await selectBackend(candidate);
        return reasons.length > 0 ? { ...sel, skipped: reasons, skippedShort: short } : sel;
      } catch (e) {
        reasons.push(`${candidate}: ${(e as Error).message}`);
        short.push(
          `${candidate} skipped: ${e instanceof BackendError ? e.short : (e as Error).message.split('\n')[0]}`,
        );
      }
    }
    throw new BackendError(`no TensorFlow.js backend could be initialised:\n  ${reasons.join('\n  ')}`);
  }
  if (!AUTO_ORDER.includes(name)) {
    throw new BackendError(`unknown backend '${String(name)}' (expected one of ${BACKEND_NAMES.join(', ')})`);
  }
  let ready = initialised.get(name);
  if (!ready) {
    ready = initialise(name);
    initialised.set(name, ready);
  }
  const sel = await ready;
  if (current?.backend !== sel.backend || tf.getBackend() !== sel.backend) {
    if (!(await tf.setBackend(sel.backend))) {
      throw new BackendError(`TensorFlow.js backend '${sel.backend}' was initialised but could not be activated`);
    }
    current = sel;
  }
  return sel;
}

/** The backend chosen so far, or undefined before the first {@link selectBackend}. */
export function currentBackend(): SelectedBackend | undefined {
  return current;
}

/**
 * Makes sure some backend is active before a computation: the one chosen by {@link selectBackend}
 * if any, else `wasm`, the CPU default (never TensorFlow.js's own priority order, which would try
 * to start the wasm backend without its binary's location).
 */
export async function ensureBackend(): Promise<SelectedBackend> {
  return current ?? selectBackend('wasm');
}

async function initialise(name: Exclude<BackendName, 'auto'>): Promise<SelectedBackend> {
  switch (name) {
    case 'wasm':
      return initWasm();
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new BackendError('the TensorFlow.js cpu backend failed to start');
      // Silence its first-use banner advertising tfjs-node: `backend: tensorflow` is the supported route.
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      return { backend: 'cpu', device: `cpu (tfjs-backend-cpu ${version_cpu}, pure JavaScript)` };
    case 'webgpu':
      return initWebGpu();
    case 'tensorflow':
      return initTensorflow();
  }
}

/**
 * Folder of the wasm binaries: `NTK_WASM_DIR` if set, else the package's `dist/` found through
 * Node's resolver from this module, or from the working directory where this module has no URL
 * (bundled to CommonJS for a GPU host).
 */
export function wasmBinaryDir(): string {
  const override = process.env.NTK_WASM_DIR;
  if (override) return path.resolve(override) + path.sep;
  const from = typeof import.meta.url === 'string' ? import.meta.url : path.join(process.cwd(), 'package.json');
  const pkg = createRequire(from).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

async function initWasm(): Promise<SelectedBackend> {
  if (!wasmPathsSet) {
    let dir: string;
    try {
      dir = wasmBinaryDir();
    } catch (e) {
      throw new BackendError(
        `the TensorFlow.js wasm backend's binaries were not found (${(e as Error).message.split('\n')[0]}); ` +
          'reinstall with `npm ci`, or set NTK_WASM_DIR to the folder holding tfjs-backend-wasm*.wasm',
      );
    }
    // Must precede the backend's first initialisation; in Node the prefix is a file path.
    setWasmPaths(dir);
    wasmPathsSet = true;
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    throw new BackendError(`the TensorFlow.js wasm backend failed to start: ${(e as Error).message}`);
  }
  if (!ok) throw new BackendError(`the TensorFlow.js wasm backend failed to start (binaries in ${wasmBinaryDir()})`);
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const threads = getThreadsCount();
  return {
    backend: 'wasm',
    device: `cpu (wasm${simd ? ' simd' : ''}, ${threads} thread${threads === 1 ? '' : 's'})`,
  };
}
