"""The Keras MNIST chapter's GAN, for Keras 3, and what draws it while it trains.

The generator and discriminator follow the chapter layer by layer; their widths
are arguments so a notebook can shrink them to fit a CPU budget.
:data:`CHAPTER_WIDTHS` are the chapter's; :data:`CLASSROOM_WIDTHS` a quarter of
the channels (about 14 times fewer operations per training step), which is what the
notebook trains by default on two CPU cores.

As in the rest of ``helpers``, the discriminator ends in a logit: the
chapter's final sigmoid lives inside the loss (``helpers.losses``).
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .. import flops
from ..data import ArraySampler, NoiseSampler
from ..devices import PRECISIONS, precision_policy, resolve_precision  # noqa: F401
from ..training import GANTrainer
from ..validation import check_positive_int

# TensorFlow's graph optimizer fuses a convolution with its bias and LeakyReLU
# (the "remapper"); for this discriminator's gradient the fusion fails with an
# error printed straight to stderr ("remapper failed: ... LeakyReluGrad"), which
# would land in the notebook's output. The step runs as fast without it (measured
# here), so the remapper is switched off for the process that trains this GAN.
tf.config.optimizer.set_experimental_options({"remapping": False})

NOISE_DIM = 100
ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid", "linear")

#: the chapter's sizes
CHAPTER_WIDTHS = {"g_dense": 1024, "g_channels": 128, "g_filters": 64,
                  "d_filters": (64, 128), "d_dense": 1024}
#: a quarter of the chapter's channels (units of the dense layers too)
CLASSROOM_WIDTHS = {"g_dense": 256, "g_channels": 32, "g_filters": 16,
                    "d_filters": (16, 32), "d_dense": 256}
#: the chapter's generator against the classroom discriminator: on this data the
#: generator's width is what limits the digits (a wider D did not help)
WIDE_GENERATOR_WIDTHS = {**CHAPTER_WIDTHS, "d_filters": CLASSROOM_WIDTHS["d_filters"],
                         "d_dense": CLASSROOM_WIDTHS["d_dense"]}
NAMED_WIDTHS = {"chapter": CHAPTER_WIDTHS, "classroom": CLASSROOM_WIDTHS,
                "wide_generator": WIDE_GENERATOR_WIDTHS}


def _check_activation(name, value):
    if value not in ACTIVATIONS:
        raise ValueError(f"{name} must be one of {ACTIVATIONS}, got {value!r}")
    return value


def _widths(widths, overrides):
    if isinstance(widths, str):
        if widths not in NAMED_WIDTHS:
            raise ValueError(f"widths must be one of {sorted(NAMED_WIDTHS)} or a dict, "
                             f"got {widths!r}")
        widths = NAMED_WIDTHS[widths]
    out = {**CHAPTER_WIDTHS, **dict(widths or {}), **overrides}
    unknown = set(out) - set(CHAPTER_WIDTHS)
    if unknown:
        raise ValueError(f"unknown width(s) {sorted(unknown)}; known: {sorted(CHAPTER_WIDTHS)}")
    for key, value in out.items():
        for v in (value if isinstance(value, tuple) else (value,)):
            check_positive_int(key, v)
    return out


def mnist_generator(widths="classroom", activation="tanh", output_activation="tanh",
                    noise_dim=NOISE_DIM, conv_batch_norm=False, **overrides):
    """z (100) -> dense -> dense 7*7*C + batch norm -> reshape -> upsample ->
    5x5 conv -> upsample -> 5x5 conv to one channel -> (28, 28, 1).

    ``activation`` is used after every hidden layer (the chapter: tanh),
    ``output_activation`` at the end (the chapter: tanh, whose range [-1, 1]
    is the data's range). ``conv_batch_norm=True`` adds a batch norm between
    the middle convolution and its activation, as DCGAN normalises every
    layer of G but the last; the chapter normalises only the dense one.
    """
    w = _widths(widths, overrides)
    act = _check_activation("activation", activation)
    out_act = _check_activation("output_activation", output_activation)
    c = w["g_channels"]
    return keras.Sequential([
        keras.Input((check_positive_int("noise_dim", noise_dim),)),
        layers.Dense(w["g_dense"], activation=act),
        layers.Dense(c * 7 * 7),
        layers.BatchNormalization(),
        layers.Activation(act),
        layers.Reshape((7, 7, c)),
        layers.UpSampling2D(2),
        *_conv_block(w["g_filters"], act, bool(conv_batch_norm)),
        layers.UpSampling2D(2),
        # float32 at the output even under a mixed policy: images leave in float32
        layers.Conv2D(1, 5, padding="same", activation=out_act, dtype="float32"),
    ], name=f"generator_{act}")


def _conv_block(filters, act, batch_norm):
    if not batch_norm:
        return [layers.Conv2D(filters, 5, padding="same", activation=act)]
    return [layers.Conv2D(filters, 5, padding="same"), layers.BatchNormalization(),
            layers.Activation(act)]


def mnist_discriminator(widths="classroom", activation="tanh", **overrides):
    """(28, 28, 1) -> 5x5 conv -> max pool -> 5x5 conv -> max pool -> dense -> logit."""
    w = _widths(widths, overrides)
    act = _check_activation("activation", activation)
    f1, f2 = w["d_filters"]
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(f1, 5, padding="same", activation=act),
        layers.MaxPooling2D(2),
        layers.Conv2D(f2, 5, activation=act),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(w["d_dense"], activation=act),
        layers.Dense(1, dtype="float32"),  # a logit: the sigmoid is inside the loss
    ], name="discriminator")


def make_mnist_gan(images, *, widths="classroom", activation="tanh",
                   output_activation=None, d_activation="tanh", optimizer="nesterov",
                   learning_rate=5e-4, d_learning_rate=None, batch_size=32,
                   loss="non_saturating", ema_decay=None, precision="float32", r1_weight=None,
                   conv_batch_norm=False, seed=0):
    """A :class:`helpers.training.GANTrainer` for the chapter's GAN on ``images``.

    ``images``: (n, 28, 28, 1) in [-1, 1]. The noise is U(-1, 1) in 100
    dimensions, as in the chapter. ``output_activation`` defaults to
    ``activation`` (the chapter's experiment swaps every tanh of G for relu).
    ``ema_decay``: sample from a moving average of G's weights (see
    :class:`helpers.training.GANTrainer`). ``precision``: one of
    :data:`PRECISIONS` or ``"auto"``; it applies to these two models only
    (Keras' global policy is left as it was), and the trainer's ``precision``
    says which one it was. ``conv_batch_norm``: see :func:`mnist_generator`.
    ``r1_weight``: the R1 penalty on D's gradient at real digits (see
    :class:`helpers.training.GANTrainer`); None: none.
    """
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must have shape (n, 28, 28, 1), got {images.shape}")
    if images.min() < -1.0 - 1e-6 or images.max() > 1.0 + 1e-6:
        raise ValueError(f"images must lie in [-1, 1] (scale='tanh'), "
                         f"got {images.min():.3g}..{images.max():.3g}")
    keras.utils.set_random_seed(seed)
    with precision_policy(precision) as precision:
        g = mnist_generator(widths, activation=activation,
                            output_activation=output_activation or activation,
                            conv_batch_norm=conv_batch_norm)
        d = mnist_discriminator(widths, activation=d_activation)
    trainer = GANTrainer(g, d, ArraySampler(images), NoiseSampler(NOISE_DIM, kind="uniform"),
                         loss=loss, optimizer=optimizer, learning_rate=learning_rate,
                         d_learning_rate=d_learning_rate, batch_size=batch_size,
                         ema_decay=ema_decay, r1_weight=r1_weight, seed=seed)
    trainer.precision = precision
    return trainer


# --- what a step costs -----------------------------------------------------------

def step_flops(generator, discriminator, batch_size):
    """Floating-point operations of one GANTrainer step of these two models
    (see :func:`helpers.flops.step_flops` for how a step is counted)."""
    return flops.step_flops(flops.forward_flops(generator), flops.forward_flops(discriminator),
                            batch_size)


# --- the notebook's experiment: recipe, run, check ----------------------------------

NAME = "mnist"

#: the chapter's own settings (SGD + Nesterov at 1e-3, tanh everywhere, batch 32):
#: the contrast notebook 03 starts from
CHAPTER_RECIPE = {"widths": "classroom", "activation": "tanh", "output_activation": "tanh",
                  "d_activation": "tanh", "optimizer": "nesterov", "learning_rate": 1e-3,
                  "d_learning_rate": None, "batch_size": 32, "conv_batch_norm": False,
                  "r1_weight": None, "precision": "auto", "steps": 2500}

#: notebook 03's default: the chapter's layers at classroom widths, with LeakyReLU
#: in both networks, a batch norm after G's middle convolution too (as DCGAN does),
#: Adam with beta_1 = 0.5, the generator's learning rate twice the discriminator's
#: (two time scales), the R1 penalty on D (weight 5), batches of 64, and bfloat16
#: arithmetic where the CPU has bfloat16 units ("auto")
RECIPE = {"widths": "classroom", "activation": "leaky_relu", "output_activation": "tanh",
          "d_activation": "leaky_relu", "optimizer": "adam_gan", "learning_rate": 8e-4,
          "d_learning_rate": 4e-4, "batch_size": 64, "conv_batch_norm": True,
          "r1_weight": 5.0, "precision": "auto", "steps": 6000}

#: how many generated digits a run is graded on, and from which noise
SCORE_N = 2000
SCORE_SEED = 2024

#: what :func:`check` asks of a run of :data:`RECIPE`
READABLE_AT_LEAST = 0.8
CLASSES_AT_LEAST = 10
FID_BELOW = 20.0


def check(metrics):
    """What is wrong with a run's metrics (empty: the lesson of notebook 03 holds)."""
    problems = []
    if metrics["readable"] < READABLE_AT_LEAST:
        problems.append(f"only {metrics['readable']:.0%} of {SCORE_N:,} digits are readable "
                        f"(at least {READABLE_AT_LEAST:.0%} expected)")
    if metrics["classes_covered"] < CLASSES_AT_LEAST:
        problems.append(f"only {metrics['classes_covered']} of the ten digits appear")
    if not metrics["fid"] < FID_BELOW:
        problems.append(f"FID {metrics['fid']:.1f} is not below {FID_BELOW:g}")
    if metrics.get("status") not in (None, "finished"):
        problems.append(f"the run ended {metrics['status']}")
    return problems


def _settings(recipe, overrides):
    from . import with_overrides

    return with_overrides(RECIPE if recipe is None else recipe, overrides)


def build(seed=0, images=None, recipe=None, ema_decay=None, precision=None, **overrides):
    """A fresh trainer for ``recipe`` (default :data:`RECIPE`) on ``images``
    (default: :func:`helpers.datasets.load_mnist`, quietly). ``ema_decay`` adds
    a moving average of G's weights (no recipe uses it: on this data it did not
    raise the readable share). ``precision`` (one of :data:`PRECISIONS`, or
    ``"auto"``) overrides the recipe's ``"precision"`` ("auto" when it names none)."""
    from ..datasets import load_mnist

    s = _settings(recipe, overrides)
    if images is None:
        images = load_mnist(scale="tanh", verbose=False).x
    return make_mnist_gan(images, widths=s["widths"], activation=s["activation"],
                          output_activation=s["output_activation"],
                          d_activation=s["d_activation"], optimizer=s["optimizer"],
                          learning_rate=s["learning_rate"],
                          d_learning_rate=s["d_learning_rate"], batch_size=s["batch_size"],
                          ema_decay=ema_decay, r1_weight=s.get("r1_weight"),
                          conv_batch_norm=s.get("conv_batch_norm", False),
                          precision=precision or s.get("precision", "auto"), seed=seed)


def grade(trainer, evaluator=None, n=SCORE_N, seed=SCORE_SEED):
    """The evaluator's scores of ``n`` digits drawn from fixed noise."""
    from ..evaluator import load_evaluator

    evaluator = evaluator or load_evaluator()
    return evaluator.scores(trainer.generate(n, seed=seed))


def run(seed=0, steps=None, progress=True, callbacks=(), images=None, evaluator=None,
        recipe=None, precision=None, **overrides):
    """Train notebook 03's GAN for one seed and grade 2,000 of its digits;
    returns a :class:`helpers.experiments.Result`."""
    import time

    from . import Result

    start = time.perf_counter()
    s = _settings(recipe, overrides)
    steps = s["steps"] if steps is None else check_positive_int("steps", steps)
    trainer = build(seed, images, recipe=s, precision=precision)
    trainer.train(steps, callbacks=callbacks, progress=progress, desc=f"seed {seed}")
    scores = grade(trainer, evaluator)
    metrics = {"readable": scores["readable"], "classes_covered": scores["classes_covered"],
               "class_spread": scores["class_spread"], "fid": scores["fid"],
               "train_seconds": trainer.elapsed, "status": trainer.status,
               "precision": trainer.precision}
    return Result(NAME, seed, trainer.step, metrics, check(metrics),
                  time.perf_counter() - start, trainer=trainer,
                  sampler=lambda n, s_: trainer.generate(n, seed=s_))
