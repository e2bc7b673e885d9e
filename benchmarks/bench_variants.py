"""Milliseconds per training step of the five GAN variants, and the floor that
the CPU's arithmetic puts under them.

    PYTHONPATH=. python benchmarks/bench_variants.py               # classroom widths
    PYTHONPATH=. python benchmarks/bench_variants.py --widths chapter --steps 10
    GAN_CLASSROOM_CPU_DEVICES=2 PYTHONPATH=. python benchmarks/bench_variants.py --devices 2

For each variant: the FLOPs of one step are counted layer by layer (a
multiply-add is two FLOPs; a backward pass costs twice its forward pass,
except through the discriminator in the generator's update, where only the
gradient with respect to its input is needed), the step is timed after
warm-up, and the step time the measured matmul rate allows (the floor) is
printed next to it; efficiency = floor / measured time. Batch normalisation, activations and the optimizers' updates are not
counted, so the floor is a little optimistic.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import helpers  # noqa: E402,F401  (first: quiet TensorFlow, split the CPU if asked)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from helpers.devices import describe, make_strategy  # noqa: E402
from helpers.experiments import variants  # noqa: E402
from helpers.flops import forward_flops, matmul_gflops, step_flops  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--widths", default="classroom", choices=sorted(variants.WIDTHS))
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--steps", type=int, default=30, help="timed steps per variant")
    p.add_argument("--variants", default=",".join(variants.VARIANTS))
    p.add_argument("--devices", type=int, default=None,
                   help="mirror each step over this many devices (see helpers.devices; on a "
                        "CPU set GAN_CLASSROOM_CPU_DEVICES=N first)")
    args = p.parse_args(argv)
    chosen = [variants.check_variant(v.strip()) for v in args.variants.split(",")]
    strategy = make_strategy(args.devices)

    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, "
          f"{os.cpu_count()} CPU cores; widths {args.widths}, batch {args.batch_size}; "
          f"{describe(strategy)}")
    rate = matmul_gflops()
    print(f"achievable matmul (1024 x 1024, float32): {rate:.1f} GFLOP/s")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (512, 28, 28, 1)).astype("float32")
    y = np.arange(512) % 10
    print(f"{'variant':8s} {'MFLOP/step':>11s} {'floor ms':>9s} {'ms/step':>8s} "
          f"{'efficiency':>11s}")
    for variant in chosen:
        t = variants.make_variant_trainer(variant, x, y, widths=args.widths,
                                          batch_size=args.batch_size, seed=0, strategy=strategy,
                                          **variants.CLASSROOM_SETTINGS[variant])
        flops = step_flops(forward_flops(t.generator), forward_flops(t.discriminator),
                           args.batch_size, t.d_steps)
        t.train(3, chunk=3, progress=False)  # compile
        chunk = max(1, args.steps // 3)
        best = float("inf")
        for _ in range(3):  # best of three: the machine is shared
            start = time.perf_counter()
            t.train(chunk, chunk=chunk, progress=False)
            best = min(best, (time.perf_counter() - start) / chunk)
        floor = flops / (rate * 1e9)
        print(f"{variant:8s} {flops / 1e6:11.1f} {1000 * floor:9.1f} {1000 * best:8.1f} "
              f"{floor / best:11.0%}", flush=True)


if __name__ == "__main__":
    main()
