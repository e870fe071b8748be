/**
 * The linearised network's outputs at a trial's logged steps (docs/design.md §4): f_t(X) and f_t(X*) from
 * a {@link GdPredictor} (Θ_∞ or Θ̂₀, from the network's own f₀). Steps are asked for in increasing
 * order; they are predicted in chunks so that the M × N product Θ(X*, X)V is formed once per chunk,
 * not once per step, while memory stays bounded however long the run.
 */
import type { Mat } from '../linalg/mat.js';
import type { GdPredictor } from '../predict/gd-prediction.js';

/** Steps predicted per call of the predictor. */
const CHUNK = 64;

export interface LinearOutputs {
  train: Mat;
  test?: Mat;
}

export class LinearPredictions {
  private readonly cache = new Map<number, LinearOutputs>();
  private next = 0;

  /**
   * @param steps the steps that will be asked for, ascending (the logged steps from the first on).
   */
  constructor(
    private readonly predictor: GdPredictor,
    private readonly fTrain0: Mat,
    private readonly test: { thetaTestTrain: Mat; fTest0: Mat } | undefined,
    private readonly steps: readonly number[],
  ) {}

  /** f_t on the train and test points. */
  at(t: number): LinearOutputs {
    const hit = this.cache.get(t);
    if (hit) return hit;
    const i = this.steps.indexOf(t, this.next);
    if (i < 0) return this.predict([t])[0];
    this.cache.clear();
    const chunk = this.steps.slice(i, i + CHUNK);
    this.predict(chunk).forEach((o, j) => this.cache.set(chunk[j], o));
    this.next = i + chunk.length;
    return this.cache.get(t)!;
  }

  private predict(steps: number[]): LinearOutputs[] {
    const p = this.predictor.predict(steps, this.fTrain0, this.test);
    return steps.map((_, j) => (p.test ? { train: p.train[j], test: p.test[j] } : { train: p.train[j] }));
  }
}
