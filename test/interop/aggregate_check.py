"""Recomputes a run folder's summary and fits with pandas/numpy/scipy from the raw Parquet files
and compares them with RUN/summary/summary.parquet and RUN/fits/fits.parquet (written by
ntk-sweep's DuckDB aggregation). Input (stdin, JSON): {"run": RUN_DIR}. Output (last line, JSON):
the counts compared and the largest differences found.
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats

SNAPSHOT_METRICS = ['kernel_rel_err', 'kernel_drift']
TOP = 5


def main():
    args = json.load(sys.stdin)
    run = args['run']
    unfitted = set(args['unfitted'])
    candidates = args['candidates']  # the group-axis candidates, from src/config/parameters.ts
    trials = pd.read_parquet(f'{run}/trials')
    curves = pd.read_parquet(f'{run}/curves')
    spectra = pd.read_parquet(f'{run}/spectra')
    summary = pd.read_parquet(f'{run}/summary/summary.parquet')
    fits = pd.read_parquet(f'{run}/fits/fits.parquet')

    axes = [c for c in candidates if c in trials.columns and trials[c].nunique() > 1]
    for c in axes:
        if isinstance(trials[c].dtype, pd.CategoricalDtype):
            trials[c] = trials[c].astype(str)
    cells = trials.groupby(axes + ['width']).agg(
        n_trials=('trial_id', 'size'),
        n_failed=('status', lambda s: int((s == 'failed').sum())),
        n_diverged=('status', lambda s: int((s == 'diverged').sum())),
    ).reset_index()
    ok = trials[trials.status == 'ok'][['trial_id', 'width'] + axes]

    def floats(df, keep):
        return [c for c in df.columns if keep(c) and pd.api.types.is_float_dtype(df[c])]

    # The trial's parameters are columns of curves and spectra too: metrics are the other columns,
    # and the parameters come from trials in the merge.
    params = [p for p in curves.columns if p in trials.columns and p != 'trial_id']
    curves = curves.drop(columns=params)
    spectra = spectra.drop(columns=[p for p in params if p in spectra.columns])

    long_parts = []
    c = curves.merge(ok, on='trial_id')
    for m in floats(curves, lambda name: name != 'step'):
        long_parts.append(c[axes + ['width', 'step']].assign(source='curves', metric=m, value=c[m].astype(float)))
    t = trials[trials.status == 'ok']
    for m in floats(trials, lambda name: name.startswith('final_') or name.startswith('test_loss_')):
        long_parts.append(t[axes + ['width']].assign(step=np.nan, source='trials', metric=m, value=t[m].astype(float)))
    s = spectra[(spectra.kind == 'empirical') & (spectra['rank'] < TOP)].merge(ok, on='trial_id')
    long_parts.append(s[axes + ['width', 'step']].assign(source='spectra', metric='eigenvalue_' + s['rank'].astype(str),
                                                         value=s.eigenvalue.astype(float)))
    values = pd.concat(long_parts, ignore_index=True)
    values = values[np.isfinite(values.value)]
    keys = axes + ['width', 'source', 'metric', 'step']
    ours = values.groupby(keys, dropna=False).value.agg(['count', 'mean', 'std']).reset_index()
    ours = ours.merge(cells, on=axes + ['width'])
    tq = stats.t.ppf(0.975, ours['count'] - 1)
    ours['se'] = ours['std'] / np.sqrt(ours['count'])
    ours['ci_low'] = ours['mean'] - tq * ours['se']
    ours['ci_high'] = ours['mean'] + tq * ours['se']

    theirs = summary.copy()
    theirs['step'] = theirs['step'].astype(float)
    ours['step'] = ours['step'].astype(float)
    joined = ours.merge(theirs, on=keys, how='outer', suffixes=('_py', ''), indicator=True)
    unmatched = int((joined['_merge'] != 'both').sum())
    both = joined[joined['_merge'] == 'both']

    def rel(a, b):
        a = np.asarray(a, float)
        b = np.asarray(b, float)
        nan_mismatch = int(np.sum(np.isnan(a) != np.isnan(b)))
        m = ~np.isnan(a) & ~np.isnan(b)
        d = np.abs(a[m] - b[m]) / np.maximum(1.0, np.abs(b[m]))
        return float(d.max() if d.size else 0.0), nan_mismatch

    diffs = {}
    for py, ts in [('count', 'n'), ('mean', 'mean'), ('std', 'sd'), ('se_py', 'se'),
                   ('ci_low_py', 'ci_low'), ('ci_high_py', 'ci_high'), ('n_trials_py', 'n_trials'),
                   ('n_failed_py', 'n_failed'), ('n_diverged_py', 'n_diverged')]:
        diffs[ts] = rel(both[py], both[ts])

    # Fits: the line through log(mean) against log(width), for every fit row.
    means = ours.set_index(keys)['mean']
    fit_diffs = {'slope': 0.0, 'intercept': 0.0, 'r2': 0.0}
    reasons_ok = True
    checked = 0
    for _, f in fits.iterrows():
        sel = ours
        for a in axes:
            sel = sel[sel[a] == f[a]]
        sel = sel[(sel.source == f.source) & (sel.metric == f.metric)]
        sel = sel[sel.step.isna()] if pd.isna(f.step) else sel[sel.step == f.step]
        w = sel.width.to_numpy(float)
        m = sel['mean'].to_numpy(float)
        if len(w) < 2:
            reasons_ok &= f.reason == 'one width' and pd.isna(f.slope)
            continue
        if np.any(m <= 0):
            reasons_ok &= f.reason == 'non-positive mean' and pd.isna(f.slope)
            continue
        x, y = np.log(w), np.log(m)
        slope, intercept = np.polyfit(x, y, 1)
        resid = y - (intercept + slope * x)
        sst = np.sum((y - y.mean()) ** 2)
        # Means that differ only by rounding lie on a horizontal line: R² = 1 (the rule of src/aggregate/fits.ts).
        flat = np.var(y) <= (1e-12 * max(1.0, np.max(np.abs(y)))) ** 2
        r2 = 1.0 if flat else 1 - np.sum(resid ** 2) / sst
        fit_diffs['slope'] = max(fit_diffs['slope'], abs(slope - f.slope))
        fit_diffs['intercept'] = max(fit_diffs['intercept'], abs(intercept - f.intercept))
        fit_diffs['r2'] = max(fit_diffs['r2'], abs(r2 - f.r2))
        reasons_ok &= pd.isna(f.reason) and f.slope_ci_low <= f.slope_ci_high
        checked += 1

    # The fit keys: curves at each group's first and last step and at every kernel snapshot.
    want = set()
    for g, sub in ours[ours.source == 'curves'].groupby(axes):
        g = g if isinstance(g, tuple) else (g,)
        snaps = set(sub[sub.metric.isin(SNAPSHOT_METRICS)].step) | {sub.step.min(), sub.step.max()}
        for _, r in sub[sub.step.isin(snaps)][['metric', 'step']].drop_duplicates().iterrows():
            if r.metric not in unfitted:
                want.add(g + (r.metric, float(r.step)))
    got = {tuple(r[a] for a in axes) + (r.metric, float(r.step)) for _, r in fits[fits.source == 'curves'].iterrows()}

    print(json.dumps({
        'axes': axes,
        'summary_rows': len(theirs),
        'python_rows': len(ours),
        'unmatched': unmatched,
        'diffs': diffs,
        'fits_checked': checked,
        'fit_diffs': fit_diffs,
        'reasons_ok': bool(reasons_ok),
        'fit_keys_equal': want == got,
        'fit_keys': [len(want), len(got)],
    }))


if __name__ == '__main__':
    main()
