"""Reference analytic kernels from neural-tangents' stax kernel_fn (float64), for
test/interop/analytic-nt.test.ts.

stdin: {"cases": [{"id", "activation", "depth", "w_std", "b_std", "parameterization", "width",
                   "outputs", "x1": [[...]], "x2": [[...]] | null, "deg": int}]}
stdout (last line): {"results": [{"id", "nngp": [[...]], "ntk": [[...]]}], "versions": {...}}

All cases run in this one process: JAX start-up dominates the cost of a case.
"""
import json
import sys
import warnings

import jax

jax.config.update('jax_enable_x64', True)
import jax.numpy as jnp  # noqa: E402
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402

warnings.filterwarnings('ignore')


def activation_layer(name, deg):
    if name == 'relu':
        return stax.Relu()
    if name == 'erf':
        return stax.Erf()  # erf(x): a = b = 1, c = 0
    if name == 'gelu':
        return stax.Gelu(approximate=False)
    if name == 'sin':
        return stax.Sin()  # sin(x): a = b = 1, c = 0
    if name == 'tanh':
        return stax.ElementwiseNumerical(jnp.tanh, deg=deg, df=lambda x: 1 - jnp.tanh(x) ** 2)
    if name == 'softplus':
        return stax.ElementwiseNumerical(jax.nn.softplus, deg=deg, df=jax.nn.sigmoid)
    raise ValueError(f'unknown activation {name}')


def kernel_fn_for(case):
    p = case['parameterization']
    w, b = case['w_std'], case['b_std']
    width = case['width']
    layers = [stax.Dense(width, W_std=w, b_std=b, parameterization=p)]
    for _ in range(case['depth']):
        layers += [activation_layer(case['activation'], case.get('deg', 150)),
                   stax.Dense(width, W_std=w, b_std=b, parameterization=p)]
    # The last Dense has `outputs` units; in the ntk parameterization out_dim does not matter.
    layers[-1] = stax.Dense(case['outputs'], W_std=w, b_std=b, parameterization=p)
    return stax.serial(*layers)[2]


def main():
    req = json.loads(sys.stdin.read())
    results = []
    for case in req['cases']:
        kernel_fn = kernel_fn_for(case)
        x1 = jnp.asarray(case['x1'], dtype=jnp.float64)
        x2 = None if case.get('x2') is None else jnp.asarray(case['x2'], dtype=jnp.float64)
        k = kernel_fn(x1, x2, ('nngp', 'ntk'))
        results.append({'id': case['id'],
                        'nngp': jnp.asarray(k.nngp).tolist(),
                        'ntk': jnp.asarray(k.ntk).tolist()})
    print(json.dumps({'results': results,
                      'versions': {'neural_tangents': nt.__version__, 'jax': jax.__version__}}))


if __name__ == '__main__':
    main()
