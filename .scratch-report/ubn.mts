import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
for (const ubn of [true, false, true, false]) {
  const t = performance.now();
  await c.runAndReadAll(`SELECT count(*), count(DISTINCT status) FROM read_parquet('${process.argv[2]}/trials/*.parquet', union_by_name = ${ubn})`);
  console.log('union_by_name', ubn, (performance.now() - t).toFixed(0), 'ms');
}
