/**
 * The WebGPU backend in Node.js: Dawn through the optional `webgpu` npm package (dawn.node) on
 * Vulkan (docs/design.md §9). TensorFlow.js's WebGPU backend registers itself only when it is imported
 * with `navigator.gpu` already present, so the order below matters: the Dawn bindings first, an
 * adapter check, then `navigator.gpu` and Dawn's globals, then the backend module. Nothing global
 * is touched unless an adapter exists, so a failed attempt leaves the process as it was.
 *
 * Environment: `NTK_WEBGPU_ADAPTER` picks the adapter whose name contains it (Dawn's `adapter=`
 * flag); `NTK_DAWN_FLAGS` passes further comma-separated Dawn flags (e.g. `backend=vulkan`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BackendError } from '../errors.js';
import type { SelectedBackend } from './select.js';

/** The package name as a variable, so TypeScript and bundlers do not require it to be installed. */
const DAWN_PACKAGE = 'webgpu';

const INSTALL_DAWN = 'install the Dawn bindings with `npm install webgpu`';
const NO_LOADER = 'no Vulkan loader (libvulkan.so.1)';
const INSTALL_LOADER = 'install the Vulkan loader (Debian/Ubuntu: `apt-get install libvulkan1`)';
const NEED_DRIVER =
  'a GPU driver with Vulkan support must be present (NVIDIA: the driver ships its Vulkan ICD; in a ' +
  'container request the graphics capability, e.g. NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics); ' +
  '`vulkaninfo --summary` (package vulkan-tools) lists the devices Vulkan sees';

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
export interface AdapterLike {
  info?: AdapterInfoLike;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
}
export interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
export interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** What initWebGpu reaches outside itself; tests replace what this machine cannot provide. */
export interface WebGpuDeps {
  /** Loads the `webgpu` package (default: a dynamic import). */
  loadDawn: () => Promise<DawnModule>;
  /** Path of the Vulkan loader library if one is found, for the hint in the no-adapter message. */
  findVulkanLoader: () => string | undefined;
}

const defaultDeps: WebGpuDeps = {
  loadDawn: async () => (await import(DAWN_PACKAGE)) as DawnModule,
  findVulkanLoader,
};

/** Dawn flags from the environment. */
export function dawnFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  const flags = (env.NTK_DAWN_FLAGS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const adapter = env.NTK_WEBGPU_ADAPTER?.trim();
  if (adapter) flags.push(`adapter=${adapter}`);
  return flags;
}

/**
 * Where the dynamic linker would find `libvulkan.so.1` (LD_LIBRARY_PATH, then the usual library
 * folders), or undefined. Only used to say which piece is missing, so a miss in an unusual layout
 * costs a less precise message, nothing more.
 */
export function findVulkanLoader(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const dirs = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d.length > 0),
    '/usr/lib/x86_64-linux-gnu',
    '/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/lib64',
    '/usr/lib',
    '/lib',
    '/usr/local/lib',
  ];
  for (const d of dirs) {
    const f = path.join(d, 'libvulkan.so.1');
    if (existsSync(f)) return f;
  }
  return undefined;
}

/** What a probe of Dawn in a child process found: an adapter or not, and what Dawn printed natively. */
export interface DawnProbe {
  adapter: boolean;
  /** Dawn's own stderr (e.g. `Warning: Couldn't load Vulkan: …`), which would otherwise land on ours. */
  native: string;
}

/**
 * Asks Dawn for an adapter in a child process, whose stderr is captured: Dawn writes its warnings
 * from native code to fd 2, past any JavaScript stream. Undefined when the probe could not run
 * (then the in-process attempt reports what is missing).
 */
export function probeDawn(flags: string[]): DawnProbe | undefined {
  let spec = DAWN_PACKAGE;
  try {
    // Resolved here, so the child finds the package whatever its working folder.
    spec = (import.meta as { resolve?: (s: string) => string }).resolve?.(DAWN_PACKAGE) ?? DAWN_PACKAGE;
  } catch {
    return undefined;
  }
  const script =
    `const m = await import(${JSON.stringify(spec)}); const gpu = m.create(${JSON.stringify(flags)}); ` +
    `const a = await gpu.requestAdapter({ powerPreference: 'high-performance' }); process.stdout.write(a ? 'adapter' : 'none'); process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (r.status !== 0 || (r.stdout !== 'adapter' && r.stdout !== 'none')) return undefined;
  return { adapter: r.stdout === 'adapter', native: r.stderr.trim() };
}

/** Dawn's native warning in a few words: `the Vulkan loader did not load (…: file too short)`. */
export function nativeReason(native: string): string | undefined {
  const vk = /Couldn't load Vulkan: ([^\n]*)/.exec(native);
  if (vk) return `the Vulkan loader did not load (${vk[1].trim()})`;
  const first = native.split('\n').find((l) => l.trim().length > 0 && !/^\s+at /.test(l));
  return first?.replace(/^Warning:\s*/, '').trim();
}

/** Puts `navigator.gpu` in place (Node 20 has no navigator; Node ≥ 21 has one without `gpu`). */
function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

/** `gpu (webgpu: NVIDIA H100 80GB HBM3; nvidia hopper)`, from whatever the adapter tells. */
export function describeAdapter(info: AdapterInfoLike): string {
  const name = info.description || info.device || '';
  const kind = [info.vendor, info.architecture].filter((s) => s && s.length > 0).join(' ');
  const words = [name, kind].filter((s) => s.length > 0).join('; ');
  return `gpu (webgpu${words ? ': ' + words : ''})`;
}

/**
 * Starts TensorFlow.js's WebGPU backend on a Dawn adapter and names the device. Throws a
 * {@link BackendError} saying what is missing (the package, the Vulkan loader, a Vulkan device)
 * and how to get it.
 */
export async function initWebGpu(deps: Partial<WebGpuDeps> = {}): Promise<SelectedBackend> {
  const d: WebGpuDeps = { ...defaultDeps, ...deps };
  const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  let gpu = deps.loadDawn ? undefined : existing;
  let dawn: DawnModule | undefined;
  if (!gpu) {
    // Without the loader Dawn only prints its own native warning to fd 2 (over a progress display)
    // before finding no adapter, so the real loader is looked for first and Dawn is not started.
    if (!deps.loadDawn && !deps.findVulkanLoader && process.platform === 'linux' && !findVulkanLoader()) {
      throw new BackendError(
        `webgpu backend unavailable: Dawn found no GPU adapter: the Vulkan loader libvulkan.so.1 is missing; ` +
          `${INSTALL_LOADER}, and ${NEED_DRIVER}`,
        NO_LOADER,
      );
    }
    // With a loader, Dawn may still find nothing and say so natively: ask it in a child first.
    const probe = !deps.loadDawn && !deps.findVulkanLoader ? probeDawn(dawnFlags()) : undefined;
    if (probe && !probe.adapter) {
      const why = nativeReason(probe.native);
      throw new BackendError(
        `webgpu backend unavailable: Dawn found no GPU adapter: the Vulkan loader is present (${findVulkanLoader()}) ` +
          `but Vulkan reports no usable device${why ? ` (Dawn: ${why})` : ''}; ${NEED_DRIVER}`,
        why ?? 'Vulkan reports no usable GPU',
      );
    }
    try {
      dawn = await d.loadDawn();
    } catch (e) {
      throw new BackendError(
        `webgpu backend unavailable: the 'webgpu' npm package (Dawn for Node.js) is not installed ` +
          `(${(e as Error).message.split('\n')[0]}); ${INSTALL_DAWN}; it also needs the Vulkan loader (libvulkan1) ` +
          `and a Vulkan driver: ${NEED_DRIVER}`,
        `the 'webgpu' npm package is not installed`,
      );
    }
    try {
      gpu = dawn.create(dawnFlags());
    } catch (e) {
      throw new BackendError(
        `webgpu backend unavailable: Dawn did not start (${(e as Error).message.split('\n')[0]}); check NTK_DAWN_FLAGS`,
        'Dawn did not start',
      );
    }
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new BackendError(
      `webgpu backend unavailable: requesting a GPU adapter failed (${(e as Error).message.split('\n')[0]}); ` +
        'check NTK_DAWN_FLAGS and NTK_WEBGPU_ADAPTER',
      'requesting a GPU adapter failed',
    );
  }
  if (!adapter) {
    const loader = d.findVulkanLoader();
    const wanted = process.env.NTK_WEBGPU_ADAPTER ? ` named like '${process.env.NTK_WEBGPU_ADAPTER}'` : '';
    throw new BackendError(
      loader
        ? `webgpu backend unavailable: Dawn found no GPU adapter${wanted}: the Vulkan loader is present (${loader}) ` +
            `but Vulkan reports no usable device; ${NEED_DRIVER}`
        : `webgpu backend unavailable: Dawn found no GPU adapter${wanted}: the Vulkan loader libvulkan.so.1 is missing; ` +
            `${INSTALL_LOADER}, and ${NEED_DRIVER}`,
      loader ? 'Vulkan reports no usable GPU' : NO_LOADER,
    );
  }
  const info: AdapterInfoLike = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  if (dawn) {
    Object.assign(globalThis, dawn.globals); // GPUBufferUsage and friends, used by the tfjs backend
    installNavigatorGpu(gpu);
  }
  await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' now that navigator.gpu exists
  if (!tf.findBackendFactory('webgpu')) {
    throw new BackendError(
      'webgpu backend failed to register: @tensorflow/tfjs-backend-webgpu was loaded before navigator.gpu existed ' +
        '(import it only through selectBackend)',
    );
  }
  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (e) {
    throw new BackendError(`webgpu backend failed to start on the adapter: ${(e as Error).message}`);
  }
  if (!ok) throw new BackendError('webgpu backend failed to start on the adapter (see the warning above)');
  return { backend: 'webgpu', device: describeAdapter(info) };
}
