"""Peer timings for bench/gd-step.ts: one full-batch gradient-descent step of a ReLU MLP in JAX (CPU, jit, float32).

Reads {"n", "dim", "depth", "widths", "reps", "lr"} as JSON on stdin and prints
{"device", "threads", "results": [{"width", "step_s"}]}: the median over reps of one jitted step
θ ← θ − η ∇L, L = 1/(2N) Σ‖f − y‖², NTK parameterization (W_std = √2, b_std = 0.1), after a
compile-and-run warm-up. Parameters are not donated, as TensorFlow.js also allocates new ones.
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

W_STD = 2 ** 0.5
B_STD = 0.1


def init(key, sizes):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        key, kw, kb = jax.random.split(key, 3)
        params.append((jax.random.normal(kw, (n_in, n_out)), jax.random.normal(kb, (n_out,))))
    return params


def apply(params, x):
    h = x
    for l, (w, b) in enumerate(params):
        z = (W_STD / jnp.sqrt(w.shape[0])) * (h @ w) + B_STD * b
        h = jax.nn.relu(z) if l < len(params) - 1 else z
    return h


def loss(params, x, y):
    return 0.5 * jnp.sum((apply(params, x) - y) ** 2) / x.shape[0]


def main():
    cfg = json.load(sys.stdin)
    n, dim, depth, lr = cfg['n'], cfg['dim'], cfg['depth'], cfg['lr']
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.standard_normal((n, dim)), dtype=jnp.float32)
    y = jnp.asarray(rng.standard_normal((n, 1)), dtype=jnp.float32)

    @jax.jit
    def step(params):
        g = jax.grad(loss)(params, x, y)
        return jax.tree_util.tree_map(lambda p, d: p - lr * d, params, g)

    results = []
    for width in cfg['widths']:
        params = init(jax.random.PRNGKey(0), [dim] + [width] * depth + [1])
        params = jax.block_until_ready(step(params))  # compile and warm up
        times = []
        for _ in range(cfg['reps']):
            t0 = time.perf_counter()
            params = jax.block_until_ready(step(params))
            times.append(time.perf_counter() - t0)
        results.append({'width': width, 'step_s': statistics.median(times)})
    print(json.dumps({'device': jax.devices()[0].device_kind, 'threads': os.cpu_count(), 'results': results}))


if __name__ == '__main__':
    main()
