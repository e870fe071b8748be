import * as rs from '../src/report/render-svg.js';
import { openRun } from '../src/query/run-views.js';
import { loadReportData } from '../src/report/queries.js';
import { buildContent } from '../src/report/sections.js';
const db = await openRun(process.argv[2]);
const d = await loadReportData(db);
db.close();
for (let k = 0; k < 2; k++) {
const t0 = performance.now();
const c = await buildContent(d);
console.log('build', (performance.now() - t0).toFixed(0));
}
const c = await buildContent(d);
for (const s of c.sections) for (const b of s.blocks) if (b.kind === 'figure') {
  const t = performance.now(); await rs.renderSvg(b.spec as any); console.log(b.id, (performance.now() - t).toFixed(0), 'ms', (b.spec as any).data.values.length, 'rows', b.svg.length, 'bytes');
}
