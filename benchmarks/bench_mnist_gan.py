"""How fast the MNIST GAN trains on this CPU, and how fast it could.

    PYTHONPATH=. python benchmarks/bench_mnist_gan.py [--widths classroom chapter wide_generator]
        [--precision float32 mixed_bfloat16] [--batch-size 32] [--steps 200]

For each size of the notebook's GAN (``helpers.experiments.mnist``; its default
recipe, or the chapter's with ``--recipe chapter``) it prints the
measured milliseconds per training step, the floating-point operations a step
needs (counted from the layer shapes, see ``helpers.experiments.mnist.step_flops``),
this CPU's float32 matrix-multiply speed (measured here with TensorFlow, the
same library and threads the step uses) and from those two the FLOP-bound
ceiling: the fastest a step could be if every operation ran at matmul speed.
The last column is the share of that speed the training step achieves.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import helpers  # noqa: E402,F401  (first: it starts TensorFlow quietly)
import tensorflow as tf  # noqa: E402

from helpers.datasets import load_mnist  # noqa: E402
from helpers.flops import forward_flops, matmul_gflops  # noqa: E402
from helpers.experiments import mnist as experiment  # noqa: E402
from helpers.experiments.mnist import step_flops  # noqa: E402


def time_steps(trainer, steps, rounds=3):
    """Best milliseconds per step over ``rounds`` runs of ``steps`` steps."""
    trainer.train(20, progress=False, chunk=20)  # trace the compiled chunk
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        trainer.train(steps, progress=False, chunk=steps)
        best = min(best, (time.perf_counter() - start) / steps * 1e3)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--widths", nargs="+", default=["classroom", "chapter"],
                        choices=sorted(experiment.NAMED_WIDTHS))
    parser.add_argument("--precision", nargs="+", default=["float32"],
                        choices=experiment.PRECISIONS,
                        help="mixed_bfloat16: bfloat16 arithmetic (its ceiling is still "
                             "counted at the float32 matmul rate)")
    parser.add_argument("--batch-size", type=int, default=experiment.RECIPE["batch_size"],
                        help="default: notebook 03's recipe")
    parser.add_argument("--recipe", choices=["default", "chapter"], default="default",
                        help="notebook 03's default recipe or the chapter's (optimizer, activations)")
    parser.add_argument("--steps", type=int, default=200,
                        help="steps per timed round (the chapter size is ~12x slower)")
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.steps < 1:
        parser.error("--batch-size and --steps must be positive")

    data = load_mnist(source="sample", verbose=False)
    print(f"TensorFlow {tf.__version__}, {os.cpu_count()} CPU cores, "
          f"threads intra {tf.config.threading.get_intra_op_parallelism_threads() or 'auto'}")
    peak = matmul_gflops()
    print(f"float32 matmul 1024x1024: {peak:.1f} GFLOP/s (best of 5)")
    print(f"{'widths':15s} {'precision':14s} {'G MMAC':>7s} {'D MMAC':>7s} {'GFLOP/step':>10s} "
          f"{'ms/step':>8s} {'ceiling ms':>10s} {'achieved':>9s}")
    recipe = experiment.RECIPE if args.recipe == "default" else experiment.CHAPTER_RECIPE
    for widths in args.widths:
        for precision in args.precision:
            trainer = experiment.build(0, data.x, recipe=recipe, widths=widths,
                                       batch_size=args.batch_size, precision=precision)
            steps = args.steps if widths == "classroom" else max(10, args.steps // 10)
            ms = time_steps(trainer, steps)
            flops = step_flops(trainer.generator, trainer.discriminator, args.batch_size)
            ceiling_ms = flops / (peak * 1e9) * 1e3
            print(f"{widths:15s} {precision:14s} {forward_flops(trainer.generator) / 2e6:7.2f} "
                  f"{forward_flops(trainer.discriminator) / 2e6:7.2f} {flops / 1e9:10.3f} "
                  f"{ms:8.1f} {ceiling_ms:10.2f} {ceiling_ms / ms:9.1%}")
    print("ceiling = FLOPs per step / matmul FLOP/s; achieved = ceiling / measured. "
          "The machine may be shared: timings are best of 3 rounds.")


if __name__ == "__main__":
    main()
