import { openRun } from '../src/query/run-views.js';
import { loadReportData } from '../src/report/queries.js';
const t0 = performance.now();
const db = await openRun(process.argv[2]);
const t1 = performance.now();
const d = await loadReportData(db);
console.log('open', (t1 - t0).toFixed(0), 'load', (performance.now() - t1).toFixed(0), d.summary.length, d.angle.length);
for (const [name, sql] of [['trials', 'SELECT count(*) FROM trials'], ['kernels', "SELECT count(*) FROM kernels WHERE split='probe_x0'"], ['spectra', "SELECT count(*) FROM spectra WHERE kind='analytic_ntk'"], ['summary', 'SELECT count(*) FROM summary']]) {
  const t = performance.now(); await db.connection.runAndReadAll(sql); console.log(name, (performance.now() - t).toFixed(0));
}
db.close();
