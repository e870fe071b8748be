"""Reference values of E[phi(u)phi(v)] and E[phi'(u)phi'(v)] for (u, v) ~ N(0, [[q11, q12], [q12, q22]])
by scipy's adaptive Gauss-Kronrod quadrature (QUADPACK), nested: u = s1 z1, v = a z1 + b z2,
E = int g(s1 z1) [int h(a z1 + b z2) N(z2) dz2] N(z1) dz1 on [-L, L]^2, with break points where
the activation turns, so that QUADPACK starts from panels it can refine. Independent of the
panel rules of src/ntk/gaussian-rules.ts (no shared code or constants).

stdin: {"cases": [{"activation", "q11", "q22", "q12"}]}; stdout: {"results": [{"e", "ed", "err"}]}.
"""
import json
import math
import sys
import warnings

from scipy.integrate import IntegrationWarning, quad
from scipy.special import ndtr

L = 12.0
INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def sech2(x):
    return 0.0 if abs(x) > 350 else 1 / math.cosh(x) ** 2


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


ACTS = {
    "tanh": (math.tanh, sech2),
    "gelu": (lambda x: x * ndtr(x), lambda x: ndtr(x) + x * INV_SQRT_2PI * math.exp(-0.5 * x * x)),
    "softplus": (lambda x: max(x, 0) + math.log1p(math.exp(-abs(x))), sigmoid),
    "sin": (math.sin, math.cos),
    "erf": (math.erf, lambda x: 2 / math.sqrt(math.pi) * math.exp(-x * x)),
}


def density(z):
    return INV_SQRT_2PI * math.exp(-0.5 * z * z)


def breaks(center, scale):
    """Break points inside (-L, L): the center and center +- scale * 2^k."""
    pts = {center}
    s = scale
    while s < 2 * L:
        pts.update((center - s, center + s))
        s *= 2
    return sorted(p for p in pts if -L < p < L)


def integrate(f, pts):
    return integrate_on(f, -L, pts, 1.0)


def integrate_on(f, lo, pts, factor):
    """factor * (int of f over [lo, L]) with QUADPACK on the pieces between the break points."""
    val, err = 0.0, 0.0
    edges = [lo, *pts, L]
    for lo, hi in zip(edges[:-1], edges[1:]):
        v, e = quad(f, lo, hi, epsabs=0, epsrel=1e-13, limit=400)
        val += v
        err += e
    return factor * val, factor * err


def expectation(fn, q11, q22, q12):
    s1 = math.sqrt(q11)
    s2 = math.sqrt(q22)
    c = max(-1.0, min(1.0, q12 / (s1 * s2)))
    a = s2 * c
    b = s2 * math.sqrt(max(0.0, 1 - c * c))
    errs = []

    def inner(z1):
        if b < 1e-12 * s2:
            return fn(a * z1)
        v, e = integrate(lambda z2: fn(a * z1 + b * z2) * density(z2), breaks(-a * z1 / b, 0.25 / b))
        return v

    def outer(z1):
        return fn(s1 * z1) * inner(z1) * density(z1)

    return integrate(outer, breaks(0.0, 0.25 / max(s1, abs(a), 1e-300)))


def sin_expectations(q11, q22, q12):
    """sin, whose oscillations defeat nested adaptive quadrature at large variances: the inner
    expectation over z2 is E[sin(a z1 + b z2)] = sin(a z1) e^{-b^2/2} (the Gaussian's characteristic
    function), and the outer one, a Gaussian against cos(w z1) after the product-to-sum identities,
    is integrated period by period."""
    s1 = math.sqrt(q11)
    s2 = math.sqrt(q22)
    c = max(-1.0, min(1.0, q12 / (s1 * s2)))
    a = s2 * c
    b2 = q22 * max(0.0, 1 - c * c)

    def gauss_cos(w):
        # int cos(w z) N(z) dz = 2 int_0^L cos(w z) N(z) dz, in pieces of about one period.
        pts = [k * 2 * math.pi / max(abs(w), 1e-9) for k in range(1, 2000)]
        return integrate_on(lambda z: math.cos(w * z) * density(z), 0.0, [p for p in pts if p < L], 2.0)

    lo, elo = gauss_cos(s1 - a)
    hi, ehi = gauss_cos(s1 + a)
    damp = math.exp(-b2 / 2) / 2
    return damp * (lo - hi), damp * (lo + hi), damp * (elo + ehi)


def main():
    warnings.simplefilter("ignore", IntegrationWarning)
    cases = json.load(sys.stdin)["cases"]
    out = []
    for case in cases:
        phi, dphi = ACTS[case["activation"]]
        q = (case["q11"], case["q22"], case["q12"])
        if case["activation"] == "sin":
            e, ed, err0 = sin_expectations(*q)
            err1 = err0
        else:
            e, err0 = expectation(phi, *q)
            ed, err1 = expectation(dphi, *q)
        out.append({"e": e, "ed": ed, "err": [err0, err1]})
    print(json.dumps({"results": out}))


if __name__ == "__main__":
    main()
