/** Reports of a run folder (docs/design.md §10): Vega-Lite figures rendered to SVG, one HTML page, Markdown. */
export { writeReport, REPORT_DIR, type ReportOptions, type ReportResult } from './build-report.js';
export { initialKernelSlopes, type KernelSlope } from './slope.js';
export { loadReportData, LIST_LIMIT, TOP_RANKS } from './queries.js';
export { buildContent, headlineFits, HEADLINE_METRIC } from './sections/index.js';
export { renderSvg } from './render-svg.js';
export { formatValue, parsePrinted } from './format.js';
export { CONSTANTS, STANDALONE_NUMBER } from './content.js';
export type { ReportData } from './report-data.js';
