import { writeReport } from '../src/report/index.js';
const r = await writeReport(process.argv[2]);
console.log(r.figures.length, r.timings);
