"""The Keras chapter's GAN trained two ways: milliseconds per step, side by side.

    PYTHONPATH=. python benchmarks/bench_vectors.py [--rounds 7] [--classic-steps 20]
                                                    [--trainer-steps 500] [--batch-size 32]

"chapter" is the chapter's loop ported to Keras 3: g.predict, d.train_on_batch
and gan.train_on_batch per step (helpers.keras_classic). "GANTrainer" is the
same networks, optimizer and batch size in one compiled step, run in chunks
(helpers.training.GANTrainer). Both are warmed up (their first call builds the
compiled functions), then timed in alternating bursts; the medians are printed,
in wall-clock time and in CPU time of this process (on a machine shared with
other jobs, the CPU-time figures are the steadier ones). The target is a
ratio of at least 30 on 2 CPU cores.
"""
import argparse
import os
import time

import keras
import tensorflow as tf

from helpers import keras_classic as classic
from helpers.experiments import vectors

MU, SIGMA = 3.0, 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--classic-steps", type=int, default=20)
    parser.add_argument("--trainer-steps", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=vectors.DEFAULTS["batch_size"])
    args = parser.parse_args()

    opt, lr = vectors.DEFAULTS["optimizer"], vectors.DEFAULTS["learning_rate"]
    chapter = classic.build_classic(vectors.DIM, vectors.HIDDEN, output="linear", optimizer=opt,
                                    learning_rate=lr, seed=0)
    trainer = vectors.vector_trainer(MU, SIGMA, optimizer=opt, learning_rate=lr,
                                     batch_size=args.batch_size, seed=0)
    start = time.perf_counter()
    speed = classic.compare_speed(chapter, trainer, MU, SIGMA, rounds=args.rounds,
                                  classic_steps=args.classic_steps,
                                  trainer_steps=args.trainer_steps)
    wall = time.perf_counter() - start
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, "
          f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}")
    print(f"model: {vectors.DIM} -> {vectors.HIDDEN} relu -> {vectors.DIM} (G), "
          f"{vectors.DIM} -> {vectors.HIDDEN} relu -> 1 (D), batch {args.batch_size}, "
          f"{opt} {lr:g}; median of {args.rounds} rounds")
    print(f"{'':<42} {'wall':>9}          {'CPU time':>9}")
    print(f"{'chapter (predict + 2 x train_on_batch)':<42} {speed['classic_ms']:9.2f} ms/step "
          f"{speed['classic_cpu_ms']:9.2f} ms/step")
    print(f"{'GANTrainer (compiled, chunks of %d)' % args.trainer_steps:<42} "
          f"{speed['trainer_ms']:9.2f} ms/step {speed['trainer_cpu_ms']:9.2f} ms/step")
    print(f"{'ratio (target >= 30 x)':<42} {speed['ratio']:9.1f} x       "
          f"{speed['cpu_ratio']:9.1f} x")
    print(f"benchmark wall time {wall:.1f} s")


if __name__ == "__main__":
    main()
