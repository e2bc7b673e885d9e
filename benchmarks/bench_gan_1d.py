"""Speed of the 1-D Gaussian GAN: the helpers trainer against the chapters' way.

- the default recipe of notebook 01 (``gaussian1d.RECIPE``: batch 512) and the
  chapter's recipe (batch 12), each trained by ``GANTrainer``, which runs the
  steps in compiled chunks of 200 (one ``tf.function`` call per chunk);
- per-step Keras, the way the chapters write it, on the chapter's networks and
  batch: every step calls ``generator.predict`` and two ``train_on_batch`` (D on
  a real+fake batch, then the combined G->D model with D frozen).

Prints milliseconds per step and the time for 1,000 steps. The target for the
default recipe is 1,000 steps in at most 1 s (so the panel retrains live).

    python benchmarks/bench_gan_1d.py [--steps 1000] [--repeats 3]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import helpers  # noqa: E402,F401  (quietens TensorFlow's start-up log)
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from helpers import data, training  # noqa: E402
from helpers.experiments import gaussian1d  # noqa: E402

BATCH = 12


def helpers_run(steps, seed, recipe=None):
    """Seconds per step of ``GANTrainer`` on a recipe, and the first call's tracing time."""
    trainer = gaussian1d.build_gan(seed, recipe, pretrain_steps=0)
    t0 = time.perf_counter()
    trainer.train(1, progress=False)  # the first call traces and compiles
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    trainer.train(steps, chunk=200, progress=False)
    return (time.perf_counter() - t0) / steps, compile_s


def keras_run(steps, seed):
    """predict + train_on_batch per step, with the discriminator frozen inside the
    combined model (built and compiled in the order Keras 3 needs)."""
    helpers.seed_everything(seed)
    G = gaussian1d.generator(4, init_stddev=1.0)
    D_logit = gaussian1d.discriminator(8, minibatch=False, init_stddev=1.0)
    D = keras.Sequential([D_logit, keras.layers.Activation("sigmoid")])
    D.compile(optimizer=keras.optimizers.SGD(0.005), loss="binary_crossentropy")
    rng = np.random.default_rng(seed)
    ones, zeros = np.ones((BATCH, 1), np.float32), np.zeros((BATCH, 1), np.float32)
    labels = np.concatenate([ones, zeros])
    # Keras 3 fixes a model's trainable weights at its first training call after
    # compile(): D trains once while trainable, and only then is frozen for the
    # combined model (the other order leaves D with nothing to train)
    D.train_on_batch(np.concatenate([rng.normal(4.0, 0.5, (BATCH, 1)),
                                     rng.normal(0.0, 1.0, (BATCH, 1))]).astype(np.float32), labels)
    D.trainable = False
    gan = keras.Sequential([G, D])
    gan.compile(optimizer=keras.optimizers.SGD(0.005), loss="binary_crossentropy")

    def one_step():
        x = rng.normal(4.0, 0.5, (BATCH, 1)).astype(np.float32)
        z = (np.linspace(-8, 8, BATCH) + 0.01 * rng.random(BATCH)).reshape(-1, 1).astype(np.float32)
        fake = G.predict(z, verbose=0)
        D.train_on_batch(np.concatenate([x, fake]), labels)
        gan.train_on_batch(z, ones)

    t0 = time.perf_counter()
    one_step()  # the first call traces and compiles
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(steps):
        one_step()
    return (time.perf_counter() - t0) / steps, compile_s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000, help="steps per timed run (helpers)")
    parser.add_argument("--keras-steps", type=int, default=200,
                        help="steps per timed run (per-step Keras; it is slow)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best is kept")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.keras_steps < 1 or args.repeats < 1:
        parser.error("--steps, --keras-steps and --repeats must be positive")

    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, "
          f"{os.cpu_count()} CPU cores visible")
    rows = []
    for label, recipe in (("default recipe", gaussian1d.RECIPE),
                          ("chapter's recipe", gaussian1d.CHAPTER_RECIPE)):
        runs = [helpers_run(args.steps, seed, recipe) for seed in range(args.repeats)]
        rows.append((f"GANTrainer, {label} (batch {recipe['batch_size']})",
                     min(r[0] for r in runs), runs[0][1]))
    slow = [keras_run(args.keras_steps, seed) for seed in range(args.repeats)]
    rows.append((f"per-step predict + train_on_batch (batch {BATCH})",
                 min(s[0] for s in slow), slow[0][1]))
    for label, per_step, compile_s in rows:
        print(f"{label:<48} {per_step * 1e3:8.3f} ms/step -> 1,000 steps in "
              f"{per_step * 1e3:6.2f} s   (first call, tracing: {compile_s:.2f} s)")
    chapter_fast, keras_slow = rows[1][1], rows[2][1]
    print(f"ratio at the chapter's batch: the helpers trainer is "
          f"{keras_slow / chapter_fast:.0f}x faster per step")
    print("target: 1,000 steps of the default recipe in <= 1 s -> "
          + ("met" if rows[0][1] * 1000 <= 1.0 else "NOT met on this machine right now"))


if __name__ == "__main__":
    main()
