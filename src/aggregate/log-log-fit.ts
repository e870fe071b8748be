/**
 * Power laws in width: the least-squares line log(m) = intercept + slope·log(width) through
 * per-width means, and a percentile bootstrap CI of the slope that resamples seeds within each
 * width (the trials of one width are exchangeable; widths are the design, so they are kept).
 * At initialisation the NTK's relative error falls as width^−1/2 (docs/design.md §5; Jacot et al. 2018,
 * arXiv:1806.07572; Lee et al. 2019, arXiv:1902.06720), so slopes are read against −0.5.
 */

export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 when the points lie on the line (also when y is constant). */
  r2: number;
}

/** Ordinary least squares of y on x (at least two distinct x). */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const ssRes = Math.max(0, syy - slope * sxy);
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : 1 - ssRes / syy };
}

/** The slope alone (the bootstrap's inner loop). */
function slopeOf(x: Float64Array, y: Float64Array): number {
  return fitLine(x, y).slope;
}

/**
 * Resampling plan of one group: for each of `resamples` replicates and each width, which of that
 * width's seeds are drawn (with replacement). Shared by every metric of the group, so that a
 * replicate resamples whole trials, and drawn once (the draws dominate the cost).
 */
export interface ResamplePlan {
  resamples: number;
  /** Seeds per width. */
  counts: readonly number[];
  /** Offsets of each width's draws within one replicate (prefix sums of counts). */
  offsets: Int32Array;
  /** Draws per replicate = Σ counts. */
  stride: number;
  /** resamples × stride seed indices, replicate-major. */
  draws: Int32Array;
}

/** Draws the plan with a uniform [0, 1) source (seeded by the caller, so results are reproducible). */
export function makeResamplePlan(counts: readonly number[], resamples: number, uniform: () => number): ResamplePlan {
  const offsets = new Int32Array(counts.length + 1);
  counts.forEach((c, i) => (offsets[i + 1] = offsets[i] + c));
  const stride = offsets[counts.length];
  const draws = new Int32Array(resamples * stride);
  for (let b = 0; b < resamples; b++) {
    for (let w = 0; w < counts.length; w++) {
      const base = b * stride + offsets[w];
      for (let k = 0; k < counts[w]; k++) draws[base + k] = Math.floor(uniform() * counts[w]);
    }
  }
  return { resamples, counts, offsets, stride, draws };
}

export interface BootstrapCI {
  low: number;
  high: number;
  /** Replicates with a positive mean at every width (the others have no log and are dropped). */
  used: number;
}

/** Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap CI (level `level`) of the log-log slope through per-width means.
 * `values[w][k]` is seed k's value at width w of the plan (NaN where that trial has none; a
 * replicate whose draws at some width are all NaN, or whose mean there is ≤ 0, is dropped).
 * `logWidths[w]` = log(width w); only widths listed in `use` take part.
 */
export function bootstrapSlopeCI(
  plan: ResamplePlan,
  values: readonly Float64Array[],
  logWidths: readonly number[],
  use: readonly number[],
  level = 0.95,
): BootstrapCI {
  const x = Float64Array.from(use, (w) => logWidths[w]);
  const y = new Float64Array(use.length);
  const slopes = new Float64Array(plan.resamples);
  let used = 0;
  replicates: for (let b = 0; b < plan.resamples; b++) {
    for (let j = 0; j < use.length; j++) {
      const w = use[j];
      const v = values[w];
      const base = b * plan.stride + plan.offsets[w];
      let sum = 0;
      let m = 0;
      for (let k = 0; k < plan.counts[w]; k++) {
        const value = v[plan.draws[base + k]];
        if (value === value) {
          sum += value;
          m++;
        }
      }
      if (m === 0 || sum <= 0) continue replicates;
      y[j] = Math.log(sum / m);
    }
    slopes[used++] = slopeOf(x, y);
  }
  if (used === 0) return { low: Number.NaN, high: Number.NaN, used };
  const sorted = slopes.subarray(0, used).sort();
  const alpha = (1 - level) / 2;
  return { low: quantileSorted(sorted, alpha), high: quantileSorted(sorted, 1 - alpha), used };
}
