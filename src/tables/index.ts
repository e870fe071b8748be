/**
 * The run folder's tables (docs/design.md §7): row types (the contract, ./rows.ts), Arrow schemas, the
 * Parquet writer and reader, the completion check used for resuming, and manifest.json.
 */
export type * from './rows.js';
export { TRIAL_TABLES } from './rows.js';
export {
  TABLE_COLUMNS,
  TABLE_NAMES,
  PARAMETER_COLUMN_DECLS,
  SIBLING_TABLE_NAMES,
  isSiblingTable,
  META,
  arrowType,
  tableSchema,
  type Column,
  type ColumnKind,
  type Columns,
  type RowsOf,
  type StoredRowsOf,
  type TableName,
} from './schemas.js';
export { makeTable, tableToRows } from './arrow-rows.js';
export { arrowToParquet, parquetToArrow, inspectParquetFile, type ParquetFileCheck } from './parquet.js';
export { SIBLING_TABLES, analyticFile, trialFile, isTableFileName, listTableIds, checkId } from './layout.js';
export { writeTrialTables, writeFailedTrial } from './write.js';
export {
  trialStates,
  completeTrialIds,
  checkTrial,
  failedTrials,
  readTable,
  type FailedTrial,
  type TrialCheck,
  type TrialCheckOptions,
  type TrialState,
  type TrialStatesOptions,
} from './read.js';
export {
  writeManifest,
  readManifest,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestInput,
} from './manifest.js';
export { NTK_SWEEP_VERSION, installedVersion, toolVersions, type ToolVersions } from './versions.js';
