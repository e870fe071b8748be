import * as vega from 'vega';
import { compile } from 'vega-lite';
import { readFileSync, readdirSync } from 'node:fs';
const dir = process.argv[2];
const specs = readdirSync(dir).filter(f => f.endsWith('.vl.json')).map(f => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));
let tc = 0, tp = 0, tv = 0, ts = 0;
for (let rep = 0; rep < 3; rep++) for (const s of specs) {
  let t = performance.now(); const vg = compile(s).spec; tc += performance.now() - t;
  t = performance.now(); const rt = vega.parse(vg); tp += performance.now() - t;
  t = performance.now(); const view = new vega.View(rt, { renderer: 'none' }); tv += performance.now() - t;
  t = performance.now(); await view.toSVG(); ts += performance.now() - t; view.finalize();
}
const n = specs.length * 3;
console.log({ compile: tc / n, parse: tp / n, view: tv / n, toSVG: ts / n });
