/** SQL over a run folder with DuckDB: views per table, running one statement, printing and exporting its rows. */
export {
  RUN_TABLES,
  checkRunFolder,
  createRunViews,
  isSchemaMismatch,
  openRun,
  parquetSource,
  presentTables,
  tableFiles,
  tablesNamedIn,
  withUnifiedSchemas,
} from './run-views.js';
export type { RunDatabase, RunTableName } from './run-views.js';
export { checkOneStatement, explainQueryError, runSql, trimStatement, type QueryResult } from './run-sql.js';
export { cellText, formatTable, MAX_CELL_CHARS } from './format-table.js';
export { EXPORT_FORMATS, copyQuery, exportTempFile, type ExportFormat } from './copy-query.js';
export { checkReadStatement, lockDown } from './sandbox.js';
export { QueryError, RunFolderError } from '../errors.js';
