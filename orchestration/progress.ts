/**
 * Showing a sweep's progress (the workflow's `progress` query): a live bar on a terminal
 * (cli-progress), plain periodic lines otherwise, or one JSON object per line with `--json`.
 * Throughput and ETA are measured by this display over the trials finished while it watched.
 */
import cliProgress from 'cli-progress';
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

  /** Seconds to go at the current rate. */
  etaS(p: SweepProgress): number | undefined {
    const r = this.rate();
    return r ? (p.pending + p.running) / r : undefined;
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
export function progressLine(p: SweepProgress, meter?: RateMeter): string {
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
export function progressJson(p: SweepProgress, meter?: RateMeter): Record<string, unknown> {
  return {
    sweep_id: p.sweepId,
    phase: p.phase,
    paused: p.paused,
    cancelling: p.cancelling,
    total: p.total,
    done: p.ok + p.diverged,
    ok: p.ok,
    diverged: p.diverged,
    failed: p.failed,
    running: p.running,
    pending: p.pending,
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
  stop(): void;
}

/**
 * A view for `mode`, writing to `out` (stderr for the bar and lines, stdout for JSON lines, so
 * `--json` output can be piped). Lines and JSON are written every `intervalMs` and when the phase
 * or the paused/cancelling state changes; the bar redraws on every update.
 */
export function makeProgressView(
  mode: ProgressMode,
  opts: { intervalMs?: number; err?: NodeJS.WriteStream; out?: NodeJS.WritableStream } = {},
): ProgressView {
  const err = opts.err ?? process.stderr;
  const out = opts.out ?? process.stdout;
  const meter = new RateMeter();
  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        format: '{bar} {done}/{total} done | {running} running | {failed} failed | {pending} pending | {speed} | ETA {left}{state}',
        hideCursor: true,
        clearOnComplete: false,
        stream: err,
        etaBuffer: 1,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const payload = (p: SweepProgress) => ({
      done: p.ok + p.diverged,
      running: p.running,
      failed: p.failed,
      pending: p.pending,
      // Not cli-progress's own {eta}/{value} tokens: those would override these.
      speed: formatRate(meter.rate()),
      left: formatDuration(meter.etaS(p)),
      state: p.phase === 'running' && !p.paused && !p.cancelling ? '' : ` [${state(p)}]`,
    });
    return {
      update(p) {
        meter.observe(p);
        const finished = p.ok + p.diverged + p.failed;
        if (!started) {
          bar.start(Math.max(p.total, 1), finished, payload(p));
          started = true;
        } else {
          bar.setTotal(Math.max(p.total, 1));
          bar.update(finished, payload(p));
        }
      },
      note(line) {
        if (started) bar.stop();
        err.write(`${line}\n`);
        started = false;
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  const intervalMs = opts.intervalMs ?? 10_000;
  let lastAt = 0;
  let lastKey = '';
  return {
    update(p) {
      meter.observe(p);
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
    stop() {},
  };
}
