/** The sweep config: types, loading with located problems, grid axes. */
export type * from './types.js';
export { loadConfig, parseConfig, resolveTrial, type Assignment, type LoadedConfig } from './loader.js';
export { GRID_FIELDS, GRID_SHORT_NAMES, gridFieldOf } from './grid.js';
export { didYouMean, editDistance, suggest } from './did-you-mean.js';
export { analyticIdOf, canonicalJson, canonicalParams, sweepIdOf, trialIdOf } from './ids.js';
export { expandGrid, MAX_TRIALS, MAX_TRIALS_WITHOUT_YES, resolvePoint, trialCount, type TrialPoint } from './expand.js';
export { OverrideError } from '../errors.js';
