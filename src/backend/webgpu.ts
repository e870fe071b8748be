/**
 * The WebGPU backend in Node.js: Dawn through the optional `webgpu` npm package (dawn.node) on
 * Vulkan (DESIGN §9). TensorFlow.js's WebGPU backend registers itself only when it is imported
 * with `navigator.gpu` already present, so the order below matters: the Dawn bindings first, then
 * `navigator.gpu`, then an adapter check, then the backend module.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import type { SelectedBackend } from './select.js';

/** The package name as a variable, so TypeScript and bundlers do not require it to be installed. */
const DAWN_PACKAGE = 'webgpu';

const HOW_TO = "install the Dawn bindings with `npm install webgpu` and make sure the Vulkan loader " +
  '(libvulkan1) and a GPU driver with Vulkan support (NVIDIA: the graphics capability in containers) are present';

interface AdapterInfoLike { vendor?: string; architecture?: string; device?: string; description?: string }
interface AdapterLike { info?: AdapterInfoLike; requestAdapterInfo?: () => Promise<AdapterInfoLike> }
interface GpuLike { requestAdapter(opts?: { powerPreference?: string }): Promise<AdapterLike | null> }
interface DawnModule { create(flags: string[]): GpuLike; globals: Record<string, unknown> }

/** Puts `navigator.gpu` in place (Node 20 has no navigator; Node ≥ 21 has one without `gpu`). */
function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

/** Starts TensorFlow.js's WebGPU backend on the first Dawn adapter; BackendError says what is missing. */
export async function initWebGpu(): Promise<SelectedBackend> {
  let gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) {
    let dawn: DawnModule;
    try {
      dawn = (await import(DAWN_PACKAGE)) as DawnModule;
    } catch (e) {
      throw new BackendError(
        `webgpu backend unavailable: the 'webgpu' npm package (Dawn for Node.js) is not installed ` +
          `(${(e as Error).message.split('\n')[0]}); ${HOW_TO}`,
      );
    }
    Object.assign(globalThis, dawn.globals); // GPUBufferUsage and friends, used by the tfjs backend
    gpu = dawn.create((process.env.NTK_DAWN_FLAGS ?? '').split(',').filter((s) => s.length > 0));
    installNavigatorGpu(gpu);
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new BackendError(`webgpu backend unavailable: requesting a GPU adapter failed (${(e as Error).message}); ${HOW_TO}`);
  }
  if (!adapter) {
    throw new BackendError(`webgpu backend unavailable: Dawn found no GPU adapter (no Vulkan device); ${HOW_TO}`);
  }
  const info: AdapterInfoLike = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' now that navigator.gpu exists
  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (e) {
    throw new BackendError(`webgpu backend failed to start on the adapter: ${(e as Error).message}`);
  }
  if (!ok) throw new BackendError('webgpu backend failed to start on the adapter (see the warning above)');
  const words = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return { backend: 'webgpu', device: `gpu (webgpu${words.length ? ': ' + words.join(' ') : ''})` };
}
