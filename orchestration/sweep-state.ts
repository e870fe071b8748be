/**
 * The one shape of `ntk-sweep status --json` (documented in docs/orchestration.md): the same keys
 * in every state, null where a value is not known from the source that answered.
 *
 * The server answers while it is up. When the sweep's embedded server is down, the run folder
 * answers: its tables give the counts, and RUN/.temporal/end.json — written by the `run`/`resume`
 * that watched the sweep end — tells how it ended. A folder with trials missing and no such record
 * was left by a process that was killed: `interrupted`.
 */
import { isDiskFull } from '../src/io/disk-full.js';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { SweepProgress, SweepResult } from '../workflows/shared.js';
import type { FollowOutcome } from './follow.js';
import { serverDir } from './dev-server.js';
import { progressCounts } from './progress.js';

export const SWEEP_STATES = [
  'running',
  'paused',
  'cancelling',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type SweepState = (typeof SWEEP_STATES)[number];

export interface SweepStatus {
  sweep_id: string;
  state: SweepState;
  /** Who answered: the Temporal server, or the run folder's tables (the server being down). */
  source: 'server' | 'run_folder';
  total: number | null;
  /** ok + diverged. */
  done: number | null;
  ok: number | null;
  diverged: number | null;
  failed: number | null;
  running: number | null;
  /** Not yet run (missing, in the run folder's terms). */
  pending: number | null;
  /** The sweep's phase while it runs (planning, running, draining, aggregating), else null. */
  phase: string | null;
  /** summary/ and fits/ were written (known when it completed), else null. */
  aggregated: boolean | null;
  /** Why it failed (state `failed`), else null. */
  error: string | null;
  run_dir: string | null;
}

const empty = (sweepId: string, state: SweepState, source: SweepStatus['source'], runDir?: string): SweepStatus => ({
  sweep_id: sweepId,
  state,
  source,
  total: null,
  done: null,
  ok: null,
  diverged: null,
  failed: null,
  running: null,
  pending: null,
  phase: null,
  aggregated: null,
  error: null,
  run_dir: runDir ?? null,
});

/** The state a running workflow's progress amounts to. */
export function stateOfProgress(p: SweepProgress): SweepState {
  return p.cancelling ? 'cancelling' : p.paused ? 'paused' : 'running';
}

export function statusOfProgress(p: SweepProgress, runDir?: string): SweepStatus {
  return {
    ...empty(p.sweepId, stateOfProgress(p), 'server', runDir),
    ...progressCounts(p),
    phase: p.phase,
  };
}

export function statusOfResult(r: SweepResult, runDir?: string, source: SweepStatus['source'] = 'server'): SweepStatus {
  const finished = r.ok + r.diverged + r.failed;
  return {
    ...empty(r.sweepId, r.status === 'cancelled' ? 'cancelled' : 'completed', source, runDir),
    total: r.total,
    done: r.ok + r.diverged,
    ok: r.ok,
    diverged: r.diverged,
    failed: r.failed,
    running: 0,
    pending: r.total - finished,
    aggregated: r.aggregated,
  };
}

/** A closed workflow without a result (failed, terminated, timed out), counted from the run folder if any. */
export function statusOfClosed(
  sweepId: string,
  workflowStatus: string,
  counts: Counts | undefined,
  runDir?: string,
  error?: string,
): SweepStatus {
  const state: SweepState = workflowStatus === 'TERMINATED' || workflowStatus === 'CANCELLED' ? 'cancelled' : 'failed';
  return { ...empty(sweepId, state, 'server', runDir), ...(counts ? countsFields(counts) : {}), error: error ?? null };
}

/** What a run folder's tables say. */
export interface Counts {
  total: number;
  complete: number;
  failed: number;
}

function countsFields(c: Counts): Partial<SweepStatus> {
  return {
    total: c.total,
    done: c.complete,
    failed: c.failed,
    running: 0,
    pending: Math.max(0, c.total - c.complete - c.failed),
  };
}

/** How a sweep ended, as the command that watched it saw it. */
export type SweepEnd =
  | { state: 'completed' | 'cancelled'; result: SweepResult }
  | { state: 'failed'; error: string }
  | { state: 'interrupted' };

const endFile = (runDir: string): string => path.join(serverDir(runDir), 'end.json');

export function writeSweepEnd(runDir: string, end: SweepEnd): void {
  try {
    writeFileSync(endFile(runDir), `${JSON.stringify(end)}\n`);
  } catch (e) {
    // A note for `status`, not the sweep's record: a full disk must not turn the report of how the
    // sweep ended into a stack trace. Without it, `status` counts the tables instead.
    if (!isDiskFull(e)) throw e;
    rmSync(endFile(runDir), { force: true });
  }
}

/** A sweep that starts again has not ended. */
export function clearSweepEnd(runDir: string): void {
  rmSync(endFile(runDir), { force: true });
}

export function readSweepEnd(runDir: string): SweepEnd | undefined {
  if (!existsSync(endFile(runDir))) return undefined;
  try {
    return JSON.parse(readFileSync(endFile(runDir), 'utf8')) as SweepEnd;
  } catch {
    return undefined;
  }
}

/** The status of a sweep whose server is down, from its run folder. */
export function statusOffline(sweepId: string, runDir: string, counts: Counts): SweepStatus {
  const end = readSweepEnd(runDir);
  const missing = counts.total - counts.complete - counts.failed;
  if (end && (end.state === 'completed' || end.state === 'cancelled')) {
    // The tables are the truth for the counts (a trial may have been re-run since); the record for how it ended.
    return { ...statusOfResult(end.result, runDir, 'run_folder'), ...countsFields(counts) };
  }
  const state: SweepState =
    end?.state === 'failed' ? 'failed' : missing > 0 || end?.state === 'interrupted' ? 'interrupted' : 'completed';
  return {
    ...empty(sweepId, state, 'run_folder', runDir),
    ...countsFields(counts),
    error: end?.state === 'failed' ? end.error : null,
  };
}

/** Records how the watched sweep ended (nothing when the server was lost: the sweep did not end). */
export function recordSweepEnd(runDir: string, outcome: FollowOutcome): void {
  if (outcome.kind === 'finished') writeSweepEnd(runDir, { state: outcome.result.status, result: outcome.result });
  else if (outcome.kind === 'interrupted') writeSweepEnd(runDir, { state: 'interrupted' });
  else if (outcome.kind === 'failed' && outcome.error instanceof WorkflowFailedError) {
    writeSweepEnd(runDir, { state: 'failed', error: outcome.error.cause?.message ?? outcome.error.message });
  }
}
