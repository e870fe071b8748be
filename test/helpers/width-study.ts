/**
 * Run folders of synthetic width studies whose aggregates are known in closed form: each trial's
 * tables come from syntheticTrialTables (every column of the contract filled), with the grid
 * parameters set and the metrics the study is about replaced by functions of width, seed, group
 * and step. Written with the real writer (src/tables/write.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFailedTrial, writeTrialTables } from '../../src/tables/write.js';
import type { CurveRow, SpectrumRow, TrialRow, TrialStatus, TrialTables } from '../../src/tables/rows.js';
import { syntheticTrialTables } from './synthetic-trial.js';

/** One trial of a study: its grid point. */
export interface StudyPoint {
  width: number;
  seed: number;
  depth: number;
  lr: number;
}

export interface StudyOptions {
  widths: number[];
  seeds: number[];
  depths?: number[];
  lrs?: number[];
  /** Logged steps 0, logEvery, …, steps (default 0…20 by 5) and snapshots (default [0, 20]). */
  steps?: number;
  logEvery?: number;
  snapshots?: number[];
  ranks?: number;
  /** Curve values at a logged step (others keep their synthetic values; null for non-snapshot steps is up to the caller). */
  curves?: (p: StudyPoint, step: number, isSnapshot: boolean) => Partial<CurveRow>;
  /** Final metrics of the trials row. */
  finals?: (p: StudyPoint) => Partial<TrialRow>;
  /** Empirical eigenvalues (rank r at a snapshot step). */
  eigen?: (p: StudyPoint, step: number, rank: number) => number;
  status?: (p: StudyPoint) => TrialStatus;
  /** Smaller tables (kernels of a few points) when only curves matter (benchmarks). */
  nTrain?: number;
  nTest?: number;
  /** Changes to the canonical params_json (e.g. a dataset.target.freq axis), or `'flat'` for a non-canonical one. */
  params?: ((p: StudyPoint, canonical: CanonicalParams) => void) | 'flat';
  /** Appended to trial ids, to put two studies that differ only in `params` into one folder. */
  idSuffix?: string;
}

/** params_json in the form of src/config/ids.ts canonicalParams (snake_case sections, keys sorted when written). */
export interface CanonicalParams {
  dataset: { kind: string; n_test: number; n_train: number; seed: number; target: Record<string, unknown> };
  id_version: number;
  model: Record<string, unknown>;
  ntk: Record<string, unknown>;
  seed: number;
  train: { log_every: number; lr: number; steps: number };
}

function canonicalParams(t: TrialRow, snapshots: number[]): CanonicalParams {
  return {
    dataset: {
      kind: t.dataset,
      n_test: t.n_test,
      n_train: t.n_train,
      seed: t.data_seed,
      target: { freq: 3, kind: t.target },
    },
    id_version: 1,
    model: {
      activation: t.activation,
      b_std: t.b_std,
      depth: t.depth,
      outputs: t.outputs,
      parameterization: t.parameterization,
      w_std: t.w_std,
      width: t.width,
    },
    ntk: { analytic: true, predictions: true, snapshots },
    seed: t.seed,
    train: { log_every: t.log_every, lr: t.lr, steps: t.steps },
  };
}

export const trialIdOf = (p: StudyPoint, suffix = ''): string =>
  `w${p.width}-d${p.depth}-lr${String(p.lr).replace('.', 'p')}-s${p.seed}${suffix}`;

/** Every grid point of the study, in width-major order. */
export function studyPoints(o: StudyOptions): StudyPoint[] {
  const out: StudyPoint[] = [];
  for (const width of o.widths) {
    for (const depth of o.depths ?? [2]) {
      for (const lr of o.lrs ?? [0.5]) {
        for (const seed of o.seeds) out.push({ width, seed, depth, lr });
      }
    }
  }
  return out;
}

/** The tables of one trial of the study. */
export function studyTrialTables(p: StudyPoint, o: StudyOptions): TrialTables {
  const steps = o.steps ?? 20;
  const logEvery = o.logEvery ?? 5;
  const snapshots = o.snapshots ?? [0, steps];
  const status = o.status?.(p) ?? 'ok';
  const id = trialIdOf(p, o.idSuffix);
  const t = syntheticTrialTables({
    trialId: id,
    seed: p.seed + 1,
    steps,
    logEvery,
    snapshots,
    ranks: o.ranks ?? 3,
    status,
    nTrain: o.nTrain,
    nTest: o.nTest,
    analyticId: `an-d${p.depth}`,
  });
  t.trials = {
    ...t.trials,
    width: p.width,
    seed: p.seed,
    depth: p.depth,
    lr: p.lr,
    ...(status === 'diverged' ? {} : o.finals?.(p)),
  };
  const params = canonicalParams(t.trials, snapshots);
  if (typeof o.params === 'function') o.params(p, params);
  t.trials.params_json = o.params === 'flat' ? JSON.stringify(p) : JSON.stringify(params);
  t.curves = t.curves.map((c) => ({ ...c, ...o.curves?.(p, c.step, snapshots.includes(c.step)) }));
  if (o.eigen) {
    t.spectra = t.spectra.map((s: SpectrumRow) =>
      s.kind === 'empirical' ? { ...s, eigenvalue: o.eigen!(p, s.step, s.rank) } : s,
    );
  }
  return t;
}

const made: string[] = [];

/** A fresh temporary folder, removed by {@link removeTempFolders}. */
export function tempFolder(prefix = 'ntk-study-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder made by {@link tempFolder} (call from a test's `after`). */
export function removeTempFolders(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes the study into `runDir` (a fresh temporary folder by default) and returns the folder. */
export async function writeStudy(o: StudyOptions, runDir = tempFolder()): Promise<string> {
  for (const p of studyPoints(o)) {
    const t = studyTrialTables(p, o);
    if (t.trials.status === 'failed') await writeFailedTrial(runDir, t.trials);
    else await writeTrialTables(runDir, t);
  }
  return runDir;
}
