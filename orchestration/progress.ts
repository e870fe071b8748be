/**
 * Showing a sweep's progress (the workflow's `progress` query): a live one-line bar on a terminal,
 * plain periodic lines otherwise, or one JSON object per line with `--json`.
 *
 * While a view is open it owns the terminal: every message of the command goes through
 * {@link noteLine}, which prints it above the bar; once the view is closed nothing is drawn again.
 * The ETA comes from a cost model of the trials still to run ({@link CostEta}), calibrated on the
 * ones that finished while the display watched.
 */
import { expandGrid, resolvePoint } from '../src/config/expand.js';
import type { LoadedConfig } from '../src/config/index.js';
import type { SweepProgress, SweepResult } from '../workflows/shared.js';

export type ProgressMode = 'bar' | 'lines' | 'json';

/** Throughput over the trials this display saw finish. */
export class RateMeter {
  private first?: { t: number; finished: number };
  private last?: { t: number; finished: number };

  /** Trials that ended (ok, diverged or failed), skipped ones excluded: they cost nothing. */
  static finished(p: SweepProgress): number {
    return p.ok + p.diverged + p.failed - p.skipped;
  }

  observe(p: SweepProgress, nowMs = Date.now()): void {
    const sample = { t: nowMs, finished: RateMeter.finished(p) };
    this.first ??= sample;
    this.last = sample;
  }

  /** Trials per second, or undefined before any finished while watched. */
  rate(): number | undefined {
    if (!this.first || !this.last) return undefined;
    const dt = (this.last.t - this.first.t) / 1000;
    const dn = this.last.finished - this.first.finished;
    return dt > 0 && dn > 0 ? dn / dt : undefined;
  }

  /** Seconds to go at the current rate (every trial costing the same). */
  etaS(p: SweepProgress): number | undefined {
    const r = this.rate();
    return r ? (p.pending + p.running) / r : undefined;
  }
}

/** What a trial's cost depends on. */
export interface TrialSize {
  width: number;
  depth: number;
  /** Training points N. */
  n: number;
  steps: number;
  /** Empirical-kernel snapshots (each an N×N kernel through the Jacobian). */
  snapshots: number;
}

/**
 * A trial's cost in arbitrary units: each gradient step touches the N points through the
 * ~width²·(depth−1) weights (plus the first/last layers, ~width·depth), and each kernel snapshot
 * costs about N such passes more.
 */
export function trialCost(t: TrialSize): number {
  const weights = t.width * t.width * Math.max(t.depth - 1, 0) + t.width * (t.depth + 1);
  return t.n * weights * (t.steps + t.snapshots * t.n);
}

/** Above this many trials the display counts trials instead of resolving every point's size. */
const MAX_COSTED_TRIALS = 5000;

/** Each trial's {@link trialCost} in grid order, or undefined for a grid too large to price quickly. */
export function trialCostsOf(loaded: LoadedConfig, opts: { yes?: boolean } = {}): number[] | undefined {
  const points = expandGrid(loaded, opts);
  if (points.length > MAX_COSTED_TRIALS) return undefined;
  return points.map((pt) => {
    const c = resolvePoint(loaded, pt);
    return trialCost({
      width: c.model.width,
      depth: c.model.depth,
      n: c.dataset.nTrain,
      steps: c.train.steps,
      snapshots: c.ntk.snapshots.length,
    });
  });
}

/**
 * ETA from a cost model of the trials still to run. Wall time is modelled as a·trials + b·cost
 * (a: the fixed part of a trial — start-up, data, tables; b: seconds per cost unit, parallelism
 * included), fitted by least squares on the trials that finished while the display watched, and
 * applied to the remaining ones. Trials run in grid order, so the first `finished` (after those
 * already complete) are taken as the finished ones. On a width-ordered grid this waits for the
 * expensive tail, where counting trials would not.
 */
export class CostEta {
  private readonly prefix: number[];
  private first?: { t: number; n: number };
  /** Since the first observation: seconds, trials finished, their cost; one per change of `n`. */
  private readonly samples: { dt: number; dn: number; dc: number }[] = [];

  /** `costs`: one per trial in grid order ({@link trialCost}). */
  constructor(costs: readonly number[]) {
    this.prefix = [0];
    for (const c of costs) this.prefix.push(this.prefix[this.prefix.length - 1] + c);
  }

  /** Cost of the first `k` trials of those this run executes. */
  private costOf(k: number): number {
    return this.prefix[Math.max(0, Math.min(k, this.prefix.length - 1))];
  }

  observe(p: SweepProgress, nowMs = Date.now()): void {
    const n = RateMeter.finished(p);
    this.first ??= { t: nowMs, n };
    const dn = n - this.first.n;
    const last = this.samples[this.samples.length - 1];
    if (dn <= 0 || (last && last.dn === dn)) return;
    this.samples.push({ dt: (nowMs - this.first.t) / 1000, dn, dc: this.costOf(n) - this.costOf(this.first.n) });
  }

  /** (a, b) of the model, both ≥ 0; undefined before a trial finished while watched. */
  private fit(): { a: number; b: number } | undefined {
    const xs = this.samples;
    if (xs.length === 0) return undefined;
    let nn = 0,
      cc = 0,
      nc = 0,
      tn = 0,
      tc = 0;
    for (const { dt, dn, dc } of xs) {
      nn += dn * dn;
      cc += dc * dc;
      nc += dn * dc;
      tn += dt * dn;
      tc += dt * dc;
    }
    const det = nn * cc - nc * nc;
    if (xs.length >= 2 && det > 1e-12 * nn * cc) {
      const a = (tn * cc - tc * nc) / det;
      const b = (tc * nn - tn * nc) / det;
      if (a >= 0 && b >= 0) return { a, b };
    }
    // One parameter: whichever of count and cost alone fits the samples better.
    const onlyA = { a: tn / nn, b: 0 };
    const onlyB = { a: 0, b: cc > 0 ? tc / cc : 0 };
    const sse = (m: { a: number; b: number }) => xs.reduce((s, x) => s + (x.dt - m.a * x.dn - m.b * x.dc) ** 2, 0);
    return xs.length >= 2 && cc > 0 && sse(onlyB) < sse(onlyA) ? onlyB : onlyA;
  }

  /** Seconds to go, or undefined before a trial finished while watched. */
  etaS(p: SweepProgress): number | undefined {
    const m = this.fit();
    if (!m) return undefined;
    // Trials already complete (skipped) are not run: the grid's first total − skipped is this run's work.
    const toRun = Math.max(0, p.total - p.skipped);
    const finished = Math.min(RateMeter.finished(p), toRun);
    return m.a * (toRun - finished) + m.b * Math.max(0, this.costOf(toRun) - this.costOf(finished));
  }
}

/** Throughput and ETA of a display: cost-based when the trials' sizes are known, else by count. */
class Meters {
  readonly rate = new RateMeter();
  private readonly cost?: CostEta;
  constructor(costs?: readonly number[]) {
    if (costs && costs.length > 0) this.cost = new CostEta(costs);
  }
  observe(p: SweepProgress): void {
    const now = Date.now();
    this.rate.observe(p, now);
    this.cost?.observe(p, now);
  }
  etaS(p: SweepProgress): number | undefined {
    if (p.phase === 'finished') return 0;
    return this.cost ? this.cost.etaS(p) : this.rate.etaS(p);
  }
}

/** The progress a finished sweep's result amounts to (the last update of a display). */
export function progressOfResult(r: SweepResult, startedAt: string): SweepProgress {
  const finished = r.ok + r.diverged + r.failed;
  return {
    ...r,
    running: 0,
    pending: r.total - finished,
    maxParallel: 0,
    phase: 'finished',
    paused: false,
    cancelling: false,
    startedAt,
    run: r.runs,
  };
}

export function formatDuration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(r: number | undefined): string {
  if (r === undefined) return '–';
  return r >= 10 ? `${r.toFixed(0)}/s` : r >= 0.1 ? `${r.toFixed(2)}/s` : `${(r * 60).toFixed(2)}/min`;
}

function state(p: SweepProgress): string {
  if (p.cancelling) return 'cancelling';
  if (p.paused) return 'paused';
  return p.phase;
}

/** One line: `quickstart-1a2b: 12/30 done (1 diverged), 2 running, 0 failed, 16 pending · 0.5/s · ETA 32s`. */
export function progressLine(
  p: SweepProgress,
  meter?: { rate(): number | undefined; etaS(p: SweepProgress): number | undefined },
): string {
  if (p.total === 0) return `${p.sweepId} [${state(p)}]`;
  const done = p.ok + p.diverged;
  const div = p.diverged ? ` (${p.diverged} diverged)` : '';
  const skipped = p.skipped ? `, ${p.skipped} already complete` : '';
  const tail = meter ? ` · ${formatRate(meter.rate())} · ETA ${formatDuration(meter.etaS(p))}` : '';
  return (
    `${p.sweepId} [${state(p)}]: ${done}/${p.total} done${div}, ${p.running} running, ${p.failed} failed, ` +
    `${p.pending} pending${skipped}${tail}`
  );
}

/** The progress as a JSON object (snake_case, as the tables), with throughput and ETA. */
/** The trial counts of a running sweep as both JSON outputs name them (`run --json` lines, `status --json`). */
export function progressCounts(p: SweepProgress) {
  return {
    total: p.total,
    done: p.ok + p.diverged,
    ok: p.ok,
    diverged: p.diverged,
    failed: p.failed,
    running: p.running,
    pending: p.pending,
  };
}

export function progressJson(
  p: SweepProgress,
  meter?: { rate(): number | undefined; etaS(p: SweepProgress): number | undefined },
): Record<string, unknown> {
  return {
    sweep_id: p.sweepId,
    phase: p.phase,
    paused: p.paused,
    cancelling: p.cancelling,
    ...progressCounts(p),
    skipped: p.skipped,
    started_at: p.startedAt,
    run: p.run,
    trials_per_s: meter?.rate() ?? null,
    eta_s: meter?.etaS(p) ?? null,
  };
}

export interface ProgressView {
  update(p: SweepProgress): void;
  /** Writes a line above the bar (or as a plain line). */
  note(line: string): void;
  /** Closes the view: the bar is erased and nothing of it is drawn again. */
  stop(): void;
}

/** The open view, through which every message of the command goes while it is open. */
let owner: ProgressView | undefined;

/** Prints a message of the command: above the bar while a view is open, else on stderr. */
export function noteLine(line: string): void {
  if (owner) owner.note(line);
  else process.stderr.write(`${line}\n`);
}

/** Nothing is drawn before the sweep has planned its trials (a `0/1 … [planning]` frame says nothing true). */
function drawable(p: SweepProgress): boolean {
  return p.total > 0;
}

const ERASE_LINE = '\r\x1b[2K';
const BAR_WIDTH = 30;

/** The bar's one line: `████░░░░ 12/30 done | 2 running | 0 failed | 16 pending | 0.50/s | ETA 32s`, cut to `columns`. */
export function barLine(
  p: SweepProgress,
  meter: { rate(): number | undefined; etaS(p: SweepProgress): number | undefined },
  columns = 100,
): string {
  const finished = p.ok + p.diverged + p.failed;
  const filled = Math.round((BAR_WIDTH * finished) / Math.max(p.total, 1));
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const st = p.phase === 'running' && !p.paused && !p.cancelling ? '' : ` [${state(p)}]`;
  const line =
    `${bar} ${p.ok + p.diverged}/${p.total} done | ${p.running} running | ${p.failed} failed | ${p.pending} pending | ` +
    `${formatRate(meter.rate())} | ETA ${formatDuration(meter.etaS(p))}${st}`;
  // One terminal line: a wrapped line could not be erased by the next frame.
  return [...line].slice(0, Math.max(columns - 1, 10)).join('');
}

/**
 * A view for `mode`, writing to `err` (the bar and lines) or `out` (JSON lines, so `--json` output
 * can be piped). Lines and JSON are written every `intervalMs` and when the phase or the
 * paused/cancelling state changes; the bar redraws on every update. `costs`: each trial's
 * {@link trialCost} in grid order, for the ETA.
 */
export function makeProgressView(
  mode: ProgressMode,
  opts: {
    intervalMs?: number;
    err?: NodeJS.WritableStream & { columns?: number };
    out?: NodeJS.WritableStream;
    costs?: readonly number[];
  } = {},
): ProgressView {
  const err = opts.err ?? process.stderr;
  const out = opts.out ?? process.stdout;
  const meters = new Meters(opts.costs);
  const meter = { rate: () => meters.rate.rate(), etaS: (p: SweepProgress) => meters.etaS(p) };
  let closed = false;
  let view: ProgressView;
  if (mode === 'bar') {
    let frame: string | undefined; // the line on screen, if any
    const columns = () => (err as { columns?: number }).columns ?? 100;
    view = {
      update(p) {
        if (closed) return;
        meters.observe(p);
        if (!drawable(p)) return;
        frame = barLine(p, meter, columns());
        err.write(`${ERASE_LINE}${frame}`);
      },
      note(line) {
        if (closed) return void err.write(`${line}\n`);
        err.write(`${frame !== undefined ? ERASE_LINE : ''}${line}\n${frame ?? ''}`);
      },
      stop() {
        if (closed) return;
        closed = true;
        if (frame !== undefined) err.write(ERASE_LINE);
        if (owner === view) owner = undefined;
      },
    };
  } else {
    const intervalMs = opts.intervalMs ?? 10_000;
    let lastAt = 0;
    let lastKey = '';
    view = {
      update(p) {
        if (closed) return;
        meters.observe(p);
        if (!drawable(p)) return;
        const key = `${p.phase}/${p.paused}/${p.cancelling}`;
        const now = Date.now();
        if (key === lastKey && now - lastAt < intervalMs) return;
        lastKey = key;
        lastAt = now;
        if (mode === 'json') out.write(`${JSON.stringify(progressJson(p, meter))}\n`);
        else err.write(`${progressLine(p, meter)}\n`);
      },
      note(line) {
        err.write(`${line}\n`);
      },
      stop() {
        closed = true;
        if (owner === view) owner = undefined;
      },
    };
  }
  owner = view;
  return view;
}
