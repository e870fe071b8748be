"""Peer timings for bench/gpu.ts on the same machine: JAX (jit) and PyTorch (eager), on the GPU when
they see one, else on the CPU (the `device` fields say which). Float32 throughout, with TF32 matrix
products turned off in both (WebGPU has none), so that all three do the same arithmetic.

Reads JSON on stdin:
  {"gd":  {"n", "dim", "depth", "widths", "steps", "reps", "lr"},
   "ntk": {"ns", "dim", "depth", "widths", "reps"}}
and prints one JSON object on its last stdout line:
  {"jax":   {"version", "device", "gd": [{"width", "step_ms"}], "ntk": [{"n", "width", "ms"}]} | {"error"},
   "torch": {"version", "device", "gd": [{"width", "step_ms"}]} | {"error"}}
Each figure is the median over `reps` rounds after a warm-up (compile) round. A GD round runs
`steps` steps back to back and synchronises once, as ours does: step_ms = round time / steps.
The model: ReLU MLP in NTK parameterization (W_std = √2, b_std = 0.1), L = 1/(2N) Σ‖f − y‖²,
θ ← θ − η ∇L; the empirical NTK is the per-layer structured product of src/ntk/empirical.ts.
A framework that is missing or fails is reported as {"error": ...}; the other still runs.
"""
import json
import statistics
import sys
import time

W_STD = 2 ** 0.5
B_STD = 0.1


def median_ms(run_round, reps, per):
    run_round()  # compile / warm up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        run_round()
        times.append((time.perf_counter() - t0) * 1000 / per)
    return statistics.median(times)


def jax_peer(cfg):
    import jax
    jax.config.update('jax_default_matmul_precision', 'highest')  # true float32, no TF32
    import jax.numpy as jnp
    import numpy as np

    device = jax.devices()[0]

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

    out = {'version': jax.__version__, 'device': f'{device.platform}: {device.device_kind}',
           'matmul_precision': 'highest', 'gd': [], 'ntk': []}
    rng = np.random.default_rng(0)

    g = cfg.get('gd')
    if g:
        n, dim, depth, lr = g['n'], g['dim'], g['depth'], g['lr']
        x = jnp.asarray(rng.standard_normal((n, dim)), dtype=jnp.float32)
        y = jnp.asarray(rng.standard_normal((n, 1)), dtype=jnp.float32)

        def loss(params):
            return 0.5 * jnp.sum((apply(params, x) - y) ** 2) / n

        @jax.jit
        def step(params):
            l, grads = jax.value_and_grad(loss)(params)
            return jax.tree_util.tree_map(lambda p, d: p - lr * d, params, grads), l

        for width in g['widths']:
            state = {'p': init(jax.random.PRNGKey(0), [dim] + [width] * depth + [1])}

            def run_round():
                p = state['p']
                for _ in range(g['steps']):
                    p, _loss = step(p)
                state['p'] = jax.block_until_ready(p)

            out['gd'].append({'width': width, 'step_ms': median_ms(run_round, g['reps'], g['steps'])})
            print(json.dumps({'jax_gd': out['gd'][-1]}), file=sys.stderr, flush=True)

    k = cfg.get('ntk')
    if k:
        @jax.jit
        def structured(params, x):
            hs, zs, h = [x], [], x
            for w, b in params[:-1]:
                z = (W_STD / jnp.sqrt(h.shape[1])) * (h @ w) + B_STD * b
                zs.append(z)
                h = jax.nn.relu(z)
                hs.append(h)
            a = W_STD / jnp.sqrt(hs[-1].shape[1])
            theta = a ** 2 * (hs[-1] @ hs[-1].T) + B_STD ** 2
            delta = a * params[-1][0][:, 0][None, :] * (zs[-1] > 0)
            for l in reversed(range(len(params) - 1)):
                a = W_STD / jnp.sqrt(hs[l].shape[1])
                theta = theta + (a ** 2 * (hs[l] @ hs[l].T) + B_STD ** 2) * (delta @ delta.T)
                if l > 0:
                    delta = a * (delta @ params[l][0].T) * (zs[l - 1] > 0)
            return theta

        for n in k['ns']:
            x = jnp.asarray(rng.standard_normal((n, k['dim'])), dtype=jnp.float32)
            for width in k['widths']:
                params = init(jax.random.PRNGKey(0), [k['dim']] + [width] * k['depth'] + [1])
                ms = median_ms(lambda: jax.block_until_ready(structured(params, x)), k['reps'], 1)
                out['ntk'].append({'n': n, 'width': width, 'ms': ms})
                print(json.dumps({'jax_ntk': out['ntk'][-1]}), file=sys.stderr, flush=True)
    return out


def torch_peer(cfg):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False  # true float32, no TF32
    torch.backends.cudnn.allow_tf32 = False
    cuda = torch.cuda.is_available()
    dev = torch.device('cuda' if cuda else 'cpu')
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    out = {'version': torch.__version__,
           'device': f"cuda: {torch.cuda.get_device_name(0)}" if cuda else f'cpu ({torch.get_num_threads()} threads)',
           'gd': []}
    g = cfg.get('gd')
    if not g:
        return out
    n, dim, depth, lr = g['n'], g['dim'], g['depth'], g['lr']
    gen = torch.Generator(device='cpu').manual_seed(0)
    x = torch.randn(n, dim, generator=gen).to(dev)
    y = torch.randn(n, 1, generator=gen).to(dev)
    for width in g['widths']:
        sizes = [dim] + [width] * depth + [1]
        params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            params.append(torch.randn(n_in, n_out, generator=gen).to(dev).requires_grad_())
            params.append(torch.randn(n_out, generator=gen).to(dev).requires_grad_())

        def step():
            h = x
            for l in range(0, len(params), 2):
                w, b = params[l], params[l + 1]
                z = (W_STD / w.shape[0] ** 0.5) * (h @ w) + B_STD * b
                h = torch.relu(z) if l < len(params) - 2 else z
            loss = 0.5 * ((h - y) ** 2).sum() / n
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, d in zip(params, grads):
                    p.sub_(lr * d)
            return loss

        def run_round():
            for _ in range(g['steps']):
                step()
            sync()

        out['gd'].append({'width': width, 'step_ms': median_ms(run_round, g['reps'], g['steps'])})
        print(json.dumps({'torch_gd': out['gd'][-1]}), file=sys.stderr, flush=True)
    return out


def guarded(peer, cfg):
    try:
        return peer(cfg)
    except ImportError as e:
        return {'error': f'not installed: {e}'}
    except Exception as e:  # a peer that fails (e.g. out of memory) is reported, not fatal
        return {'error': f'{type(e).__name__}: {e}'}


def main():
    cfg = json.load(sys.stdin)
    result = {'jax': guarded(jax_peer, cfg), 'torch': guarded(torch_peer, cfg)}
    print(json.dumps(result))


if __name__ == '__main__':
    main()
