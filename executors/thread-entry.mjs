// Entry of an executor thread (./pool.ts). The thread loads TypeScript sources, so it registers
// tsx's loader first, as bin/ntk-sweep.js does for the main thread; a built (.js) entry needs none.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
