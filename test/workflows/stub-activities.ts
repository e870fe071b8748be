/**
 * Stand-ins for the sweep's activities (activities/index.ts), so the sweep workflow runs on a real
 * Temporal server in seconds: no config, run folder or training. Each sweep names its scenario by
 * its run folder (`runDir` is only a key here); the scenario says how many trials there are, which
 * are already complete, which fail and whether trials wait at a gate the test opens, and records
 * every call, the trials in flight and the most ever in flight at once.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { SweepActivities } from '../../activities/index.js';
import type {
  CompactSummary,
  PlanSummary,
  RecordFailedInput,
  RunRef,
  RunTrialInput,
  RunTrialResult,
} from '../../workflows/shared.js';

export interface ScenarioSpec {
  sweepId: string;
  total: number;
  maxParallel: number;
  retries?: number;
  /** Grid indices whose outputs exist already (planPage counts them as complete, status ok). */
  complete?: number[];
  /** Grid indices whose trial ends diverged. */
  diverged?: number[];
  /** Grid index → the error every attempt of its trial throws. */
  failing?: Map<number, () => Error>;
  /** Trials wait at the gate until the test lets them through. */
  gated?: boolean;
}

/** Trials held until released: one at a time, or all from now on. */
export class Gate {
  private waiting: (() => void)[] = [];
  private open = false;

  get held(): number {
    return this.waiting.length;
  }

  pass(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Lets the earliest held trial through. */
  releaseOne(): void {
    this.waiting.shift()?.();
  }

  /** Lets every held trial through, and all later ones. */
  openAll(): void {
    this.open = true;
    for (const go of this.waiting.splice(0)) go();
  }
}

export interface Scenario extends ScenarioSpec {
  runDir: string;
  gate: Gate;
  calls: {
    plan: number;
    planPages: number[];
    runTrial: RunTrialInput[];
    recordFailed: RecordFailedInput[];
    aggregate: number;
    /** For each compaction, how many trials had completed when it was asked for. */
    compact: number[];
  };
  /** Trials that ended (ok or diverged). */
  completed: number;
  inFlight: number;
  maxInFlight: number;
}

export const trialIdOf = (index: number): string => `trial-${String(index).padStart(4, '0')}`;

const scenarios = new Map<string, Scenario>();

/** Registers a scenario under a new run folder key; the sweep started with that `runDir` plays it. */
export function scenario(spec: ScenarioSpec): Scenario {
  const runDir = `/stub/${spec.sweepId}`;
  const s: Scenario = {
    ...spec,
    runDir,
    gate: new Gate(),
    calls: { plan: 0, planPages: [], runTrial: [], recordFailed: [], aggregate: 0, compact: [] },
    completed: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
  scenarios.set(runDir, s);
  return s;
}

/** Lets every held trial of every scenario through. */
export function openEveryGate(): void {
  for (const s of scenarios.values()) s.gate.openAll();
}

function scenarioOf(ref: RunRef): Scenario {
  const s = scenarios.get(ref.runDir);
  if (!s) throw ApplicationFailure.nonRetryable(`no scenario for ${ref.runDir}`, 'RunFolderError');
  return s;
}

/** The activities of one worker, typed as the real ones so the two cannot drift apart. */
export function stubActivities(): SweepActivities {
  return {
    async plan(ref): Promise<PlanSummary> {
      const s = scenarioOf(ref);
      s.calls.plan++;
      return {
        sweepId: s.sweepId,
        total: s.total,
        maxParallel: s.maxParallel,
        retries: s.retries ?? 0,
        trialTimeoutS: 60,
      };
    },
    async planPage(input) {
      const s = scenarioOf(input);
      s.calls.planPages.push(input.from);
      const next = Math.min(s.total, input.from + input.limit);
      const done = new Set(s.complete ?? []);
      const trials = [];
      let ok = 0;
      for (let index = input.from; index < next; index++) {
        if (done.has(index)) ok++;
        else trials.push({ index, trialId: trialIdOf(index) });
      }
      return { trials, next, complete: { ok, diverged: 0 } };
    },
    async runTrial(input): Promise<RunTrialResult> {
      const s = scenarioOf(input);
      s.calls.runTrial.push(input);
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      try {
        if (s.gated) await s.gate.pass();
        const fail = s.failing?.get(input.index);
        if (fail) throw fail();
        const status = s.diverged?.includes(input.index) ? 'diverged' : 'ok';
        s.completed++;
        return { trialId: input.trialId, status, skipped: false, startedFromStep: 0, stepsComputed: 1, wallMs: 0 };
      } finally {
        s.inFlight--;
      }
    },
    async recordFailed(input) {
      scenarioOf(input).calls.recordFailed.push(input);
    },
    async aggregate(ref) {
      scenarioOf(ref).calls.aggregate++;
      return { wrote: [] };
    },
    async compact(ref): Promise<CompactSummary> {
      const s = scenarioOf(ref);
      s.calls.compact.push(s.completed);
      return { generation: s.calls.compact.length, compacted: 0, parts: 0 };
    },
  };
}
