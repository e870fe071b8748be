/**
 * Stable identifiers of trials, sweeps and analytic-kernel configs (docs/design.md §6): short SHA-256
 * hashes of canonical JSON, the same on every machine and in every run.
 *
 * The rule for the trial id: it hashes every resolved field that changes a trial's outputs —
 * the weight `seed`; the whole `dataset` section (kind, sizes, data seed, dim/scale, target with
 * its resolved seed, CSV features) with a CSV file represented by the SHA-256 of its bytes rather
 * than its path (moving the file keeps the id, editing it changes the id); the whole `model`,
 * `train` and `ntk` sections (snapshots resolved, probe included) — and nothing else: `name`,
 * `output` and `execution.*` (backend, parallelism, retries, timeout) do not change results.
 * Fields are hashed by default (a field added to these sections later joins the id on its own);
 * {@link ID_VERSION} is part of every hashed text and changes when the rule changes.
 *
 * Canonical JSON: object keys sorted by code unit, no whitespace, arrays in order, numbers in
 * ECMAScript's shortest round-trip form (so 1.0 and 1 are the same, −0 is 0), strings as
 * JSON.stringify writes them; non-finite numbers are refused.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileSha256 } from './file-hash.js';
import type { LoadedConfig } from './loader.js';
import { snakeKeys, type Json } from './snake-case.js';
import type { DatasetConfig, ModelConfig, NtkConfig, SweepConfig, TrainConfig } from './types.js';

/** Version of the id rules; part of every hashed text. */
export const ID_VERSION = 1;

/** Hex digits kept of a trial or analytic id (48 bits: collisions unlikely below millions of trials). */
export const ID_HEX = 12;
/** Hex digits of the hash in a sweep id. */
export const SWEEP_HASH_HEX = 8;

/** Canonical JSON of a value (see the module comment). Throws RangeError for NaN/±Infinity. */
export function canonicalJson(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) throw new RangeError(`canonicalJson: ${v} has no JSON form`);
      return JSON.stringify(v); // shortest round-trip digits; −0 → "0"
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof v}`);
  }
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The dataset as hashed: a CSV file by its content hash, not its path. */
function datasetParams(d: DatasetConfig): Json {
  if (d.kind !== 'csv') return snakeKeys(d);
  if (!d.fileSha256) {
    throw new Error(
      'trial id of a csv dataset without fileSha256: resolve the config with loadConfig/resolveTrial/resolvePoint, which hash the file',
    );
  }
  const { path: _path, ...rest } = d;
  return snakeKeys(rest);
}

/**
 * Canonical JSON of each hashed section of a trial. Grid expansion (src/config/expand.ts)
 * caches these per distinct section and joins them with {@link joinParams}.
 */
export const paramFragments = {
  seed: (seed: number): string => canonicalJson(seed),
  dataset: (d: DatasetConfig): string => canonicalJson(datasetParams(d)),
  model: (m: ModelConfig): string => canonicalJson(snakeKeys(m)),
  train: (t: TrainConfig): string => canonicalJson(snakeKeys(t)),
  ntk: (n: NtkConfig): string => canonicalJson(snakeKeys(n)),
};

export interface ParamFragments {
  seed: string;
  dataset: string;
  model: string;
  train: string;
  ntk: string;
}

/** The canonical parameters from their sections' canonical JSON (keys in sorted order). */
export function joinParams(f: ParamFragments): string {
  return `{"dataset":${f.dataset},"id_version":${ID_VERSION},"model":${f.model},"ntk":${f.ntk},"seed":${f.seed},"train":${f.train}}`;
}

/**
 * The trial's canonical resolved parameters as JSON: what its id hashes and what the `trials`
 * table stores as `params_json`. Snake_case keys, e.g.
 * `{"dataset":{"kind":"circle","n_test":64,…},"id_version":1,"model":{…},"ntk":{…},"seed":0,"train":{…}}`.
 */
export function canonicalParams(config: SweepConfig): string {
  return joinParams({
    seed: paramFragments.seed(config.seed),
    dataset: paramFragments.dataset(config.dataset),
    model: paramFragments.model(config.model),
    train: paramFragments.train(config.train),
    ntk: paramFragments.ntk(config.ntk),
  });
}

/** The id of canonical parameters (what {@link trialIdOf} returns for them). */
export function idOfParams(canonical: string): string {
  return sha256Hex(canonical).slice(0, ID_HEX);
}

/**
 * The trial id: the first 12 hex digits of the SHA-256 of {@link canonicalParams}. Equal for two
 * configs exactly when they compute the same thing (see the module comment for the rule).
 *
 * @example
 * trialIdOf(resolvePoint(loaded, point)) === point.trialId; // true
 */
export function trialIdOf(config: SweepConfig): string {
  return idOfParams(canonicalParams(config));
}

/**
 * The sweep id: `<name>-<8 hex>`, the hash of the resolved config minus `execution`: the name,
 * the output folder as written, the first trial's canonical parameters and every grid axis (its
 * field and values, in order; values of a `dataset.path` axis by their files' content hashes).
 * A changed grid, default or data file gives a new sweep id; a changed backend or parallelism
 * does not (the same sweep, run differently).
 *
 * @example
 * sweepIdOf(loadConfig('configs/quickstart.yaml')); // 'quickstart-1a2b3c4d'
 */
export function sweepIdOf(loaded: LoadedConfig): string {
  const c = loaded.config;
  const grid = c.grid.map((a) => ({
    path: a.path,
    values: a.path === 'dataset.path' ? a.values.map((v) => fileSha256(path.resolve(loaded.dir, String(v)))) : a.values,
  }));
  const text = canonicalJson({
    id_version: ID_VERSION,
    name: c.name,
    output: c.output,
    grid,
    params: JSON.parse(canonicalParams(c)),
  });
  return `${c.name}-${sha256Hex(text).slice(0, SWEEP_HASH_HEX)}`;
}

/** What the analytic kernels' inputs depend on: the points, not the targets (except through CSV feature selection). */
function analyticInputs(d: DatasetConfig): Json {
  const sizes = { kind: d.kind, n_train: d.nTrain, n_test: d.nTest };
  switch (d.kind) {
    case 'circle':
      return { ...sizes, seed: d.seed };
    case 'sphere':
      return { ...sizes, seed: d.seed, dim: d.dim };
    case 'gaussian':
      return { ...sizes, seed: d.seed, dim: d.dim, scale: d.scale };
    case 'csv': {
      if (!d.fileSha256) throw new Error('analytic id of a csv dataset without fileSha256 (see trialIdOf)');
      // Rows are taken in file order (no seed). Without an explicit feature list the features are
      // every column but the target columns, so those then select the inputs.
      const features: Json = d.features ?? { all_but: d.target.kind === 'column' ? d.target.columns : [] };
      return { ...sizes, file_sha256: d.fileSha256, features };
    }
  }
}

/**
 * The id of the analytic (infinite-width) kernels a trial needs, shared by every trial with the
 * same value (the `analytic` table holds them once per id). The kernels Θ_∞ and K over the
 * train, test and probe points depend on the inputs (dataset kind, sizes, data seed, dim/scale
 * or the CSV content and feature columns — not the targets), the probe set, and the network's
 * depth, activation, σ_w, σ_b and parameterization. Not on the weight seed, learning rate,
 * steps, snapshots or outputs (the kernel is the same for every output), nor on the width —
 * except in the standard parameterization, whose NTK grows with the width (src/ntk/analytic.ts),
 * where the width is part of the id.
 *
 * @example
 * analyticIdOf(a) === analyticIdOf(b); // when a and b differ only in width (ntk), seed or lr
 */
export function analyticIdOf(config: SweepConfig): string {
  const m = config.model;
  const network: Json = {
    depth: m.depth,
    activation: m.activation,
    parameterization: m.parameterization,
    w_std: m.wStd,
    b_std: m.bStd,
    ...(m.parameterization === 'standard' ? { width: m.width } : {}),
  };
  const probe = config.ntk.probe ? snakeKeys(config.ntk.probe) : null;
  const text = canonicalJson({ id_version: ID_VERSION, inputs: analyticInputs(config.dataset), network, probe });
  return sha256Hex(text).slice(0, ID_HEX);
}
