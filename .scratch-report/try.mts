import { makeRunFolder, testRunDir, tinyConfig } from '../test/report/run-folder.js';
import { writeReport } from '../src/report/index.js';
const dir = testRunDir('scratch');
const t0 = Date.now();
await makeRunFolder(dir, tinyConfig({ name: 'scratch', widths: [32, 64, 128], seeds: [0, 1] }), { via: 'in-process' });
console.log('made', (Date.now() - t0) / 1000);
const r = await writeReport(dir);
console.log(r.html, r.figures.length, r.timings);
