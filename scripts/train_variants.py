"""Train the generators of the GAN-variants notebook for longer and ship them.

    PYTHONPATH=. python scripts/train_variants.py                 # all five
    PYTHONPATH=. python scripts/train_variants.py --variants acgan --steps 6000

For each variant: the classroom widths and the settings of
``helpers.experiments.variants.SHIPPED_SETTINGS`` (the notebook's table plus
what a long run needs: the R1 penalty on D, see that table), the same seed,
many more steps, in the fastest precision this machine has (``--precision``).
Writes ``helpers/assets/<variant>_generator.weights.h5`` and records the
budget, settings, precision, time taken and the evaluator's scores in
``helpers/assets/gan_variants.json`` (one entry per variant, updated as each
one finishes; two runs for different variants can share the file).

Each run shows a progress bar and saves its whole training state (weights,
optimizers, random state, history) every ``--checkpoint-every`` steps under
``--checkpoints``; after an interruption (Ctrl-C, a closed laptop) the same
command with ``--resume`` goes on from the last saved step instead of
starting again.

On a machine with GPUs the run uses them: one GPU by itself, several (or
``--devices N`` of them) under ``tf.distribute.MirroredStrategy``, each device
taking ``batch_size / N`` of every batch. Without a GPU, ``--devices N`` needs
the CPU split into N logical devices (``GAN_CLASSROOM_CPU_DEVICES=N``), which
tests the distributed path but does not make the run faster.
"""
import argparse
import datetime
import json
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import helpers  # noqa: E402,F401  (first: it may split the CPU before TensorFlow starts)
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from helpers.experiments import variants  # noqa: E402
from helpers.checkpoints import file_sha256, save_weights  # noqa: E402
from helpers.evaluator import format_scores, load_evaluator  # noqa: E402
from helpers.datasets import load_mnist  # noqa: E402
from helpers.devices import PRECISIONS, describe, make_strategy  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--variants", default=",".join(variants.VARIANTS),
                   help="comma-separated, from " + ", ".join(variants.VARIANTS))
    p.add_argument("--steps", type=int, default=variants.SHIPPED_BUDGET["steps"],
                   help="generator steps for DCGAN, CGAN, LSGAN and ACGAN")
    p.add_argument("--wgan-steps", type=int, default=variants.SHIPPED_BUDGET["wgan_steps"],
                   help="generator steps for WGAN (each with five critic steps)")
    p.add_argument("--batch-size", type=int, default=variants.SHIPPED_BUDGET["batch_size"])
    p.add_argument("--precision", default="auto", choices=("auto",) + PRECISIONS,
                   help="auto: bfloat16 on a CPU with bfloat16 units, float32 elsewhere")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--widths", default="classroom", choices=sorted(variants.WIDTHS))
    p.add_argument("--assets", default=variants.ASSETS, help="where to write the files")
    p.add_argument("--checkpoints", default=os.path.join("artifacts", "variant_checkpoints"),
                   help="where the training state is saved while a run goes on")
    p.add_argument("--checkpoint-every", type=int, default=500,
                   help="save the training state every this many steps")
    p.add_argument("--devices", type=int, default=None,
                   help="train on this many devices, mirrored (default: every GPU there is, "
                        "or the CPU)")
    p.add_argument("--resume", action="store_true",
                   help="go on from the saved training state of each variant, if any")
    args = p.parse_args(argv)
    chosen = [v.strip() for v in args.variants.split(",") if v.strip()]
    if not chosen:
        p.error("--variants names no variant")
    for v in chosen:
        if v not in variants.VARIANTS:
            p.error(f"unknown variant {v!r}; choose from {', '.join(variants.VARIANTS)}")
    for name in ("steps", "wgan_steps", "batch_size", "checkpoint_every", "devices"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            p.error(f"--{name.replace('_', '-')} must be a positive integer")
    if args.devices and args.batch_size % args.devices:
        p.error(f"--batch-size {args.batch_size} cannot be split over {args.devices} devices; "
                f"use a multiple of {args.devices}")
    args.variants = chosen
    return args


def state_path(args, variant):
    """Where the training state of ``variant`` is saved during a run."""
    return os.path.join(args.checkpoints, f"{variant}_b{args.batch_size}_seed{args.seed}_"
                        f"{args.widths}.npz")


def train_with_checkpoints(trainer, steps, path, every, desc):
    """Train ``trainer`` up to ``steps`` steps in all, saving its state to
    ``path`` every ``every`` steps and when the run stops early."""
    while trainer.step < steps:
        n = min(every, steps - trainer.step)
        trainer.train(n, progress=True, chunk=min(100, n), desc=f"{desc} {trainer.step}/{steps}")
        trainer.save_state(path)
        if trainer.status != "finished":
            return False
    return True


def main(argv=None):
    args = parse_args(argv)
    try:
        strategy = make_strategy(args.devices)
    except (RuntimeError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    devices = describe(strategy)
    print(f"training on {devices}", flush=True)
    data = load_mnist()
    evaluator = load_evaluator()
    manifest_path = os.path.join(args.assets, os.path.basename(variants.MANIFEST_PATH))
    common = {
        "made_by": "scripts/train_variants.py",
        "score": {"images": variants.SCORE_N, "noise_seed": variants.SCORE_SEED,
                  "evaluator": "helpers/assets/digit_classifier.weights.h5"},
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores (shared), "
                   f"TensorFlow {tf.__version__}, Keras {keras.__version__}",
    }
    for variant in args.variants:
        steps = args.wgan_steps if variant == "wgan" else args.steps
        settings = dict(variants.SHIPPED_SETTINGS[variant])
        trainer = variants.make_variant_trainer(
            variant, data.x, data.y, widths=args.widths, batch_size=args.batch_size,
            seed=args.seed, strategy=strategy, precision=args.precision, **settings)
        path = state_path(args, variant)
        if args.resume and os.path.isfile(path):
            trainer.load_state(path)
            print(f"{variant}: resuming at step {trainer.step} from {path}", flush=True)
        print(f"{variant}: {steps} steps at batch {args.batch_size} in {trainer.precision} ...",
              flush=True)
        if not train_with_checkpoints(trainer, steps, path, args.checkpoint_every, variant):
            print(f"{variant}: {trainer.message} State saved to {path}; run the same "
                  "command with --resume to go on.", flush=True)
            if trainer.status == "stopped":
                return 130
            continue
        seconds = trainer.elapsed
        path = os.path.join(args.assets, f"{variant}_generator.weights.h5")
        save_weights(trainer.generator, path)
        # graded as a user gets it: the saved file, loaded into a float32 generator
        scores = variants.score_generator(
            variants.load_generator(variant, path, widths=args.widths), evaluator)
        record = {
            "file": os.path.basename(path),
            "sha256": file_sha256(path),
            "widths": {k: list(v) for k, v in variants.check_widths(args.widths).items()},
            "steps": trainer.step,
            "batch_size": args.batch_size,
            "seed": args.seed,
            "settings": settings,
            "precision": trainer.precision,
            "data": f"{data.source} ({len(data.x)} digits)",
            "devices": devices,
            "seconds": round(seconds, 1),
            "ms_per_step": round(1000 * seconds / max(1, trainer.step), 1),
            "status": trainer.status,
            "scores": {k: (round(v, 4) if isinstance(v, float) else v)
                       for k, v in scores.items()},
            "trained_on": datetime.date.today().isoformat(),
        }
        update_manifest(manifest_path, variant, record, common)
        print(f"{variant}: {trainer.step} steps in {seconds:.0f} s -> "
              f"{format_scores(scores)}", flush=True)


def update_manifest(path, variant, record, common):
    """Write ``record`` as the entry of ``variant`` in the manifest at ``path``,
    read again just before (another run may have added its variant meanwhile);
    the file is replaced in one step, so a reader never sees half of it."""
    manifest = {"variants": {}}
    if os.path.isfile(path):
        with open(path) as f:
            manifest = json.load(f)
    manifest.update(common)
    manifest.setdefault("variants", {})[variant] = record
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
