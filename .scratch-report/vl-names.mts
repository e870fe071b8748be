import * as vega from 'vega';
import { compile } from 'vega-lite';
const rows = [{g:'a',w:1,m:1,lo:0.5,hi:2,step:0},{g:'a',w:2,m:0.7,lo:0.5,hi:1,step:0},{g:'b',w:1,m:2,lo:1,hi:3,step:0},{g:'b',w:2,m:1.4,lo:1,hi:2,step:0},{g:'a',w:1,m:1,lo:0.5,hi:2,step:5},{g:'a',w:2,m:0.9,lo:0.5,hi:2,step:5}];
const spec: any = { data: { values: rows }, facet: { column: { field: 'step', type: 'ordinal' } }, spec: { width: 200, height: 150, layer: [
  { name: 'band', mark: { type: 'area', opacity: 0.2 }, encoding: { x: { field: 'w', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'hi' }, color: { field: 'g' } } },
  { name: 'means', mark: { type: 'line', point: true }, encoding: { x: { field: 'w', type: 'quantitative' }, y: { field: 'm', type: 'quantitative' }, color: { field: 'g' } } },
] } };
const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
const svg = await view.toSVG();
console.log(svg.replace(/></g, '>\n<').split('\n').filter(l => /<g|<path/.test(l)).map(l => l.slice(0, 200)).join('\n'));
