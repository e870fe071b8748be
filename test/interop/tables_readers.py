"""Reads a run folder's tables with pyarrow, pandas, polars and DuckDB, for test/interop/tables.test.ts.

Reads {"run_dir": ..., "expected": FILE} as JSON on stdin. FILE (written by TypeScript) holds, per
table, the declared columns ({name, kind, nullable}), the key columns that order its rows, and the
rows TypeScript wrote (lists as arrays, timestamps as epoch milliseconds, NaN/±Infinity as the
strings "NaN"/"Infinity"/"-Infinity").

For every table and every reader it checks the column names and types (the kinds of
src/tables/schemas.ts as each library spells them, with the delicate ones also named outright:
kernel rows list<float32>, analytic rows list<float64>, seeds int64, started_at timestamp[ms, UTC]),
the row count, and that every value equals what TypeScript wrote (exactly: float32 lists compared
as float32, float64 bit for bit). The readers are called as a user would call them:
pyarrow.parquet.read_table(dir), pandas.read_parquet(dir), polars.scan_parquet(glob) and DuckDB
read_parquet(glob, hive_partitioning = true).

Prints {"ok": true, "counts": {table: {reader: rows}}, "types": {...}} on its last line, or exits 1
listing every mismatch.
"""
import json
import math
import os
import sys

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

PA_TYPES = {
    'int32': pa.int32(),
    'int64': pa.int64(),
    'float64': pa.float64(),
    'utf8': pa.string(),
    'dict': pa.dictionary(pa.int32(), pa.string()),
    'timestamp_ms': pa.timestamp('ms', tz='UTC'),
    'list_float32': pa.list_(pa.float32()),
    'list_float64': pa.list_(pa.float64()),
}
POLARS_TYPES = {
    'int32': pl.Int32,
    'int64': pl.Int64,
    'float64': pl.Float64,
    'utf8': pl.String,
    'dict': pl.Categorical,
    'timestamp_ms': pl.Datetime('ms', 'UTC'),
    'list_float32': pl.List(pl.Float32),
    'list_float64': pl.List(pl.Float64),
}
DUCKDB_TYPES = {
    'int32': 'INTEGER',
    'int64': 'BIGINT',
    'float64': 'DOUBLE',
    'utf8': 'VARCHAR',
    'dict': 'VARCHAR',  # DuckDB has no dictionary type for Parquet strings
    'timestamp_ms': 'TIMESTAMP WITH TIME ZONE',
    'list_float32': 'FLOAT[]',
    'list_float64': 'DOUBLE[]',
}
# The types the issue names outright, checked against literal pyarrow types as well.
PINNED = {
    ('kernels', 'values'): pa.list_(pa.float32()),
    ('analytic', 'values'): pa.list_(pa.float64()),
    ('trials', 'seed'): pa.int64(),
    ('trials', 'data_seed'): pa.int64(),
    ('trials', 'started_at'): pa.timestamp('ms', tz='UTC'),
    ('trials', 'activation'): pa.dictionary(pa.int32(), pa.string()),
    ('trials', 'width'): pa.int32(),
}

problems = []


def problem(msg):
    problems.append(msg)


def norm(kind, v):
    """One cell as a comparable Python value: None, a str, an int, a float (NaN as 'NaN'), a tuple of floats."""
    if v is None:
        return None
    if kind in ('list_float32', 'list_float64'):
        dtype = np.float32 if kind == 'list_float32' else np.float64
        return tuple(float(x) for x in np.asarray(v, dtype=dtype))
    if kind == 'timestamp_ms':
        if isinstance(v, (int, np.integer)):
            return int(v)
        return int(pd.Timestamp(v).value // 1_000_000)
    if kind in ('int32', 'int64'):
        if isinstance(v, float) and math.isnan(v):
            return None  # pandas turns a nullable int column with nulls into float64 with NaN
        return int(v)
    if kind == 'float64':
        if isinstance(v, str):
            v = float(v.replace('Infinity', 'inf'))
        v = float(v)
        return 'NaN' if math.isnan(v) else v
    if isinstance(v, float) and math.isnan(v):
        return None  # pandas categoricals hold missing values as NaN
    return str(v)


def rows_of(columns, keys, records):
    """Normalised rows sorted by the key columns."""
    out = [tuple(norm(c['kind'], r[c['name']]) for c in columns) for r in records]
    idx = [[c['name'] for c in columns].index(k) for k in keys]
    return sorted(out, key=lambda row: tuple(row[i] for i in idx))


def compare(table, reader, columns, got, want):
    if len(got) != len(want):
        problem(f'{table}/{reader}: {len(got)} rows, expected {len(want)}')
        return
    names = [c['name'] for c in columns]
    bad = 0
    for g, w in zip(got, want):
        if g != w:
            for name, a, b in zip(names, g, w):
                if a != b and bad < 5:
                    problem(f'{table}/{reader}: column {name}: read {str(a)[:80]}, wrote {str(b)[:80]}')
            bad += 1
    if bad:
        problem(f'{table}/{reader}: {bad} rows differ')


def check_pyarrow(table, path, spec):
    t = pq.read_table(path)
    types = {f.name: f.type for f in t.schema}
    if list(types) != [c['name'] for c in spec['columns']]:
        problem(f'{table}/pyarrow: columns {list(types)}')
        return t.num_rows, {}
    for c in spec['columns']:
        want = PA_TYPES[c['kind']]
        if not types[c['name']].equals(want):
            problem(f'{table}/pyarrow: {c["name"]} is {types[c["name"]]}, expected {want}')
        if t.schema.field(c['name']).nullable != c['nullable']:
            problem(f'{table}/pyarrow: {c["name"]} nullable={t.schema.field(c["name"]).nullable}, expected {c["nullable"]}')
    for (tb, col), want in PINNED.items():
        if tb == table and not types[col].equals(want):
            problem(f'{table}/pyarrow: {col} is {types[col]}, expected {want}')
    meta = t.schema.metadata or {}
    if meta.get(b'ntk_sweep.table') != table.encode():
        problem(f'{table}/pyarrow: schema metadata ntk_sweep.table is {meta.get(b"ntk_sweep.table")}')
    if not meta.get(b'ntk_sweep.version'):
        problem(f'{table}/pyarrow: no ntk_sweep.version in the schema metadata')
    compare(table, 'pyarrow', spec['columns'], rows_of(spec['columns'], spec['keys'], t.to_pylist()), spec['want'])
    return t.num_rows, {k: str(v) for k, v in types.items()}


def check_pandas(table, path, spec):
    df = pd.read_parquet(path)
    if list(df.columns) != [c['name'] for c in spec['columns']]:
        problem(f'{table}/pandas: columns {list(df.columns)}')
        return len(df)
    for c in spec['columns']:
        dt = df[c['name']].dtype
        k = c['kind']
        ok = {
            'int32': str(dt) == 'int32' or (c['nullable'] and str(dt) == 'float64'),
            'int64': str(dt) == 'int64' or (c['nullable'] and str(dt) == 'float64'),
            'float64': str(dt) == 'float64',
            'utf8': str(dt) == 'object',
            'dict': str(dt) == 'category',
            'timestamp_ms': str(dt) == 'datetime64[ms, UTC]',
            'list_float32': str(dt) == 'object' and all(getattr(v, 'dtype', None) == np.float32 for v in df[c['name']].head(5)),
            'list_float64': str(dt) == 'object' and all(getattr(v, 'dtype', None) == np.float64 for v in df[c['name']].head(5)),
        }[k]
        if not ok:
            problem(f'{table}/pandas: {c["name"]} has dtype {dt} for {k}')
    records = df.astype(object).where(df.notna(), None).to_dict('records')
    # pandas holds a missing float as NaN, so it cannot tell a null from a NaN: compare them as one.
    def as_pandas(rows):
        return [tuple(None if v == 'NaN' else v for v in r) for r in rows]
    got = as_pandas(rows_of(spec['columns'], spec['keys'], records))
    compare(table, 'pandas', spec['columns'], got, as_pandas(spec['want']))
    return len(df)


def check_polars(table, glob, spec):
    df = pl.scan_parquet(glob).collect()
    if df.columns != [c['name'] for c in spec['columns']]:
        problem(f'{table}/polars: columns {df.columns}')
        return df.height
    for c in spec['columns']:
        got = df.schema[c['name']]
        want = POLARS_TYPES[c['kind']]
        if got != want:
            problem(f'{table}/polars: {c["name"]} is {got}, expected {want}')
    compare(table, 'polars', spec['columns'], rows_of(spec['columns'], spec['keys'], df.to_dicts()), spec['want'])
    return df.height


def check_duckdb(table, glob, spec):
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true)")
    names = [d[0] for d in rel.description]
    if names != [c['name'] for c in spec['columns']]:
        problem(f'{table}/duckdb: columns {names}')
        return 0
    for c, t in zip(spec['columns'], rel.types):
        if str(t) != DUCKDB_TYPES[c['kind']]:
            problem(f'{table}/duckdb: {c["name"]} is {t}, expected {DUCKDB_TYPES[c["kind"]]}')
    records = [dict(zip(names, r)) for r in rel.fetchall()]
    compare(table, 'duckdb', spec['columns'], rows_of(spec['columns'], spec['keys'], records), spec['want'])
    return len(records)


def check_group_by_width(table, path, glob, spec):
    """Every reader groups a per-trial table by width with no join (the parameter columns are in every file)."""
    names = [c['name'] for c in spec['columns']]
    i = names.index('width')
    want = {}
    for r in spec['want']:
        want[r[i]] = want.get(r[i], 0) + 1
    got = {
        'polars': dict(pl.scan_parquet(glob).group_by('width').len().collect().iter_rows()),
        'pandas': {int(k): int(v) for k, v in pd.read_parquet(path).groupby('width').size().items()},
        'pyarrow': {r['width']: r['width_count'] for r in pq.read_table(path).group_by('width').aggregate([('width', 'count')]).to_pylist()},
        'duckdb': dict(duckdb.sql(f"SELECT width, count(*) FROM read_parquet('{glob}') GROUP BY width").fetchall()),
    }
    for reader, g in got.items():
        if g != want:
            problem(f'{table}/{reader}: rows per width {g}, expected {want}')


def main():
    inp = json.load(sys.stdin)
    run_dir = inp['run_dir']
    with open(inp['expected']) as f:
        expected = json.load(f)
    counts = {}
    types = {}
    for table, spec in expected['tables'].items():
        spec['want'] = rows_of(spec['columns'], spec['keys'], [dict(zip([c['name'] for c in spec['columns']], r)) for r in spec['rows']])
        path = os.path.join(run_dir, table)
        glob = os.path.join(path, '*.parquet')
        counts[table] = {}
        for reader, fn, where in (
            ('pyarrow', check_pyarrow, path),
            ('pandas', check_pandas, path),
            ('polars', check_polars, glob),
            ('duckdb', check_duckdb, glob),
        ):
            try:
                res = fn(table, where, spec)
            except Exception as e:  # a reader that cannot read the folder at all is a finding, not a crash
                problem(f'{table}/{reader}: {type(e).__name__}: {e}')
                res = -1
            if reader == 'pyarrow' and isinstance(res, tuple):
                counts[table][reader], types[table] = res
            else:
                counts[table][reader] = res
        if 'width' in [c['name'] for c in spec['columns']]:
            try:
                check_group_by_width(table, path, glob, spec)
            except Exception as e:
                problem(f'{table}/group by width: {type(e).__name__}: {e}')
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        sys.exit(1)
    print(json.dumps({'ok': True, 'counts': counts, 'types': types}))


main()
