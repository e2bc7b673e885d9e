"""Notebook 01: a GAN that learns N(4, 0.5^2).

Two recipes. :data:`CHAPTER_RECIPE` is the chapter's: a four-unit generator fed
evenly spaced noise on [-8, 8], plain SGD with a staircase decay, batches of 12,
N(0, 1) initial weights, a discriminator pretrained on the data's density.
:data:`RECIPE` is the default here: a 16-unit generator fed N(0, 1) noise, a
32-unit discriminator with minibatch features, Adam with beta_1 = 0.5, batches
of 128. :func:`build_gan` turns either (plus any override) into a ready
:class:`helpers.training.GANTrainer`; :func:`run` trains and scores one seed;
:func:`check` states the lesson the notebook asserts.
"""
import math
import time

import numpy as np

from .. import seed_everything
from ..data import GaussianSampler, NoiseSampler
from ..metrics import jensen_shannon_1d, wasserstein_1d
from ..progress import progress as progress_bar
from ..models import dense_discriminator, dense_generator
from ..training import GANTrainer, pretrain_discriminator
from ..validation import check_positive_int
from . import Result

NAME = "gaussian1d"

#: the real data: x ~ N(4, 0.5^2)
DATA = GaussianSampler(4.0, 0.5)
#: the two kinds of generator input the notebook compares
NOISES = {
    # the chapter's: evenly spread points on [-8, 8] plus a 0.01 jitter
    "grid": NoiseSampler(1, kind="stratified", scale=8.0, jitter=0.01),
    "normal": NoiseSampler(1, kind="normal"),
}

#: the chapter's own settings
CHAPTER_RECIPE = dict(g_hidden=4, d_hidden=8, noise="grid", minibatch=True, init_stddev=1.0,
                      optimizer="sgd", learning_rate=0.005, decay_every=150, decay_rate=0.95,
                      batch_size=12, steps=1200, pretrain_steps=1000)

#: the default here: wider networks, Gaussian noise, Adam (beta_1 = 0.5), bigger batches
RECIPE = dict(g_hidden=16, d_hidden=32, noise="normal", minibatch=True, init_stddev=None,
              optimizer="adam_gan", learning_rate=1e-3, decay_every=None, decay_rate=None,
              batch_size=128, steps=4000, pretrain_steps=0)

#: the lesson: how close a run must get (W1 in the data's units) ...
W1_TARGET = 0.05
#: ... and how close its standard deviation must be to the data's 0.5
SD_TOLERANCE = 0.05

#: where the pretraining draws its points (the chapter: U(-5, 5))
PRETRAIN_RANGE = (-5.0, 5.0)


def generator(hidden=16, init_stddev=None):
    """z -> dense ``hidden``, softplus -> dense 1 (linear) -> x (the chapter: 4 units)."""
    return dense_generator(1, 1, (hidden,), "softplus", init_stddev, name="generator")


def discriminator(hidden=32, minibatch=True, init_stddev=None):
    """x -> two dense tanh layers -> minibatch features -> a logit (the chapter: 8 units).

    Without minibatch features D gets a third tanh layer instead, as in the
    chapter, so both versions have the same depth.
    """
    layers = (hidden, hidden) if minibatch else (hidden, hidden, hidden)
    return dense_discriminator(1, layers, "tanh", minibatch, init_stddev)


def settings_of(recipe=None, **overrides):
    """A recipe (default :data:`RECIPE`) with ``overrides`` applied and checked."""
    settings = dict(RECIPE if recipe is None else recipe)
    unknown = set(overrides) - set(settings)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; the recipe has {sorted(settings)}")
    settings.update(overrides)
    if settings["noise"] not in NOISES:
        raise ValueError(f"noise must be one of {sorted(NOISES)}, got {settings['noise']!r}")
    check_positive_int("steps", settings["steps"])
    return settings


def build_gan(seed=0, recipe=None, **overrides):
    """A trainer for the 1-D game with the settings of ``recipe`` (default
    :data:`RECIPE`; :data:`CHAPTER_RECIPE` for the chapter's) and any overrides,
    e.g. ``build_gan(0, learning_rate=1e-2, minibatch=False)``.

    When the recipe pretrains, D is fitted to the data's density first (its
    losses are in ``trainer.pretrain_losses``). The number of steps the recipe
    trains for is ``trainer.recipe["steps"]``.
    """
    s = settings_of(recipe, **overrides)
    seed_everything(seed)
    g = generator(s["g_hidden"], s["init_stddev"])
    d = discriminator(s["d_hidden"], s["minibatch"], s["init_stddev"])
    decay = {}
    if s["decay_every"]:
        decay = dict(decay_every=s["decay_every"], decay_rate=s["decay_rate"])
    trainer = GANTrainer(g, d, DATA, NOISES[s["noise"]], loss="non_saturating",
                         optimizer=s["optimizer"], learning_rate=s["learning_rate"],
                         batch_size=s["batch_size"], seed=seed, **decay)
    trainer.pretrain_losses = None
    if s["pretrain_steps"]:
        trainer.pretrain_losses = pretrain_discriminator(
            d, DATA.pdf, steps=s["pretrain_steps"], batch_size=s["batch_size"],
            low=PRETRAIN_RANGE[0], high=PRETRAIN_RANGE[1], optimizer="sgd",
            learning_rate=0.005, seed=seed)
    trainer.recipe = s
    return trainer


def point_mass_w1(sigma=DATA.sigma):
    """W1 from N(mu, sigma^2) to a generator that outputs mu only:
    E|X - mu| = sigma * sqrt(2 / pi) (0.40 for the data here)."""
    return sigma * math.sqrt(2.0 / math.pi)


def evaluate(trainer, n=5000, seed=123):
    """How close the generator is to the data: W1, JS distance, mean and spread."""
    n = check_positive_int("n", n)
    fake = trainer.generate(n, seed=seed).ravel()
    real = DATA.numpy(n, seed=seed + 1).ravel()
    return {"w1": wasserstein_1d(real, fake),
            "js": jensen_shannon_1d(real, fake, bins=50, value_range=(-8.0, 8.0)),
            "mean": float(np.mean(fake)), "std": float(np.std(fake))}


def check(metrics):
    """The lesson of notebook 01: W1 at most 0.05 and a spread within 0.05 of 0.5."""
    problems = []
    if not metrics["w1"] <= W1_TARGET:
        problems.append(f"W1 = {metrics['w1']:.3f} is above {W1_TARGET}")
    if not abs(metrics["std"] - DATA.sigma) <= SD_TOLERANCE:
        problems.append(f"generated sd {metrics['std']:.3f} is not within {SD_TOLERANCE} "
                        f"of {DATA.sigma}")
    return problems


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


def seed_sweep(seeds, progress=True, recipe=None, **overrides):
    """One run per seed with the same settings; a table of their scores."""
    import pandas as pd

    seeds = list(seeds)
    if not seeds:
        raise ValueError("give at least one seed")
    rows = []
    for seed in progress_bar(seeds, desc="seeds", enabled=progress):
        result = run(seed, progress=False, recipe=recipe, **overrides)
        rows.append({"seed": seed, **result.metrics, "passed": result.passed})
    return pd.DataFrame(rows).set_index("seed")
