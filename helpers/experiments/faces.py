"""The dense ("first principles") GAN of the faces chapter, for Keras 3.

Generator: noise -> three blocks of Dense -> LeakyReLU -> BatchNorm whose
width doubles from block to block -> Dense(pixels, tanh) -> an image.
Discriminator: flatten -> two blocks of Dense -> LeakyReLU whose width halves
-> one linear unit (a logit; the chapter's sigmoid lives in the loss).
:func:`make_face_gan` puts them into a GANTrainer (same seed, same start,
whatever the optimizer); :func:`face_scores` sums up what a run ended with.
"""
import math

import keras
from keras import layers

from ..validation import check_positive_int


def _check_shape(image_shape):
    shape = tuple(image_shape)
    if len(shape) != 3 or any(not isinstance(s, int) or s <= 0 for s in shape) \
            or shape[-1] not in (1, 3):
        raise ValueError(f"image_shape must be (height, width, channels) with 1 or 3 "
                         f"channels, got {image_shape!r}")
    return shape


def _check_widths(widths):
    widths = tuple(widths)
    if not widths:
        raise ValueError("widths must list at least one layer width")
    return tuple(check_positive_int("width", w) for w in widths)


def _check_slope(alpha):
    if not 0 <= alpha < 1:
        raise ValueError(f"alpha (the LeakyReLU slope) must lie in [0, 1), got {alpha!r}")
    return float(alpha)


def dense_face_generator(image_shape=(25, 25, 1), noise_dim=100, widths=(256, 512, 1024),
                         alpha=0.2, bn_momentum=0.8, name="generator"):
    """z (``noise_dim``) -> [Dense -> LeakyReLU -> BatchNorm] per width -> tanh image.

    ``bn_momentum=0.8`` lets the moving averages BatchNorm uses at sampling
    time follow the last few batches, which matters while G changes quickly.
    """
    shape = _check_shape(image_shape)
    noise_dim = check_positive_int("noise_dim", noise_dim)
    alpha = _check_slope(alpha)
    if not 0 <= bn_momentum < 1:
        raise ValueError(f"bn_momentum must lie in [0, 1), got {bn_momentum!r}")
    stack = [keras.Input((noise_dim,))]
    for width in _check_widths(widths):
        stack += [layers.Dense(width), layers.LeakyReLU(negative_slope=alpha),
                  layers.BatchNormalization(momentum=bn_momentum)]
    stack += [layers.Dense(math.prod(shape), activation="tanh"), layers.Reshape(shape)]
    return keras.Sequential(stack, name=name)


def dense_face_discriminator(image_shape=(25, 25, 1), widths=(512, 256), alpha=0.2,
                             dropout=0.0, name="discriminator"):
    """image -> Flatten -> [Dense -> LeakyReLU (-> Dropout)] per width -> one logit."""
    shape = _check_shape(image_shape)
    alpha = _check_slope(alpha)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout!r}")
    stack = [keras.Input(shape), layers.Flatten()]
    for width in _check_widths(widths):
        stack += [layers.Dense(width), layers.LeakyReLU(negative_slope=alpha)]
        if dropout:
            stack.append(layers.Dropout(dropout))
    stack.append(layers.Dense(1))
    return keras.Sequential(stack, name=name)


# --- the chapter's GAN, ready to train --------------------------------------

#: the settings the faces notebook compares: (optimizer name, learning rate)
CHAPTER_OPTIMIZERS = {
    "SGD": ("sgd", 1e-2),
    "RMSprop": ("rmsprop", 2e-4),
    "Adam": ("adam_gan", 2e-4),
}


def make_face_gan(faces, optimizer="adam_gan", learning_rate=2e-4, batch_size=32, seed=0,
                  noise_dim=100, g_widths=(256, 512, 1024), d_widths=(512, 256), d_dropout=0.0,
                  d_learning_rate=None):
    """A :class:`helpers.training.GANTrainer` for the dense face GAN on ``faces``.

    ``faces`` is an array (n, h, w, c) in [-1, 1]. The same ``seed`` gives the
    same starting weights and the same batches whatever the optimizer, so runs
    that differ only in the optimizer can be compared. The loss is the
    chapter's binary cross-entropy: D sees real as 1 and generated as 0, G is
    trained against label 1 (the non-saturating loss).
    """
    from ..data import ArraySampler, NoiseSampler
    from ..training import GANTrainer
    from .. import seed_everything

    import numpy as np

    faces = np.asarray(faces, dtype=np.float32)
    if faces.ndim != 4:
        raise ValueError(f"faces must have shape (n, height, width, channels), "
                         f"got {faces.shape}")
    if faces.size and (faces.min() < -1.0 - 1e-6 or faces.max() > 1.0 + 1e-6):
        raise ValueError(f"faces must be scaled to [-1, 1] (use helpers.datasets.load_faces), "
                         f"got {faces.min():.3g}..{faces.max():.3g}")
    seed_everything(seed)
    shape = faces.shape[1:]
    generator = dense_face_generator(shape, noise_dim=noise_dim, widths=g_widths)
    discriminator = dense_face_discriminator(shape, widths=d_widths, dropout=d_dropout)
    return GANTrainer(generator, discriminator, ArraySampler(faces), NoiseSampler(noise_dim),
                      loss="non_saturating", optimizer=optimizer, learning_rate=learning_rate,
                      d_learning_rate=d_learning_rate, batch_size=batch_size, seed=seed)


def face_scores(trainer, faces, n=200, seed=1, last=100):
    """What one run ended with: its three losses (mean of the last ``last``
    steps), how far its samples lie from the nearest real face, and how varied
    they are (see :mod:`helpers.metrics`)."""
    from ..metrics import diversity_ratio, nearest_real_distance

    fake = trainer.generate(n, seed=seed)
    h = trainer.history
    return {
        "D loss on real": h.last("d_loss_real", last),
        "D loss on fake": h.last("d_loss_fake", last),
        "G loss": h.last("g_loss", last),
        "nearest real": nearest_real_distance(fake, faces),
        "diversity": diversity_ratio(fake, faces),
        "seconds": trainer.elapsed,
    }



# --- the notebook's experiment: recipe, run, check ----------------------------------

NAME = "faces"

#: notebook 04's default run: the chapter's dense GAN with Adam (beta_1 = 0.5); dropout
#: in the discriminator keeps it from memorising the 100 built-in faces' pixel noise
RECIPE = {"optimizer": "adam_gan", "learning_rate": 2e-4, "batch_size": 32, "d_dropout": 0.3,
          "steps": 2000}

#: how many samples a run is judged on, and from which noise
SCORE_N = 200
SCORE_SEED = 1

#: what :func:`check` asks: face-like (closer to a real face than noise is),
#: varied (neither collapsed nor noise), and new (few near-copies)
NEAREST_BELOW = 0.50
DIVERSITY_RANGE = (0.6, 1.35)
COPIES_AT_MOST = 0.05


def check(metrics):
    """What is wrong with a run's metrics (empty: the lesson of notebook 04 holds)."""
    problems = []
    if not metrics["nearest_real"] < NEAREST_BELOW:
        problems.append(f"samples lie {metrics['nearest_real']:.3f} from the nearest real face "
                        f"(below {NEAREST_BELOW} expected)")
    lo, hi = DIVERSITY_RANGE
    if not lo < metrics["diversity"] < hi:
        problems.append(f"diversity {metrics['diversity']:.3f} is outside {lo}..{hi}")
    if metrics["copies"] > COPIES_AT_MOST:
        problems.append(f"{metrics['copies']:.0%} of the samples are near-copies of a "
                        f"training face (at most {COPIES_AT_MOST:.0%})")
    if metrics.get("status") not in (None, "finished"):
        problems.append(f"the run ended {metrics['status']}")
    return problems


def sample_scores(fake, faces):
    """Nearest-real distance, its real-to-real baseline, diversity and the
    share of near-copies for generated images ``fake``."""
    from ..metrics import copy_share, diversity_ratio, nearest_real_baseline, \
        nearest_real_distance

    return {"nearest_real": nearest_real_distance(fake, faces),
            "real_baseline": nearest_real_baseline(faces),
            "diversity": diversity_ratio(fake, faces),
            "copies": copy_share(fake, faces)}


def run(seed=0, steps=None, progress=True, callbacks=(), faces=None, **overrides):
    """Train notebook 04's default GAN for one seed and judge 200 samples;
    returns a :class:`helpers.experiments.Result`."""
    import time

    from . import Result, with_overrides
    from ..datasets import load_faces

    start = time.perf_counter()
    s = with_overrides(RECIPE, overrides)
    steps = s["steps"] if steps is None else check_positive_int("steps", steps)
    if faces is None:
        faces = load_faces(verbose=False)
    trainer = make_face_gan(faces, optimizer=s["optimizer"], learning_rate=s["learning_rate"],
                            batch_size=s["batch_size"], d_dropout=s["d_dropout"], seed=seed)
    trainer.train(steps, callbacks=callbacks, progress=progress, desc=f"seed {seed}")
    metrics = {**sample_scores(trainer.generate(SCORE_N, seed=SCORE_SEED), faces),
               "status": trainer.status}
    return Result(NAME, seed, trainer.step, metrics, check(metrics),
                  time.perf_counter() - start, trainer=trainer,
                  sampler=lambda n, s_: trainer.generate(n, seed=s_))
