/** Aggregation of a run folder: summary (means and CIs over seeds) and fits (slopes against width). */
export { aggregateRun, aggregatePaths, type AggregateOptions, type AggregateResult } from './aggregate-run.js';
export { readFits, readSummary } from './read.js';
export { FIT_FIELDS, SUMMARY_FIELDS, fitsSchema, summarySchema } from './schemas.js';
export type { FitReason, FitRow, MetricSource, SummaryRow } from './schemas.js';
export { GROUP_CANDIDATES, PARAM_PATHS, findGroupAxes, trialAxisSql } from './group-axes.js';
export { bootstrapSlopeCI, fitLine, makeResamplePlan, quantileSorted } from './log-log-fit.js';
export { SNAPSHOT_METRICS, TOP_EIGENVALUES } from './summary-sql.js';
