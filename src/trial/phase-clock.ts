/** Accumulates the seconds a trial spends in each of its parts ({@link TrialTimings}). */
import type { TrialTimings } from './types.js';

export function emptyTimings(): TrialTimings {
  return { setup: 0, train: 0, metrics: 0, snapshots: 0, analytic: 0, predictions: 0, checkpoints: 0 };
}

export class PhaseClock {
  readonly timings: TrialTimings;

  constructor(into?: TrialTimings) {
    this.timings = into ?? emptyTimings();
  }

  /** Runs fn and adds its duration to `phase`. */
  async time<T>(phase: keyof TrialTimings, fn: () => T | Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[phase] += (performance.now() - t0) / 1000;
    }
  }

  /** Seconds spent in every phase but train (what the training loop's callbacks took). */
  outsideTrain(): number {
    const t = this.timings;
    return t.setup + t.metrics + t.snapshots + t.analytic + t.predictions + t.checkpoints;
  }
}
