/**
 * Reading a sweep's workflow histories back from a real Temporal server: every run of its
 * continue-as-new chain, the activities each ran (type, task queue, worker identity, result), and
 * saving histories as replay fixtures (test/replay/histories/, see test/replay/replay.test.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { ROOT } from './cli.js';

export const HISTORIES_DIR = path.join(ROOT, 'test', 'replay', 'histories');

export interface ChainRun {
  runId: string;
  history: History;
  events: number;
  /** The run ended by continuing as new. */
  continuedAsNew: boolean;
}

/** Every run of the workflow `workflowId`'s chain, first to last. */
export async function fetchChain(client: Client, workflowId: string): Promise<ChainRun[]> {
  const latest = await client.workflow.getHandle(workflowId).fetchHistory();
  const first = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId;
  if (!first) throw new Error(`${workflowId}: no first run id in its history`);
  const runs: ChainRun[] = [];
  let runId: string | undefined = first;
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const can = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    runs.push({ runId, history, events: events.length, continuedAsNew: !!can });
    runId = can?.newExecutionRunId ?? undefined;
  }
  return runs;
}

export interface ActivityRecord {
  activityId: string;
  activityType: string;
  taskQueue: string;
  /** The worker that ran the attempt that ended it. */
  identity: string;
  attempt: number;
  /** The decoded result, for completed activities. */
  result?: unknown;
  outcome: 'completed' | 'failed' | 'timed out' | 'cancelled' | 'open';
  /** When it was scheduled and when it completed (server time, ms since the epoch). */
  scheduledAtMs?: number;
  completedAtMs?: number;
}

function eventTimeMs(e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number | undefined {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : undefined;
}

/** The activities of one history, by their scheduled event. */
export function activitiesOf(history: History): ActivityRecord[] {
  const byScheduled = new Map<string, ActivityRecord>();
  const key = (id: unknown): string => String(id);
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) {
      byScheduled.set(key(e.eventId), {
        activityId: s.activityId ?? '',
        activityType: s.activityType?.name ?? '',
        taskQueue: s.taskQueue?.name ?? '',
        identity: '',
        attempt: 0,
        outcome: 'open',
        scheduledAtMs: eventTimeMs(e),
      });
      continue;
    }
    const st = e.activityTaskStartedEventAttributes;
    if (st) {
      const r = byScheduled.get(key(st.scheduledEventId));
      if (r) {
        r.identity = st.identity ?? '';
        r.attempt = st.attempt ?? 0;
      }
      continue;
    }
    const c = e.activityTaskCompletedEventAttributes;
    if (c) {
      const r = byScheduled.get(key(c.scheduledEventId));
      if (r) {
        r.outcome = 'completed';
        r.completedAtMs = eventTimeMs(e);
        const p = c.result?.payloads?.[0];
        r.result = p ? defaultPayloadConverter.fromPayload(p) : undefined;
      }
      continue;
    }
    const f =
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (f) {
      const r = byScheduled.get(key(f.scheduledEventId));
      if (r) {
        r.outcome = e.activityTaskFailedEventAttributes
          ? 'failed'
          : e.activityTaskTimedOutEventAttributes
            ? 'timed out'
            : 'cancelled';
      }
    }
  }
  return [...byScheduled.values()];
}

/** Identities of the workers that completed workflow tasks. */
export function workflowTaskIdentities(history: History): Set<string> {
  const out = new Set<string>();
  for (const e of history.events ?? []) {
    const id = e.workflowTaskCompletedEventAttributes?.identity;
    if (id) out.add(id);
  }
  return out;
}

/**
 * Saves a history as a replay fixture when NTK_RECORD_HISTORIES=1 (the committed fixtures are
 * what test/replay/replay.test.ts replays; refresh them after a deliberate, versioned workflow change).
 */
export function maybeRecordHistory(name: string, history: History): void {
  if (process.env.NTK_RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), historyToJSON(history));
}
