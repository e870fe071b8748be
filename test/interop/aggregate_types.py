"""The column types of a run folder's summary and fits as each reader sees them. Input (stdin,
JSON): {"run": RUN_DIR}. Output (last line, JSON): per table, pyarrow's fields (name, type,
nullable), pandas' dtypes with and without dtype_backend="numpy_nullable", polars' and DuckDB's
types.
"""
import json
import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq


def main():
    run = json.load(sys.stdin)['run']
    out = {}
    for table in ['summary', 'fits']:
        file = f'{run}/{table}/{table}.parquet'
        schema = pq.read_schema(file)
        out[table] = {
            'pyarrow': [[f.name, str(f.type), f.nullable] for f in schema],
            'pandas': {c: str(t) for c, t in pd.read_parquet(file).dtypes.items()},
            'pandas_nullable': {
                c: str(t) for c, t in pd.read_parquet(file, dtype_backend='numpy_nullable').dtypes.items()
            },
            'polars': {c: str(t) for c, t in pl.read_parquet(file).schema.items()},
            'duckdb': {r[0]: r[1] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{file}'").fetchall()},
        }
    print(json.dumps(out))


main()
