"""Peer for bench/analytic.ts: neural-tangents' analytic NTK (stax kernel_fn, float64, CPU, jit).

stdin: {"x": [[...]], "depth", "w_std", "b_std", "repeats"}
stdout (last line): {"times_s": [...], "compile_s", "ntk_fro", "nngp_fro", "ntk_00", "versions"}
Times are for the jitted kernel_fn after a warm-up call (compilation excluded), each run
blocked until the result is ready.
"""
import json
import sys
import time

import jax

jax.config.update('jax_enable_x64', True)
import jax.numpy as jnp  # noqa: E402
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402


def main():
    req = json.loads(sys.stdin.read())
    w, b = req['w_std'], req['b_std']
    layers = [stax.Dense(1, W_std=w, b_std=b)]
    for _ in range(req['depth']):
        layers += [stax.Relu(), stax.Dense(1, W_std=w, b_std=b)]
    kernel_fn = jax.jit(stax.serial(*layers)[2], static_argnames=('get',))
    x = jnp.asarray(req['x'], dtype=jnp.float64)

    t0 = time.perf_counter()
    k = kernel_fn(x, None, get=('nngp', 'ntk'))
    jax.block_until_ready(k)
    compile_s = time.perf_counter() - t0
    times = []
    for _ in range(req['repeats']):
        t0 = time.perf_counter()
        k = kernel_fn(x, None, get=('nngp', 'ntk'))
        jax.block_until_ready(k)
        times.append(time.perf_counter() - t0)
    print(json.dumps({
        'times_s': times,
        'compile_s': compile_s,
        'ntk_fro': float(jnp.linalg.norm(k.ntk)),
        'nngp_fro': float(jnp.linalg.norm(k.nngp)),
        'ntk_00': float(k.ntk[0, 0]),
        'versions': {'neural_tangents': nt.__version__, 'jax': jax.__version__},
    }))


if __name__ == '__main__':
    main()
