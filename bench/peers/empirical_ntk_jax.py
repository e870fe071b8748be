"""Peer timings for bench/empirical-ntk.ts: the empirical NTK of a ReLU MLP in JAX on CPU (float32).

Reads {"n", "dim", "depth", "widths", "reps", "budget_bytes"} as JSON on stdin and prints
{"device", "threads", "results": [{"width", "structured_s", "nt1_s", "nt3_s"}]}, each a median over
reps (one for implementation 1 at width >= 1024) after one compile-and-run. Columns:
  structured_s  the per-layer structured products of src/ntk/empirical.ts written in jax.numpy, jitted
  nt1_s         neural-tangents empirical_ntk_fn, implementation 1 (Jacobian contraction), jitted
  nt3_s         neural-tangents empirical_ntk_fn, implementation 3 (structured derivatives), jitted
A value of null means skipped: the N x P Jacobian (implementation 1) would exceed budget_bytes.
"""
import json
import os
import statistics
import sys
import time

import jax

jax.config.update('jax_platforms', 'cpu')

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402

W_STD = 2 ** 0.5
B_STD = 0.1


def network(width, depth):
    layers = []
    for _ in range(depth):
        layers += [stax.Dense(width, W_std=W_STD, b_std=B_STD), stax.Relu()]
    layers += [stax.Dense(1, W_std=W_STD, b_std=B_STD)]
    return stax.serial(*layers)


def structured(params, x):
    """Θ = Σ_l (a_l² H Hᵀ + c²) ⊙ Δ Δᵀ for the NTK parameterization, k = 1."""
    dense = [p for p in params if p != ()]
    hs, zs = [x], []
    h = x
    for w, b in dense[:-1]:
        z = (W_STD / jnp.sqrt(h.shape[1])) * (h @ w) + B_STD * b
        zs.append(z)
        h = jax.nn.relu(z)
        hs.append(h)
    w_last = dense[-1][0]
    a = W_STD / jnp.sqrt(hs[-1].shape[1])
    theta = a ** 2 * (hs[-1] @ hs[-1].T) + B_STD ** 2
    delta = a * w_last[:, 0][None, :] * (zs[-1] > 0)
    for l in reversed(range(len(dense) - 1)):
        a = W_STD / jnp.sqrt(hs[l].shape[1])
        theta = theta + (a ** 2 * (hs[l] @ hs[l].T) + B_STD ** 2) * (delta @ delta.T)
        if l > 0:
            delta = a * (delta @ dense[l][0].T) * (zs[l - 1] > 0)
    return theta


def timed(fn, reps):
    jax.block_until_ready(fn())  # compile and warm up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        jax.block_until_ready(fn())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    cfg = json.load(sys.stdin)
    n, dim, depth, reps = cfg['n'], cfg['dim'], cfg['depth'], cfg['reps']
    x = jnp.asarray(np.random.default_rng(0).standard_normal((n, dim)), dtype=jnp.float32)
    results = []
    for width in cfg['widths']:
        init_fn, apply_fn, _ = network(width, depth)
        _, params = init_fn(jax.random.PRNGKey(0), x.shape)
        p_count = sum(int(np.prod(a.shape)) for layer in params for a in layer)
        row = {'width': width, 'params': p_count}
        f = jax.jit(structured)
        row['structured_s'] = timed(lambda: f(params, x), reps)
        for impl in (1, 3):
            if impl == 1 and n * p_count * 4 > cfg['budget_bytes']:
                row[f'nt{impl}_s'] = None
                continue
            ntk = jax.jit(nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=impl))
            slow = impl == 1 and width >= 1024  # tens of seconds per call: one timed run
            row[f'nt{impl}_s'] = timed(lambda: ntk(x, None, params), 1 if slow else reps)
        results.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(json.dumps({'device': jax.devices()[0].device_kind, 'threads': os.cpu_count(), 'results': results}))


if __name__ == '__main__':
    main()
