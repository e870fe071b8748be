/** Analytic training predictions and kernel regression views (docs/design.md §4). */
export { criticalLearningRate, learningRateFlag, type LearningRateFlag } from './critical-lr.js';
export { checkStep, decayFactor, gainFactor, type TimeMode } from './decay.js';
export { eigh, type SymmetricEigen } from './eigh.js';
export { ensemblePrediction, type EnsembleInput, type EnsemblePrediction } from './ensemble.js';
export {
  gdPrediction,
  gdPredictor,
  type GdPrediction,
  type GdPredictor,
  type GdPredictorOptions,
} from './gd-prediction.js';
export {
  kernelRegression,
  nngpPosterior,
  type GpPosterior,
  type KernelRegressionOptions,
} from './kernel-regression.js';
