"""Reads every per-trial table of a run folder with DuckDB, pandas, polars and pyarrow, as a user
would (plain globs, no join), and reports what each sees.

Input (stdin JSON): {"run": RUN, "tables": [...]}. Prints one JSON line: per table, the number of
.parquet files, and per library the row count, the distinct trial count and the largest number of
copies of one trial's `trials` row; plus trials per width from every library (from the `trials`
table, and from every other table that has a `width` column: no join).
"""
import glob, json, os, sys
import duckdb, pandas as pd, polars as pl, pyarrow.parquet as pq

cfg = json.load(sys.stdin)
run = cfg["run"]
out = {"tables": {}, "width": {}}
for t in cfg["tables"]:
    pattern = f"{run}/{t}/*.parquet"
    files = glob.glob(pattern)
    d = duckdb.sql(f"SELECT count(*), count(DISTINCT trial_id) FROM read_parquet('{pattern}')").fetchone()
    a = pq.read_table(f"{run}/{t}", columns=["trial_id"]).column("trial_id").to_pandas()
    p = pd.read_parquet(f"{run}/{t}", columns=["trial_id"])["trial_id"]
    lf = pl.scan_parquet(pattern).select(pl.len().alias("n"), pl.col("trial_id").n_unique().alias("u")).collect()
    out["tables"][t] = {
        "files": len(files),
        "duckdb": [d[0], d[1]],
        "pyarrow": [len(a), a.nunique()],
        "pandas": [len(p), p.nunique()],
        "polars": [lf["n"][0], lf["u"][0]],
    }
    if t == "trials":
        out["tables"][t]["max_copies"] = int(a.value_counts().max())
    cols = pq.read_schema(files[0]).names
    if "width" in cols and d[0] > 0:
        # Trials per width straight from this table: `width` is a column of its rows.
        w = {
            "duckdb": {str(k): v for k, v in duckdb.sql(f"SELECT width, count(DISTINCT trial_id) FROM read_parquet('{pattern}') GROUP BY width").fetchall()},
            "pandas": {str(k): int(v) for k, v in pd.read_parquet(f"{run}/{t}", columns=["width", "trial_id"]).groupby("width")["trial_id"].nunique().items()},
            "polars": {str(r[0]): r[1] for r in pl.scan_parquet(pattern).group_by("width").agg(pl.col("trial_id").n_unique()).collect().rows()},
            "pyarrow": {str(r["width"]): r["trial_id_count_distinct"] for r in pq.read_table(f"{run}/{t}", columns=["width", "trial_id"]).group_by("width").aggregate([("trial_id", "count_distinct")]).to_pylist()},
        }
        out["width"][t] = w
print(json.dumps(out))
