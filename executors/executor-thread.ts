/**
 * The body of one executor: a worker thread with its own TensorFlow.js backend and memory, which
 * runs one trial at a time for the pool (./pool.ts). Progress goes back as messages at every
 * logged step; cancellation comes in through a shared flag read at the same points (the thread is
 * busy computing, so a message would wait until the trial ended).
 */
import { parentPort } from 'node:worker_threads';
import { EXIT_HOOK_ENV, toWire, type FromExecutor, type ToExecutor } from './protocol.js';
import { runTask } from './task.js';

class Cancelled extends Error {}

function exitHook(trialId: string, attempt: number): number | undefined {
  const [id, step] = (process.env[EXIT_HOOK_ENV] ?? '').split('@');
  return attempt === 1 && id === trialId && step !== undefined ? Number(step) : undefined;
}

const port = parentPort!;
const send = (m: FromExecutor): void => port.postMessage(m);

async function handle(m: ToExecutor): Promise<void> {
  const flag = new Int32Array(m.cancel);
  const dieAt = exitHook(m.task.trialId, m.task.attempt);
  try {
    const outcome = await runTask(m.task, {
      onProgress(step, steps) {
        if (dieAt !== undefined && step >= dieAt) process.exit(134);
        send({ kind: 'progress', step, steps });
        if (Atomics.load(flag, 0) === 1) throw new Cancelled();
      },
      onNote: (line) => send({ kind: 'note', line }),
    });
    send({ kind: 'done', outcome });
  } catch (e) {
    // A WebAssembly trap (the wasm backend out of memory, an abort) leaves this backend unusable.
    send(
      e instanceof Cancelled
        ? { kind: 'cancelled' }
        : { kind: 'failed', error: toWire(e), fatal: e instanceof WebAssembly.RuntimeError },
    );
  }
}

// Fire-and-forget: handle() answers every outcome of the task, failures included, as a message.
port.on('message', (m: ToExecutor) => void handle(m));
send({ kind: 'ready' });
