/**
 * The names of the compute backends, apart from their implementations (src/backend/select.ts), so
 * that the config schema and the CLI's flags can name them without loading TensorFlow.js.
 */
export type BackendName = 'auto' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
