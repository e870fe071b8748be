"""Peer for bench/tables.ts: the same aggregation queries over the same run folder in Python
DuckDB (the same SQL text as TypeScript sends) and in polars (the lazy API, the same result).

stdin: {"run": RUN_DIR, "repeats": R, "queries": [{"name", "sql", "last_step"}]}
stdout (last line): {"versions", "results": {name: {"duckdb_s": [...], "duckdb_query_s": [...], "duckdb_cpu_s": [...], "polars_s": [...],
  "duckdb_check": [rows, checksum], "polars_check": [rows, checksum]}}}
Each run builds and fetches the whole result (DuckDB: fetchall; polars: collect), in a fresh
DuckDB connection opened inside the timing, so every repetition reads the files again.
"""
import json
import math
import sys
import time

import duckdb
import polars as pl


def checksum(rows):
    """Number of rows and the sum of every numeric cell, to show both sides computed the same thing."""
    total = 0.0
    for r in rows:
        for v in r:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v is not None and math.isfinite(v):
                total += float(v)
    return [len(rows), total]


def polars_query(run, name, last_step):
    curves = pl.scan_parquet(f'{run}/curves/*.parquet')
    trials = pl.scan_parquet(f'{run}/trials/*.parquet').select(
        ['trial_id', 'width', 'depth', 'lr', 'status']).filter(pl.col('status') == 'ok')
    if name == 'last_step_by_width':
        q = (curves.filter(pl.col('step') == last_step).select(['trial_id', 'train_loss'])
             .join(trials, on='trial_id')
             .group_by('width').agg(pl.col('train_loss').mean().alias('mean_train_loss'), pl.len().alias('n'))
             .sort('width'))
    elif name == 'curves_by_params':
        q = (curves.select(['trial_id', 'step', 'train_loss', 'test_loss'])
             .join(trials, on='trial_id')
             .group_by(['width', 'depth', 'lr', 'step'])
             .agg(pl.col('train_loss').mean().alias('mean_train'), pl.col('train_loss').std().alias('sd_train'),
                  pl.col('test_loss').mean().alias('mean_test'), pl.col('test_loss').std().alias('sd_test'))
             .sort(['width', 'depth', 'lr', 'step']))
    elif name == 'kernel_err_by_width':
        q = (pl.scan_parquet(f'{run}/trials/*.parquet')
             .group_by('width').agg(pl.col('final_kernel_rel_err').mean().alias('mean_kernel_rel_err'), pl.len().alias('n'))
             .sort('width'))
    else:
        raise ValueError(name)
    return q.collect().rows()


def main():
    req = json.load(sys.stdin)
    run, repeats = req['run'], req['repeats']
    results = {}
    for q in req['queries']:
        d_times, d_query, d_cpu, p_times = [], [], [], []
        d_rows = p_rows = None
        for _ in range(repeats):
            # The database is opened inside the timing, as the TypeScript side's is.
            t0, c0 = time.perf_counter(), time.process_time()
            con = duckdb.connect()
            t1 = time.perf_counter()
            d_rows = con.sql(q['sql']).fetchall()
            d_query.append(time.perf_counter() - t1)
            d_times.append(time.perf_counter() - t0)
            d_cpu.append(time.process_time() - c0)
            con.close()
        for _ in range(repeats):
            t0 = time.perf_counter()
            p_rows = polars_query(run, q['name'], q['last_step'])
            p_times.append(time.perf_counter() - t0)
        results[q['name']] = {
            'duckdb_s': d_times, 'duckdb_query_s': d_query, 'duckdb_cpu_s': d_cpu, 'polars_s': p_times,
            'duckdb_check': checksum(d_rows), 'polars_check': checksum(p_rows),
        }
    print(json.dumps({'versions': {'duckdb': duckdb.__version__, 'polars': pl.__version__}, 'results': results}))


if __name__ == '__main__':
    main()
