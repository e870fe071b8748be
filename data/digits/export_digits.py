"""Writes data/digits/digits-256.csv from scikit-learn's bundled copy of the UCI optical handwritten
digits (8 x 8 images, load_digits): 256 images drawn without replacement by a seeded generator,
rows 1-128 for training and 129-256 for testing, each split with 12 or 13 images of every class.
Columns: p0 ... p63, the pixel intensities divided by 16 (so in [0, 1]); y0 ... y9, the one-hot
label. Run once with the project's Python:
    .venv/bin/python data/digits/export_digits.py
"""
import csv
import pathlib

import numpy as np
from sklearn.datasets import load_digits

OUT = pathlib.Path(__file__).with_name('digits-256.csv')
PER_SPLIT = 128


def balanced(labels, rng, n):
    """n indices whose classes are as even as possible, in random order."""
    picks = []
    for k in range(10):
        idx = rng.permutation(np.flatnonzero(labels == k))
        picks.append(list(idx))
    out = []
    while len(out) < n:
        for k in rng.permutation(10):
            if len(out) < n and picks[k]:
                out.append(picks[k].pop())
    return out, picks


def main():
    digits = load_digits()
    rng = np.random.default_rng(20190217)
    labels = digits.target
    train, rest = balanced(labels, rng, PER_SPLIT)
    left = np.array([i for k in range(10) for i in rest[k]])
    test, _ = balanced(labels[left], rng, PER_SPLIT)
    order = list(train) + [int(left[i]) for i in test]
    with OUT.open('w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow([f'p{i}' for i in range(64)] + [f'y{k}' for k in range(10)])
        for i in order:
            pixels = [f'{v / 16:.4g}' for v in digits.data[i]]
            onehot = ['1' if labels[i] == k else '0' for k in range(10)]
            w.writerow(pixels + onehot)


if __name__ == '__main__':
    main()
