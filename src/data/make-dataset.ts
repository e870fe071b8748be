/**
 * Building a {@link Dataset} from its config (docs/design.md §6): seeded synthetic inputs (circle,
 * sphere, gaussian) or CSV rows, targets, and the optional probe set.
 */
import path from 'node:path';
import type { DatasetConfig, ProbeConfig } from '../config/types.js';
import { DatasetError } from '../errors.js';
import { makeMat, sliceRows, type Mat } from '../linalg/mat.js';
import { columnIndices, numericBlock, readCsv } from './csv.js';
import type { Dataset } from './dataset.js';
import { circleGrid, circleInputs, gaussianInputs, sphereInputs } from './inputs.js';
import { computeTargets } from './targets.js';

/**
 * The data set of a config: train and test inputs and targets (N × n0, N × outputs, …) and, with
 * `probe`, the probe points. Reproducible: a function of the config alone (train and test inputs
 * come from the streams `<kind>/train` and `<kind>/test` of `dataset.seed`, so changing n_test
 * leaves the training set unchanged).
 * CSV paths are resolved against `configDir`; the first n_train rows train, the next n_test test.
 * Throws {@link DatasetError} for unreadable or malformed data, located at file:line:column.
 *
 * @example
 * const data = makeDataset(config.dataset, config.model.outputs, loaded.dir, config.ntk.probe);
 */
export function makeDataset(cfg: DatasetConfig, outputs: number, configDir: string, probe?: ProbeConfig): Dataset {
  const data = cfg.kind === 'csv' ? csvDataset(cfg, outputs, configDir) : syntheticDataset(cfg, outputs);
  if (probe) {
    if (data.xTrain.cols !== 2) {
      throw new DatasetError(`a circle probe set is 2-dimensional, but the inputs have dimension ${data.xTrain.cols}`);
    }
    data.probe = makeProbe(probe);
  }
  return data;
}

/** The probe points of `ntk.probe`: n evenly spaced angles on the unit circle. */
export function makeProbe(probe: ProbeConfig): Mat {
  return circleGrid(probe.n);
}

function syntheticDataset(cfg: Exclude<DatasetConfig, { kind: 'csv' }>, outputs: number): Dataset {
  const draw = (n: number, split: 'train' | 'test'): Mat => {
    const stream = `${cfg.kind}/${split}`;
    switch (cfg.kind) {
      case 'circle':
        return circleInputs(n, cfg.seed, stream);
      case 'sphere':
        return sphereInputs(n, cfg.dim, cfg.seed, stream);
      case 'gaussian':
        return gaussianInputs(n, cfg.dim, cfg.seed, stream, cfg.scale);
    }
  };
  if (cfg.target.kind === 'column') {
    throw new DatasetError(`a column target needs a csv dataset, and dataset.kind is ${cfg.kind}`);
  }
  const xTrain = draw(cfg.nTrain, 'train');
  const xTest = draw(cfg.nTest, 'test');
  const target = cfg.target;
  const y = (x: Mat): Mat => {
    try {
      return computeTargets(target, x, outputs);
    } catch (e) {
      throw new DatasetError((e as Error).message);
    }
  };
  return { xTrain, yTrain: y(xTrain), xTest, yTest: y(xTest) };
}

/** How messages name a file: relative to the working folder when inside it. */
function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

function csvDataset(cfg: Extract<DatasetConfig, { kind: 'csv' }>, outputs: number, configDir: string): Dataset {
  const abs = path.resolve(configDir, cfg.path);
  const table = readCsv(abs, displayPath(abs));
  const targetCols = cfg.target.kind === 'column' ? cfg.target.columns : [];
  const featureNames = cfg.features ?? table.header.filter((h) => !targetCols.includes(h));
  if (featureNames.length === 0) {
    throw new DatasetError(`${table.file}:1:1: no feature columns: every column is a target column`);
  }
  const overlap = featureNames.filter((f) => targetCols.includes(f));
  if (overlap.length > 0) {
    throw new DatasetError(`${table.file}: the column '${overlap[0]}' is both a feature and a target`);
  }
  const fIdx = columnIndices(table, featureNames, 'feature');
  const tIdx = columnIndices(table, targetCols, 'target');
  const need = cfg.nTrain + cfg.nTest;
  if (table.rows.length < need) {
    // Located where the first missing row would start.
    const last = table.rowPos.at(-1)?.end.line ?? table.headerPos[0]?.line ?? 1;
    throw new DatasetError(
      `${table.file}:${last + 1}:1: ${table.rows.length} data rows, but n_train + n_test = ${cfg.nTrain} + ${cfg.nTest} = ${need} are needed`,
    );
  }
  if (tIdx.length > 0 && tIdx.length !== outputs) {
    throw new DatasetError(`${table.file}: ${tIdx.length} target columns for a model with ${outputs} outputs`);
  }
  // One pass over features and target columns, so every bad cell is reported at once.
  const block = numericBlock(table, [...fIdx, ...tIdx], 0, need);
  const x = columns(block, 0, fIdx.length);
  let y: Mat;
  if (tIdx.length > 0) {
    y = columns(block, fIdx.length, fIdx.length + tIdx.length);
  } else {
    try {
      y = computeTargets(cfg.target as Exclude<typeof cfg.target, { kind: 'column' }>, x, outputs);
    } catch (e) {
      throw new DatasetError(`${table.file}: ${(e as Error).message}`);
    }
  }
  return {
    xTrain: sliceRows(x, 0, cfg.nTrain),
    yTrain: sliceRows(y, 0, cfg.nTrain),
    xTest: sliceRows(x, cfg.nTrain, need),
    yTest: sliceRows(y, cfg.nTrain, need),
  };
}

/** Columns [from, to) of m. */
function columns(m: Mat, from: number, to: number): Mat {
  const out = makeMat(m.rows, to - from);
  for (let i = 0; i < m.rows; i++) {
    for (let j = from; j < to; j++) out.data[i * out.cols + j - from] = m.data[i * m.cols + j];
  }
  return out;
}
