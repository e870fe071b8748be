"""Reference predictions from neural-tangents' `nt.predict` (float64), for
test/interop/predict-nt.test.ts.

stdin: {"cases": [{"id", "ntk_train", "ntk_test_train", "nngp_train", "nngp_test_train",
                   "nngp_test_test", "y", "f0_train", "f0_test", "learning_rate", "times",
                   "ridge", "noise"}]}
        Matrices are lists of rows. `learning_rate` is passed to neural-tangents unchanged: the
        caller converts from its own loss normalisation (nt divides by y_train.size = N·k).
stdout (last line): {"results": [{"id", ...}], "versions": {...}}; every output is a list
        (over times, where there are times) of lists of rows; t = None results are separate.

The kernels are given, not computed here (a kernel_fn that looks them up by the point's index),
so the comparison isolates the prediction code from the kernel code. All cases run in this one
process: JAX start-up dominates.
"""
import collections
import json
import sys
import warnings

import jax

jax.config.update('jax_enable_x64', True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import neural_tangents as nt  # noqa: E402

warnings.filterwarnings('ignore')

Kernel = collections.namedtuple('Kernel', ['nngp', 'ntk'])


def arr(x):
    return jnp.asarray(np.asarray(x, dtype=np.float64))


def out(x):
    return np.asarray(x, dtype=np.float64).tolist()


def lookup_kernel_fn(full):
    """kernel_fn(x1, x2, get) over precomputed kernels on train ∪ test; x holds point indices."""

    def kernel_fn(x1, x2=None, get=None, **_):
        i = np.asarray(x1[:, 0]).astype(int)
        j = i if x2 is None else np.asarray(x2[:, 0]).astype(int)
        k = Kernel(nngp=full['nngp'][np.ix_(i, j)], ntk=full['ntk'][np.ix_(i, j)])
        return getattr(k, get) if isinstance(get, str) else k

    return kernel_fn


def run_case(c):
    ntk_dd, ntk_td = arr(c['ntk_train']), arr(c['ntk_test_train'])
    nngp_dd, nngp_td, nngp_tt = arr(c['nngp_train']), arr(c['nngp_test_train']), arr(c['nngp_test_test'])
    y, f0, f0_test = arr(c['y']), arr(c['f0_train']), arr(c['f0_test'])
    lr = c['learning_rate']
    times = jnp.asarray(c['times'], dtype=jnp.float64)
    n, m = ntk_dd.shape[0], ntk_td.shape[0]
    res = {'id': c['id']}

    # Linearised network from its own f0 (continuous time), and its t -> inf limit.
    gd = nt.predict.gradient_descent_mse(ntk_dd, y, learning_rate=lr)
    tr, te = gd(times, f0, f0_test, ntk_td)
    res['gd_train'], res['gd_test'] = out(tr), out(te)
    tr, te = gd(None, f0, f0_test, ntk_td)
    res['gd_inf_train'], res['gd_inf_test'] = out(tr), out(te)
    gd_r = nt.predict.gradient_descent_mse(ntk_dd, y, learning_rate=lr, diag_reg=c['ridge'],
                                           diag_reg_absolute_scale=True)
    res['krr_ridge_test'] = out(gd_r(None, None, jnp.zeros((m, y.shape[1])), ntk_td))  # f0 = 0

    # Infinite-width ensemble (Lee et al. 2019 eq. 16), NTK and NNGP modes, with covariance.
    full = {
        'ntk': np.block([[np.asarray(ntk_dd), np.asarray(ntk_td).T],
                         [np.asarray(ntk_td), np.full((m, m), np.nan)]]),
        'nngp': np.block([[np.asarray(nngp_dd), np.asarray(nngp_td).T],
                          [np.asarray(nngp_td), np.asarray(nngp_tt)]]),
    }
    x_train = jnp.arange(n, dtype=jnp.float64)[:, None]
    x_test = jnp.arange(n, n + m, dtype=jnp.float64)[:, None]
    ens = nt.predict.gradient_descent_mse_ensemble(lookup_kernel_fn(full), x_train, y, learning_rate=lr)
    for g in ('ntk', 'nngp'):
        mean, cov = ens(times, x_test, g, compute_cov=True)
        res[f'ens_{g}_mean'], res[f'ens_{g}_cov'] = out(mean), out(cov)
        mean, cov = ens(None, x_test, g, compute_cov=True)
        res[f'ens_{g}_inf_mean'], res[f'ens_{g}_inf_cov'] = out(mean), out(cov)

    # NNGP posterior (exact Bayesian inference) with observation noise.
    gp = nt.predict.gp_inference(Kernel(nngp=nngp_dd, ntk=ntk_dd), y, diag_reg=c['noise'],
                                 diag_reg_absolute_scale=True)
    post = gp(('nngp',), Kernel(nngp=nngp_td, ntk=ntk_td), Kernel(nngp=nngp_tt, ntk=None))
    post = getattr(post, 'nngp', post)
    res['gp_mean'], res['gp_cov'] = out(post.mean), out(post.covariance)
    return res


def main():
    req = json.loads(sys.stdin.read())
    results = [run_case(c) for c in req['cases']]
    print(json.dumps({'results': results, 'versions': {'neural_tangents': nt.__version__, 'jax': jax.__version__}}))


if __name__ == '__main__':
    main()
