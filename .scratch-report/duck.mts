import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
const r = await c.runAndReadAll(`SELECT 1::BIGINT a, 2.5::DOUBLE b, [1.5,2.5]::FLOAT[] l, 'x' s, NULL::DOUBLE n, count(*) OVER () cnt, TIMESTAMP '2020-01-01' ts`);
console.log(r.getRowObjectsJS(), r.getRowObjectsJson());
const r2 = await c.runAndReadAll(`SELECT id, unnest(v) AS x, generate_subscripts(v, 1) - 1 AS i FROM (VALUES (1, [10.0, 20.0, 30.0]), (2, [5.0, 6.0])) t(id, v)`);
console.log(r2.getRowObjectsJS());
const r3 = await c.runAndReadAll(`SELECT $1::VARCHAR AS p, $2 AS q`, ['a', 3]);
console.log(r3.getRowObjectsJS());
