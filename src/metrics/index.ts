/** Per-trial, per-step metrics of docs/design.md §5. */
export { kernelDrift, kernelRelErr } from './kernel.js';
export { mseLoss } from './losses.js';
export { predGap, type PredGap } from './pred-gap.js';
export { residualModeTable, residualProjections, type ResidualModeRow } from './residual-modes.js';
export { kernelSpectrum, type KernelSpectrum } from './spectra.js';
export {
  LAYER_ROLES,
  layerRole,
  parameterChanges,
  weightChange,
  type LayerRole,
  type ParameterChanges,
} from './weights.js';
export { METRIC_CATALOGUE, metricTheory, type ExponentStatus, type MetricTheory } from './catalogue.js';
