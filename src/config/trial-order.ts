/**
 * The order a page of trials is started in: longest first, by the estimated floating-point work
 * of ./estimate.ts (ties keep the grid's order). With several executors, a page started in grid
 * order ends on its widest trials, one executor computing while the others idle; longest first,
 * the page ends on short trials that fill the gaps (longest-processing-time scheduling).
 */
import { estimateTrial, sizesOf } from './estimate.js';
import { resolvePoint, type TrialPoint } from './expand.js';
import type { LoadedConfig } from './loader.js';

/** `trials` (grid points by index) sorted by estimated work, largest first; a new array. */
export function longestFirst<T extends { index: number }>(
  loaded: LoadedConfig,
  points: readonly TrialPoint[],
  trials: readonly T[],
): T[] {
  const work = new Map<number, number>();
  for (const t of trials) work.set(t.index, estimateTrial(sizesOf(resolvePoint(loaded, points[t.index]))).flops);
  return [...trials].sort((a, b) => work.get(b.index)! - work.get(a.index)! || a.index - b.index);
}
