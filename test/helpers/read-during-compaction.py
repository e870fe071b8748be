"""Reads a run folder in a loop, as a user would with plain globs, until a stop file appears.

Input (stdin JSON): {"run": RUN, "stop": FILE, "must": [trial ids complete before the loop began],
"curves_per_trial": n}. Each round reads `trials` and `curves` through DuckDB
(read_parquet('RUN/<table>/*.parquet')) and pyarrow (pq.read_table('RUN/<table>')) and records a
violation when a trial appears twice (more rows than it has), a trial of `must` is missing, or a
trial has a `trials` row without its curves. A read that fails because a file it listed was
removed before it opened it (a scan straddling a generation swap) is counted, not a violation.
Prints one JSON line: rounds, straddled, violations.
"""
import json, os, sys, collections
import duckdb
import pyarrow.parquet as pq

cfg = json.load(sys.stdin)
run, stop, must, per = cfg["run"], cfg["stop"], set(cfg["must"]), cfg["curves_per_trial"]
rounds = straddled = 0
violations = []


def check(source, trials_ids, curves_ids):
    t = collections.Counter(trials_ids)
    c = collections.Counter(curves_ids)
    for tid, n in t.items():
        if n != 1:
            violations.append(f"{source}: trial {tid} has {n} trials rows")
        if c.get(tid, 0) != per:
            violations.append(f"{source}: trial {tid} has {c.get(tid, 0)} curves rows, not {per}")
    for tid, n in c.items():
        if n > per:
            violations.append(f"{source}: trial {tid} has {n} curves rows, more than {per}")
    missing = must - set(t)
    if missing:
        violations.append(f"{source}: {len(missing)} complete trials missing, e.g. {sorted(missing)[0]}")


def straddle(e):
    s = str(e)
    return isinstance(e, FileNotFoundError) or "No such file" in s or "No files found" in s or "not found" in s.lower()


con = duckdb.connect()
while not os.path.exists(stop) or rounds < 3:
    try:
        tr = [r[0] for r in con.sql(f"SELECT trial_id FROM read_parquet('{run}/trials/*.parquet')").fetchall()]
        cu = [r[0] for r in con.sql(f"SELECT trial_id FROM read_parquet('{run}/curves/*.parquet')").fetchall()]
        check("duckdb", tr, cu)
    except Exception as e:  # noqa: BLE001
        if not straddle(e):
            raise
        straddled += 1
    try:
        tr = pq.read_table(f"{run}/trials", columns=["trial_id"]).column("trial_id").to_pylist()
        cu = pq.read_table(f"{run}/curves", columns=["trial_id"]).column("trial_id").to_pylist()
        check("pyarrow", tr, cu)
    except Exception as e:  # noqa: BLE001
        if not straddle(e):
            raise
        straddled += 1
    rounds += 1
    if len(violations) > 20:
        break
print(json.dumps({"rounds": rounds, "straddled": straddled, "violations": violations[:20]}))
