"""Rerun a notebook's experiment for any seed and print the numbers it asserts.

    python -m helpers.experiments NAME --seed N [--steps N] [--save-samples F.npy] [--json]

NAME is one of gaussian1d, vectors, mnist, faces, variants, ring. The recipe is
the notebook's own (``helpers.experiments.NAME.RECIPE``) and so is the code, so
the notebook and this command give the same numbers for the same seed.
``--steps`` shortens or lengthens the training budget. ``--json`` prints one JSON
object on the last line (metrics, ``seconds``, ``passed``, ``problems``).
``--save-samples`` writes 2,000 generated samples as a NumPy array (images:
shape (n, H, W, C), values in [-1, 1]).

Exit status: 0 when the notebook's lesson holds for this run, 1 when it does
not, 2 for a bad argument.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from . import NAMES, get  # noqa: E402

#: how many samples ``--save-samples`` writes
SAVED_SAMPLES = 2000


def _non_negative(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def _positive(text):
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a number >= 1, got 0")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m helpers.experiments",
        description="Train a notebook's default recipe for one seed and print the metrics "
                    "the notebook asserts.")
    parser.add_argument("name", choices=NAMES, help="which notebook's experiment")
    parser.add_argument("--seed", type=_non_negative, default=0, help="random seed (default 0)")
    parser.add_argument("--steps", type=_positive, default=None,
                        help="training steps (default: the notebook's budget)")
    parser.add_argument("--save-samples", metavar="FILE.npy", default=None,
                        help=f"write {SAVED_SAMPLES:,} generated samples to this .npy file")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object on the last line")
    args = parser.parse_args(argv)
    if args.save_samples is not None:
        if not args.save_samples.endswith(".npy"):
            parser.error(f"--save-samples must name a .npy file, got {args.save_samples!r}")
        folder = os.path.dirname(os.path.abspath(args.save_samples))
        if not os.path.isdir(folder):
            parser.error(f"--save-samples: the folder {folder!r} does not exist")
    return args


def main(argv=None):
    args = parse_args(argv)
    experiment = get(args.name)
    try:
        result = experiment.run(seed=args.seed, steps=args.steps, progress=sys.stderr.isatty())
    except ValueError as err:  # a setting the experiment refuses
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(result.summary())
    if args.save_samples:
        import numpy as np

        samples = result.samples(SAVED_SAMPLES)
        np.save(args.save_samples, samples)
        print(f"saved {len(samples):,} samples of shape {samples.shape[1:]} to {args.save_samples}")
    if args.json:
        print(json.dumps(result.to_dict()))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
