/** The workflows a worker registers (its `workflowsPath` points here). */
export { sweepWorkflow, progressQuery, pauseSignal, resumeSignal, cancelSignal } from './sweep.js';
