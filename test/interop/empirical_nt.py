"""Empirical NTK of the same weights in neural-tangents, for test/interop/empirical-nt.test.ts.

Reads {"cases": [...]} as JSON on stdin; each case has the MlpSpec fields, the weights exported
from TypeScript (weights[l]: n_l x n_{l+1} row-major, biases[l]: n_{l+1}), x1 and optionally x2.
Builds stax.serial(Dense, phi, ..., Dense) with the same parameterization, loads those weights
(stax.Dense keeps W as (n_in, n_out) and b as (1, n_out); ntk: out = W_std/sqrt(n_in) x W + b_std b,
standard: out = x W + b) and prints {"kernels": [...]} from nt.empirical_ntk_fn with
trace_axes=(-1,) (the output average) by Jacobian contraction, in float64.
"""
import json
import sys

import jax

jax.config.update('jax_enable_x64', True)
jax.config.update('jax_platforms', 'cpu')

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402


def activation(name):
    if name == 'relu':
        return stax.Relu()
    if name == 'erf':
        return stax.Erf()
    if name == 'tanh':
        return stax.Elementwise(fn=jnp.tanh)
    if name == 'gelu':
        return stax.Gelu(approximate=False)
    if name == 'softplus':
        return stax.Elementwise(fn=jax.nn.softplus)
    if name == 'sin':
        return stax.Sin()
    # Any other activation is checked against the jax.nn function of the same name (e.g. swish),
    # so adding one to src/activations/ needs no edit here.
    fn = getattr(jax.nn, name, None)
    if callable(fn):
        return stax.Elementwise(fn=fn)
    raise ValueError(f'activation not supported: {name}')


def kernel(case):
    depth, width, k = case['depth'], case['width'], case['outputs']
    dense = dict(W_std=case['wStd'], b_std=case['bStd'], parameterization=case['parameterization'])
    layers = []
    for _ in range(depth):
        layers += [stax.Dense(width, **dense), activation(case['activation'])]
    layers += [stax.Dense(k, **dense)]
    _, apply_fn, _ = stax.serial(*layers)

    sizes = [case['inputDim']] + [width] * depth + [k]
    params = []
    for l in range(depth + 1):
        w = np.asarray(case['weights'][l], dtype=np.float64).reshape(sizes[l], sizes[l + 1])
        b = np.asarray(case['biases'][l], dtype=np.float64).reshape(1, sizes[l + 1])
        params.append((jnp.asarray(w), jnp.asarray(b)))
        if l < depth:
            params.append(())

    x1 = jnp.asarray(np.asarray(case['x1'], dtype=np.float64))
    x2 = None if case.get('x2') is None else jnp.asarray(np.asarray(case['x2'], dtype=np.float64))
    ntk_fn = nt.empirical_ntk_fn(
        apply_fn, trace_axes=(-1,), vmap_axes=0,
        implementation=nt.NtkImplementation.JACOBIAN_CONTRACTION)
    return np.asarray(ntk_fn(x1, x2, params)).tolist()


def main():
    cases = json.load(sys.stdin)['cases']
    print(json.dumps({'kernels': [kernel(c) for c in cases]}))


if __name__ == '__main__':
    main()
