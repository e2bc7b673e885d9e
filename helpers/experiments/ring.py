"""Notebook 06: mode collapse you can count, on a ring of 8 Gaussians and a 5x5 grid of 25.

The data (:data:`DATASETS`): 8 Gaussians on a circle of radius 2 with sd 0.05,
and 25 Gaussians on a grid of spacing 2 (from -4 to 4) with sd 0.05. The same sd
for both keeps one meaning of "high quality" (within 3 sd = 0.15 of a centre).

The networks are small MLPs (G: 2-d N(0, 1) noise -> 2 x 128 relu -> 2; D: 2 ->
2 x 128 relu -> 1), trained by :class:`helpers.training.GANTrainer` with Adam
(beta_1 = 0.5). Two recipes differ in one number only, the discriminator's
learning rate:

- :data:`COLLAPSE_RECIPE`: D learns ten times *slower* than G (1e-4 against 1e-3).
  G then chases D's current favourite spot and hops from mode to mode, covering
  at most one or two of the eight at any time;
- :data:`RECIPE` (the default): D learns four times *faster* than G (4e-3 against
  1e-3), a two-timescale rule; the same networks and loss cover the ring.

:data:`LOSSES` lists the losses the notebook compares on one budget under both.
:func:`run` trains and scores one seed, :func:`check` states the lesson the
default recipe must pass, :func:`collapsed` the one the collapse recipe shows.
"""
import time

import numpy as np

from .. import seed_everything
from ..data import NoiseSampler
from ..models import dense_discriminator, dense_generator
from ..modes import GaussianMixtureSampler, grid_centers, mode_report, ring_centers
from ..progress import progress as progress_bar
from ..training import GANTrainer
from ..validation import check_positive_int
from . import Result, with_overrides

NAME = "ring"

#: the sd of every mode (both data sets)
SD = 0.05
#: the two data sets
DATASETS = {
    "ring": GaussianMixtureSampler(ring_centers(8, 2.0), SD, name="ring"),
    "grid": GaussianMixtureSampler(grid_centers(5, 2.0), SD, name="grid"),
}

#: the default: the non-saturating loss on the ring, Adam (beta_1 = 0.5), D four times faster
RECIPE = dict(dataset="ring", loss="non_saturating", optimizer="adam_gan", learning_rate=1e-3,
              d_learning_rate=4e-3, noise_dim=2, g_hidden=(128, 128), d_hidden=(128, 128),
              batch_size=256, d_steps=1, steps=1000)
#: the same, with D ten times slower than G: the generator hops between modes
COLLAPSE_RECIPE = dict(RECIPE, d_learning_rate=1e-4)

#: the default recipe's lesson: at least this many of the ring's 8 modes ...
MIN_MODES = 7
#: ... with at least this share of the samples within 3 sd of a mode
MIN_HIGH_QUALITY = 0.6
#: a run counts as collapsed when it covers at most this many modes
COLLAPSED_MODES = 2

#: the losses the notebook compares, each with the settings it trains with
LOSSES = {
    "non_saturating": dict(loss="non_saturating"),
    "least_squares": dict(loss="least_squares"),
    "wasserstein_gp": dict(loss="wasserstein_gp"),
}

#: samples scored at the end of a run
SCORE_N = 2000


def settings_of(recipe=None, **overrides):
    """A recipe (default :data:`RECIPE`) with ``overrides`` applied and checked."""
    settings = with_overrides(RECIPE if recipe is None else recipe, overrides)
    if settings["dataset"] not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {settings['dataset']!r}")
    check_positive_int("steps", settings["steps"])
    check_positive_int("noise_dim", settings["noise_dim"])
    return settings


def build_gan(seed=0, recipe=None, **overrides):
    """A ready trainer for the settings of ``recipe`` (default :data:`RECIPE`)
    with ``overrides``, e.g. ``build_gan(0, loss="least_squares", dataset="grid")``."""
    s = settings_of(recipe, **overrides)
    seed_everything(seed)
    g = dense_generator(s["noise_dim"], 2, s["g_hidden"], "relu", name="generator")
    d = dense_discriminator(2, s["d_hidden"], "relu", name="discriminator")
    trainer = GANTrainer(g, d, DATASETS[s["dataset"]], NoiseSampler(s["noise_dim"]),
                         loss=s["loss"], optimizer=s["optimizer"],
                         learning_rate=s["learning_rate"], d_learning_rate=s["d_learning_rate"],
                         batch_size=s["batch_size"], d_steps=s["d_steps"], seed=seed)
    trainer.recipe = s
    return trainer


def evaluate(trainer, n=SCORE_N, seed=123):
    """Modes covered and high-quality share of ``n`` generated points, and W1
    between the first :data:`helpers.modes.W1_POINTS` of them and as many real ones."""
    data = trainer.data
    fake = trainer.generate(check_positive_int("n", n), seed=seed)
    return mode_report(fake, data, real=data.numpy(n, seed=seed + 1))


def check(metrics):
    """The lesson of the default recipe: at least :data:`MIN_MODES` of the 8 modes
    covered, and at least :data:`MIN_HIGH_QUALITY` of the samples within 3 sd of one."""
    problems = []
    if not metrics["modes"] >= MIN_MODES:
        problems.append(f"only {metrics['modes']} of {metrics['of_modes']} modes covered "
                        f"(at least {MIN_MODES} expected)")
    if not metrics["high_quality"] >= MIN_HIGH_QUALITY:
        problems.append(f"high-quality share {metrics['high_quality']:.2f} is below "
                        f"{MIN_HIGH_QUALITY}")
    return problems


def collapsed(metrics):
    """True when a run covers at most :data:`COLLAPSED_MODES` modes."""
    return metrics["modes"] <= COLLAPSED_MODES


def run(seed=0, steps=None, progress=True, callbacks=(), recipe=None, **overrides):
    """Build, train and score one run; returns a :class:`helpers.experiments.Result`."""
    start = time.perf_counter()
    trainer = build_gan(seed, recipe, **overrides)
    steps = trainer.recipe["steps"] if steps is None else check_positive_int("steps", steps)
    trainer.train(steps, callbacks=callbacks, progress=progress, desc=f"seed {seed}")
    metrics = {**evaluate(trainer), "status": trainer.status}
    return Result(NAME, seed, trainer.step, metrics, check(metrics),
                  time.perf_counter() - start, trainer=trainer,
                  sampler=lambda n, s: trainer.generate(n, seed=s))


def sweep(configs, seeds, progress=True, **common):
    """One run per (configuration, seed) on one budget: a table with a row per run.

    ``configs`` maps a label to overrides of :data:`RECIPE`, e.g.
    ``{"slow D": dict(d_learning_rate=1e-4)}``; ``common`` applies to all.
    """
    import pandas as pd

    seeds = list(seeds)
    if not seeds or not configs:
        raise ValueError("give at least one configuration and one seed")
    jobs = [(label, seed) for label in configs for seed in seeds]
    rows = []
    for label, seed in progress_bar(jobs, desc="runs", enabled=progress):
        result = run(seed, progress=False, **{**common, **configs[label]})
        rows.append({"run": label, "seed": seed, **result.metrics,
                     "seconds": result.seconds})
    return pd.DataFrame(rows)


# --- what the notebook draws: D's map and where it pushes generated points -----

def field(trainer, lim=3.0, n=60, arrows=15, points=1000, seed=0):
    """A snapshot of the game in the plane.

    ``d``: D's output on an ``n`` x ``n`` grid over [-lim, lim]^2 (a probability
    for the sigmoid losses, a score for least squares and WGAN). ``u, v``: minus
    the gradient of the generator's loss with respect to a generated point x, on
    an ``arrows`` x ``arrows`` grid: the direction G's update moves a sample
    sitting at x. ``fake``: ``points`` generated samples, with their count of
    covered modes (``modes``) and high-quality share (W1 is left out: it is slow).
    """
    import tensorflow as tf

    fine = np.linspace(-lim, lim, check_positive_int("n", n), dtype=np.float32)
    xx, yy = np.meshgrid(fine, fine)
    d = trainer.discriminate(np.stack([xx.ravel(), yy.ravel()], 1)).reshape(xx.shape)
    coarse = np.linspace(-lim, lim, check_positive_int("arrows", arrows), dtype=np.float32)
    ax_, ay_ = np.meshgrid(coarse, coarse)
    x = tf.constant(np.stack([ax_.ravel(), ay_.ravel()], 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        # the loss is a mean over the batch: times the batch size, one point's share
        loss = trainer.loss.generator(trainer.discriminator(x, training=False))["g_loss"]
        loss = loss * tf.cast(tf.shape(x)[0], tf.float32)
    grad = -tape.gradient(loss, x).numpy()
    fake = trainer.generate(check_positive_int("points", points), seed=seed)
    report = mode_report(fake, trainer.data, w1_points=0)
    return {"step": trainer.step, "x": fine, "d": d, "ax": coarse,
            "u": grad[:, 0].reshape(ax_.shape), "v": grad[:, 1].reshape(ax_.shape),
            "fake": fake, "centers": trainer.data.centers, "modes": report["modes"],
            "of_modes": report["of_modes"], "high_quality": report["high_quality"],
            "sigmoid": trainer.loss.uses_sigmoid}


def draw_field(frame, ax, title=None, colorbar=False):
    """Draw a :func:`field` snapshot: D as a heat map, G's pull as arrows,
    generated points in red and the modes' centres as green crosses."""
    lim = float(frame["x"][-1])
    kw = dict(vmin=0.0, vmax=1.0) if frame["sigmoid"] else {}
    im = ax.imshow(frame["d"], origin="lower", extent=(-lim, lim, -lim, lim), cmap="Blues",
                   alpha=0.8, **kw)
    u, v = frame["u"], frame["v"]
    norm = np.hypot(u, v)
    scale = np.max(norm) if np.max(norm) > 0 else 1.0
    ax.quiver(frame["ax"], frame["ax"], u / scale, v / scale, color="0.25", scale=20,
              width=0.004)
    fake = frame["fake"]
    ax.scatter(fake[:, 0], fake[:, 1], s=2, color="tab:red", alpha=0.5, label="generated")
    c = frame["centers"]
    ax.scatter(c[:, 0], c[:, 1], marker="x", s=30, color="tab:green", label="modes")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or f"step {frame['step']}: {frame['modes']}/{frame['of_modes']} modes, "
                          f"{frame['high_quality']:.0%} near one", fontsize=9)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04,
                           label="D(x)" if frame["sigmoid"] else "D's score")
    return im


def lim_of(dataset):
    """Half the width of the square the pictures show for ``dataset``."""
    return 3.0 if dataset == "ring" else 5.5
