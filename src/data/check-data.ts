/**
 * The data files of a sweep, loaded and checked before anything starts (`validate`, `run`,
 * `resume`, `trial`): every data set its trials will build, with the messages a trial would
 * give (file:line:column of the bad cell), so that a bad file is refused up front rather than
 * found by a worker after the server has started.
 */
import type { TrialPoint } from '../config/expand.js';
import { resolveTrial, type LoadedConfig } from '../config/loader.js';
import type { SweepConfig } from '../config/types.js';
import { DatasetError } from '../errors.js';
import { makeDataset } from './make-dataset.js';

/** Fields whose value changes which data set a trial builds, or how it is checked. */
const DATA_FIELDS = /^(dataset\.|model\.outputs$|ntk\.probe)/u;

/** The data set of one resolved trial config, built (and so checked) as the trial will build it. */
export function checkTrialData(config: SweepConfig, configDir: string): void {
  if (config.dataset.kind !== 'csv') return; // seeded synthetic sets: the config check covers them
  makeDataset(config.dataset, config.model.outputs, configDir, config.ntk.probe);
}

/**
 * Builds every distinct data set of the sweep's trials (one per combination of the values of
 * data-related grid axes: `dataset.path`, `dataset.n_train`, …) and throws one
 * {@link DatasetError} listing the problems of all of them (each data set's own message, once).
 * Synthetic data sets are not built: they cannot be malformed.
 */
export function checkSweepData(loaded: LoadedConfig, points: readonly TrialPoint[]): void {
  if (loaded.config.dataset.kind !== 'csv') return;
  const axes = loaded.config.grid.map((a, k) => [a, k] as const).filter(([a]) => DATA_FIELDS.test(a.path));
  const seen = new Set<string>();
  const problems = new Set<string>();
  for (const point of points.length > 0 ? points : [undefined]) {
    const assignments = point?.assignments ?? [];
    const key = JSON.stringify(axes.map(([, k]) => assignments[k]?.value));
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      checkTrialData(resolveTrial(loaded, assignments), loaded.dir);
    } catch (e) {
      if (!(e instanceof DatasetError)) throw e;
      problems.add(e.message);
    }
  }
  if (problems.size > 0) throw new DatasetError([...problems].join('\n'));
}
