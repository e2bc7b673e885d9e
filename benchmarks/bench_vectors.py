"""Notebook 02's GAN trained five ways: milliseconds per step, side by side.

    PYTHONPATH=. python benchmarks/bench_vectors.py [--rounds 7] [--scale 2]

The ways (helpers.experiments.vectors.WAYS), all on the same networks,
optimizer and batch size:

- the chapter's loop ported to Keras 3: g.predict, d.train_on_batch and
  gan.train_on_batch per step (helpers.keras_classic);
- the GAN as a keras.Model with its own train_step (helpers.keras_gan.GAN),
  stepped by train_on_batch, by fit with steps_per_execution=1 and by fit with
  steps_per_execution=100;
- helpers.training.GANTrainer, compiled chunks of 500 steps.

Each way is warmed up (its first call builds the compiled function), then all
are timed in alternating bursts; the medians are printed, in wall-clock time
and in CPU time of this process (on a machine shared with other jobs, the
CPU-time figures are the steadier ones). ``--scale`` multiplies every burst.
Targets on 2 CPU cores: GANTrainer at least 30 times faster than the chapter's
loop, and fit with steps_per_execution=100 within 1.5 times GANTrainer's CPU
time per step.
"""
import argparse
import os
import time

import helpers  # noqa: F401  (imports TensorFlow quietly)
import keras
import tensorflow as tf

from helpers.experiments import vectors

BURSTS = dict(zip(vectors.WAYS, (20, 100, 200, 1000, 1000)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every burst length by this (default 1)")
    args = parser.parse_args()
    bursts = {way: max(1, round(n * args.scale)) for way, n in BURSTS.items()}

    start = time.perf_counter()
    table = vectors.speed_table(rounds=args.rounds, steps=bursts)
    wall = time.perf_counter() - start
    fastest = table.loc[vectors.WAYS[-1]]
    table["wall ratio"] = table["wall_ms"] / fastest["wall_ms"]
    table["CPU ratio"] = table["cpu_ms"] / fastest["cpu_ms"]
    s = vectors.RECIPE
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, "
          f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}")
    print(f"model: {vectors.DIM} -> {vectors.HIDDEN} relu -> {vectors.DIM} (G), "
          f"{vectors.DIM} -> {vectors.HIDDEN} relu -> 1 (D), batch {s['batch_size']}, "
          f"{s['optimizer']} {s['learning_rate']:g}; median of {args.rounds} rounds "
          f"(ratios: per step, relative to GANTrainer)")
    print(table.round(3).to_string())
    chapter_ratio = table.loc[vectors.WAYS[0], "CPU ratio"]
    fit_ratio = table.loc[vectors.WAYS[3], "CPU ratio"]
    print(f"GANTrainer vs the chapter's loop (target >= 30 x): {chapter_ratio:.1f} x CPU time")
    print(f"fit, steps_per_execution=100 vs GANTrainer (target <= 1.5 x): {fit_ratio:.2f} x CPU time")
    print(f"benchmark wall time {wall:.1f} s")


if __name__ == "__main__":
    main()
