"""The 1-D Gaussian experiment (notebook 01) in one place: its data, its noise,
two recipes (the chapter's and the one this course trains by default), a
builder that returns a pretrained, ready-to-train ``GANTrainer``, the numbers
that judge a run, and a seed sweep.
"""
import math

import numpy as np

from . import seed_everything
from .data import GaussianSampler, NoiseSampler
from .metrics import jensen_shannon_1d, wasserstein_1d
from .models import gaussian_discriminator, gaussian_generator
from .training import GANTrainer, pretrain_discriminator
from .validation import check_positive_int

#: the real data: x ~ N(4, 0.5^2)
DATA = GaussianSampler(4.0, 0.5)
#: the generator's input: evenly spread points on [-8, 8] plus a 0.01 jitter
NOISE = NoiseSampler(1, kind="stratified", scale=8.0, jitter=0.01)

#: the chapter's own settings: plain SGD from 0.005 decayed by 0.95 every 150
#: steps, N(0, 1) initial weights, batch 12, 1,200 steps
CHAPTER_RECIPE = dict(optimizer="sgd", learning_rate=0.005, decay_every=150, decay_rate=0.95,
                      batch_size=12, steps=1200, init_stddev=1.0, pretrain_steps=1000,
                      pretrain_optimizer="sgd", pretrain_learning_rate=0.005)

#: the default here: Adam from 1e-3 decayed by 0.9 every 200 steps, Glorot
#: initial weights, batch 64, 3,000 steps (a few seconds on two cores)
RECIPE = dict(optimizer="adam", learning_rate=1e-3, decay_every=200, decay_rate=0.9,
              batch_size=64, steps=3000, init_stddev=None, pretrain_steps=1000,
              pretrain_optimizer="sgd", pretrain_learning_rate=0.005)


def point_mass_w1(sigma=DATA.sigma):
    """Wasserstein-1 from N(mu, sigma^2) to a generator that outputs mu only:
    E|X - mu| = sigma * sqrt(2 / pi) (0.40 for the data here)."""
    return sigma * math.sqrt(2.0 / math.pi)


def build_gan(seed=0, minibatch=True, recipe=None, **overrides):
    """A trainer for the 1-D game, its discriminator already pretrained.

    ``recipe`` is :data:`RECIPE` (default) or :data:`CHAPTER_RECIPE`; any of its
    keys can be overridden (``learning_rate=...``, ``optimizer=...``). The number
    of steps to train is ``trainer.recipe["steps"]``.
    """
    settings = dict(RECIPE if recipe is None else recipe)
    unknown = set(overrides) - set(settings)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; the recipe has {sorted(settings)}")
    settings.update(overrides)
    seed_everything(seed)
    generator = gaussian_generator(init_stddev=settings["init_stddev"])
    discriminator = gaussian_discriminator(minibatch=minibatch,
                                           init_stddev=settings["init_stddev"])
    decay = {}
    if settings["decay_every"]:
        decay = dict(decay_every=settings["decay_every"], decay_rate=settings["decay_rate"])
    trainer = GANTrainer(generator, discriminator, DATA, NOISE, loss="non_saturating",
                         optimizer=settings["optimizer"], learning_rate=settings["learning_rate"],
                         batch_size=settings["batch_size"], seed=seed, **decay)
    if settings["pretrain_steps"]:
        trainer.pretrain_losses = pretrain_discriminator(
            discriminator, DATA.pdf, steps=settings["pretrain_steps"],
            batch_size=settings["batch_size"], optimizer=settings["pretrain_optimizer"],
            learning_rate=settings["pretrain_learning_rate"], seed=seed)
    trainer.recipe = settings
    trainer.minibatch = minibatch
    return trainer


def evaluate(trainer, n=5000, seed=123):
    """How close the generator is to the data: W1, JS distance, mean and spread."""
    n = check_positive_int("n", n)
    fake = trainer.generate(n, seed=seed).ravel()
    real = DATA.numpy(n, seed=seed + 1).ravel()
    return {"w1": wasserstein_1d(real, fake),
            "js": jensen_shannon_1d(real, fake, bins=50, value_range=(-8.0, 8.0)),
            "mean": float(np.mean(fake)), "std": float(np.std(fake))}


def seed_sweep(seeds, minibatch=True, progress=True, **overrides):
    """Train one run per seed with the same recipe; a table of their scores."""
    import pandas as pd

    seeds = list(seeds)
    if not seeds:
        raise ValueError("give at least one seed")
    rows = []
    iterator = seeds
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(seeds, desc=f"seeds ({'with' if minibatch else 'without'} "
                                    "minibatch discrimination)", leave=False)
    for seed in iterator:
        trainer = build_gan(seed, minibatch=minibatch, **overrides)
        trainer.train(trainer.recipe["steps"], progress=False)
        rows.append({"seed": seed, **evaluate(trainer), "status": trainer.status})
    return pd.DataFrame(rows).set_index("seed")
