"""The Keras chapter's data: vectors of 200 numbers drawn from N(mu, sigma**2).

The chapter's GAN (in :mod:`helpers.keras_classic`, written the chapter's way),
the same networks trained by :class:`helpers.training.GANTrainer` (:func:`run`,
the notebook's default and the command's) and as a ``keras.Model`` trained by
``fit`` (:func:`run_keras`, :class:`helpers.keras_gan.GAN`) are judged here by
the same numbers and drawn by the same pictures:

- the pooled entries: every number of every vector in one histogram, and the
  Wasserstein-1 distance between the real and the generated pool;
- each vector's own mean and standard deviation: a real vector's mean is mu
  give or take sigma / sqrt(200), its standard deviation sigma give or take
  sigma / sqrt(400).
"""
import time

import numpy as np

from .. import seed_everything
from ..data import GaussianSampler, NoiseSampler
from ..keras_gan import GAN, ProgressCallback
from ..metrics import wasserstein_1d
from ..models import vector_discriminator, vector_generator
from ..plots import FAKE_COLOR, REAL_COLOR, plot_losses
from ..keras_classic import x_sample
from ..optim import make_optimizer
from ..training import GANTrainer
from ..validation import check_positive_int
from . import Result, with_overrides

NAME = "vectors"

#: what the notebook, its tests and its benchmark share
DIM = 200
HIDDEN = 256
DEFAULTS = {"optimizer": "rmsprop", "learning_rate": 5e-4, "batch_size": 32, "steps": 3000}
#: the notebook's default run: N(3, 1) entries, a linear output, RMSprop
RECIPE = dict(mu=3.0, sigma=1.0, output="linear", **DEFAULTS)
#: how many vectors the lesson is judged on
N_JUDGED = 1000
#: fit's epoch in :func:`run_keras`: this many steps, run as one compiled execution
STEPS_PER_EPOCH = 100

#: the bounds the trained generator must meet, in units of sigma (see the notebook)
MEAN_TOLERANCE = 0.3   # |average per-vector mean - mu| < 0.3 sigma
STD_TOLERANCE = 0.3    # |average per-vector std - sigma| < 0.3 sigma
W1_BOUND = 0.3         # Wasserstein-1 of the pooled entries < 0.3 sigma


def vector_trainer(mu=3.0, sigma=1.0, output="linear", optimizer=DEFAULTS["optimizer"],
                   learning_rate=DEFAULTS["learning_rate"],
                   batch_size=DEFAULTS["batch_size"], seed=0, dim=DIM, hidden=HIDDEN):
    """A fresh :class:`GANTrainer` for the chapter's networks on N(mu, sigma) vectors.

    G: z ~ U(-1, 1)^dim -> Dense(hidden) relu -> Dense(dim) -> ``output``;
    D: x -> Dense(hidden) relu -> a logit; the non-saturating loss, which is
    what the chapter's binary cross-entropy with "real" labels for G amounts to.
    """
    seed_everything(seed)
    trainer = GANTrainer(vector_generator(dim, hidden, output), vector_discriminator(dim, hidden),
                         GaussianSampler(mu, sigma, dim), NoiseSampler(dim, "uniform"),
                         loss="non_saturating", optimizer=optimizer,
                         learning_rate=learning_rate, batch_size=batch_size,
                         seed=seed)
    trainer.seed = seed
    return trainer


def _as_vectors(name, x):
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] < 2 or a.shape[1] < 2:
        raise ValueError(f"{name} must be at least 2 vectors of at least 2 numbers, "
                         f"shape (n, dim); got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return a


def vector_summary(real, fake):
    """Numbers that compare generated vectors with real ones.

    Returns a dict: ``mean`` and ``std`` (averages over the generated vectors
    of each vector's own mean and standard deviation), ``mean_spread`` (how
    much those per-vector means vary), the same three for the real vectors
    with a ``real_`` prefix, ``w1`` (Wasserstein-1 of the pooled entries) and
    ``outside_01`` / ``real_outside_01`` (share of entries outside (0, 1)).
    """
    real = _as_vectors("real", real)
    fake = _as_vectors("fake", fake)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real and fake vectors differ in length: "
                         f"{real.shape[1]} and {fake.shape[1]}")
    out = {}
    for prefix, x in (("", fake), ("real_", real)):
        means, stds = x.mean(axis=1), x.std(axis=1)
        out[prefix + "mean"] = float(means.mean())
        out[prefix + "std"] = float(stds.mean())
        out[prefix + "mean_spread"] = float(means.std())
        out[prefix + "outside_01"] = float(np.mean((x <= 0) | (x >= 1)))
    out["w1"] = wasserstein_1d(real.ravel(), fake.ravel())
    return out


def check_learned(summary, mu, sigma):
    """The notebook's teaching result as a list of failures (empty when it holds)."""
    problems = []
    if not abs(summary["mean"] - mu) < MEAN_TOLERANCE * sigma:
        problems.append(f"average per-vector mean {summary['mean']:.3f} is not within "
                        f"{MEAN_TOLERANCE * sigma:g} of mu = {mu:g}")
    if not abs(summary["std"] - sigma) < STD_TOLERANCE * sigma:
        problems.append(f"average per-vector std {summary['std']:.3f} is not within "
                        f"{STD_TOLERANCE * sigma:g} of sigma = {sigma:g}")
    if not summary["w1"] < W1_BOUND * sigma:
        problems.append(f"Wasserstein-1 {summary['w1']:.3f} is not below {W1_BOUND * sigma:g}")
    return problems


def check(metrics):
    """The lesson of notebook 02 for a run of :data:`RECIPE` (see :func:`check_learned`)."""
    return check_learned(metrics, metrics["mu"], metrics["sigma"])


def real_vectors(seed, n=N_JUDGED, mu=RECIPE["mu"], sigma=RECIPE["sigma"], dim=DIM):
    """The real vectors a run is judged against, drawn the chapter's way."""
    return x_sample(np.random.default_rng(seed), n, mu, sigma, dim)


def _settings(overrides):
    return with_overrides(RECIPE, overrides)


def run(seed=0, steps=None, progress=True, callbacks=(), **overrides):
    """Train the notebook's GAN on 200-d vectors for one seed and judge 1,000 of
    its vectors; returns a :class:`helpers.experiments.Result`."""
    start = time.perf_counter()
    s = _settings(overrides)
    steps = s["steps"] if steps is None else check_positive_int("steps", steps)
    trainer = vector_trainer(s["mu"], s["sigma"], output=s["output"], optimizer=s["optimizer"],
                             learning_rate=s["learning_rate"], batch_size=s["batch_size"],
                             seed=seed)
    trainer.train(steps, callbacks=callbacks, progress=progress, desc=f"seed {seed}")
    fake = trainer.generate(N_JUDGED, seed=seed + 2)
    summary = vector_summary(real_vectors(seed, mu=s["mu"], sigma=s["sigma"]), fake)
    metrics = {**summary, "mu": s["mu"], "sigma": s["sigma"], "status": trainer.status}
    return Result(NAME, seed, trainer.step, metrics, check(metrics),
                  time.perf_counter() - start, trainer=trainer,
                  sampler=lambda n, seed_: trainer.generate(n, seed=seed_))


def real_dataset(seed, mu=RECIPE["mu"], sigma=RECIPE["sigma"],
                 batch_size=DEFAULTS["batch_size"], dim=DIM):
    """An endless ``tf.data`` stream of real batches for ``fit``: batch ``i`` holds
    N(mu, sigma) entries drawn from the counter-based seed ``(seed, i)``."""
    import tensorflow as tf

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    sampler = GaussianSampler(mu, sigma, dim)  # checks mu, sigma and dim
    shape = (check_positive_int("batch_size", batch_size), sampler.dim)

    def batch(i):
        z = tf.random.stateless_normal(shape, seed=tf.stack([tf.constant(seed, tf.int64), i]))
        return sampler.mu + sampler.sigma * z

    return tf.data.Dataset.counter().map(batch).prefetch(2)


def keras_model(seed=0, steps_per_execution=STEPS_PER_EPOCH, loss="non_saturating", **overrides):
    """The notebook's networks as a compiled :class:`helpers.keras_gan.GAN`: the
    recipe's optimizer (one for each network), ``loss`` (a name or loss object of
    :mod:`helpers.losses`), noise U(-1, 1) from a seed generator seeded with
    ``seed``. The networks start from the same weights as :func:`run`'s."""
    s = _settings(overrides)
    seed_everything(seed)
    gan = GAN(vector_generator(DIM, HIDDEN, s["output"]), vector_discriminator(DIM, HIDDEN),
              noise="uniform", seed=seed)
    gan.compile(d_optimizer=make_optimizer(s["optimizer"], s["learning_rate"]),
                g_optimizer=make_optimizer(s["optimizer"], s["learning_rate"]),
                loss=loss,
                steps_per_execution=check_positive_int("steps_per_execution",
                                                       steps_per_execution))
    return gan


def run_keras(seed=0, steps=None, progress=True, callbacks=(), steps_per_execution=STEPS_PER_EPOCH,
              **overrides):
    """:func:`run`'s recipe trained the Keras way: :func:`keras_model` and ``fit``,
    in epochs of :data:`STEPS_PER_EPOCH` steps, judged like :func:`run`.

    ``callbacks`` are Keras callbacks (e.g. :class:`helpers.keras_gan.SampleCallback`).
    The per-epoch losses are in ``result.extra["history"]``, the model in
    ``result.extra["gan"]``.
    """
    start = time.perf_counter()
    s = _settings(overrides)
    steps = s["steps"] if steps is None else check_positive_int("steps", steps)
    if steps % STEPS_PER_EPOCH:
        raise ValueError(f"steps must be a multiple of {STEPS_PER_EPOCH} (one epoch), got {steps}")
    gan = keras_model(seed, steps_per_execution, **overrides)
    callbacks = list(callbacks)
    if progress:
        callbacks.append(ProgressCallback(f"fit, seed {seed}"))
    history = gan.fit(real_dataset(seed, s["mu"], s["sigma"], s["batch_size"]),
                      epochs=steps // STEPS_PER_EPOCH, steps_per_epoch=STEPS_PER_EPOCH,
                      shuffle=False, verbose=0, callbacks=callbacks)
    fake = gan.generate(N_JUDGED, seed=seed + 2)
    summary = vector_summary(real_vectors(seed, mu=s["mu"], sigma=s["sigma"]), fake)
    losses = {k: np.asarray(v, np.float32) for k, v in history.history.items()}
    finished = all(np.all(np.isfinite(v)) for v in losses.values())
    metrics = {**summary, "mu": s["mu"], "sigma": s["sigma"],
               "status": "finished" if finished else "diverged"}
    return Result(NAME, seed, steps, metrics, check(metrics), time.perf_counter() - start,
                  sampler=lambda n, seed_: gan.generate(n, seed=seed_),
                  extra={"gan": gan, "history": losses})


#: the ways of training :func:`speed_table` times, in the order it prints them
WAYS = ("chapter: predict + 2 x train_on_batch", "keras.Model: train_on_batch per step",
        "keras.Model: fit, steps_per_execution=1", "keras.Model: fit, steps_per_execution=100",
        "GANTrainer: compiled chunks of 500")


def speed_table(rounds=3, steps=None, seed=0):
    """Milliseconds per step of the notebook's networks trained five ways (:data:`WAYS`).

    Each way is warmed up first (its first call builds the compiled function),
    then all are timed in ``rounds`` alternating bursts, so a machine that gets
    busier halfway slows them alike; the medians are returned as a pandas
    DataFrame with the wall-clock time (``wall_ms``, what you wait) and the CPU
    time of this process (``cpu_ms``, the steadier figure on a shared machine)
    per step. ``steps`` maps a way to its burst length (defaults: 8 steps of the
    chapter's loop, 50 ``train_on_batch`` calls, 100 steps of ``fit`` with one
    step per execution, 500 of the others). Every model keeps training while it
    is timed.
    """
    import pandas as pd

    from .. import keras_classic as classic

    rounds = check_positive_int("rounds", rounds)
    burst = dict(zip(WAYS, (8, 50, 100, 500, 500)))
    burst.update(steps or {})
    unknown = set(burst) - set(WAYS)
    if unknown:
        raise ValueError(f"unknown way(s) {sorted(unknown)}; the ways are {WAYS}")
    burst = {way: check_positive_int("steps", n) for way, n in burst.items()}
    s = RECIPE
    chapter = classic.build_classic(DIM, HIDDEN, output="linear", optimizer=s["optimizer"],
                                    learning_rate=s["learning_rate"], seed=seed)
    one_by_one = keras_model(seed, steps_per_execution=1)
    fit_1 = keras_model(seed, steps_per_execution=1)
    fit_100 = keras_model(seed, steps_per_execution=100)
    data = real_dataset(seed)
    batches = [real_vectors(seed + i, s["batch_size"]) for i in range(8)]
    trainer = vector_trainer(seed=seed)

    def chapter_way(n, r):
        classic.train_classic(*chapter, n, s["mu"], s["sigma"], batch_size=s["batch_size"],
                              seed=seed + r, progress=False)

    def train_on_batch(n, r):
        for i in range(n):
            one_by_one.train_on_batch(batches[i % len(batches)])

    def fit(model):
        return lambda n, r: model.fit(data, epochs=1, steps_per_epoch=n, shuffle=False,
                                      verbose=0)

    def compiled_chunks(n, r):
        trainer.train(n, chunk=min(n, 500), progress=False)

    run_way = dict(zip(WAYS, (chapter_way, train_on_batch, fit(fit_1), fit(fit_100),
                              compiled_chunks)))
    for way, fn in run_way.items():  # warm-up: build and trace every compiled function
        fn(2 if way == WAYS[0] else burst[way], rounds)
    times = {way: ([], []) for way in WAYS}
    for r in range(rounds):
        for way, fn in run_way.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn(burst[way], r)
            times[way][0].append(1000 * (time.perf_counter() - wall) / burst[way])
            times[way][1].append(1000 * (time.process_time() - cpu) / burst[way])
    table = pd.DataFrame({"wall_ms": [float(np.median(times[w][0])) for w in WAYS],
                          "cpu_ms": [float(np.median(times[w][1])) for w in WAYS],
                          "steps_per_burst": [burst[w] for w in WAYS]},
                         index=pd.Index(WAYS, name="way"))
    return table


# --- pictures --------------------------------------------------------------------

def _pdf(mu, sigma):
    return lambda x: np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


def plot_entries(real, fake, mu, sigma, ax, title="all entries, pooled", value_range=None):
    """Histogram of every entry of the real and the generated vectors, and the N(mu, sigma) pdf."""
    real, fake = np.ravel(real), np.ravel(fake)
    if value_range is None:
        lo = min(mu - 4 * sigma, np.percentile(fake, 0.5), 0.0)
        hi = max(mu + 4 * sigma, np.percentile(fake, 99.5), 1.0)
        value_range = (lo, hi)
    edges = np.linspace(*value_range, 81)
    ax.hist(real, bins=edges, density=True, histtype="stepfilled", alpha=0.35,
            color=REAL_COLOR, label="real")
    ax.hist(np.clip(fake, *value_range), bins=edges, density=True, histtype="step", lw=2,
            color=FAKE_COLOR, label="generated")
    xs = np.linspace(*value_range, 300)
    ax.plot(xs, _pdf(mu, sigma)(xs), "k--", lw=1, label=f"N({mu:g}, {sigma:g}²)")
    ax.axvspan(0, 1, color="0.85", zorder=0, label="(0, 1): a sigmoid's range")
    ax.set_xlim(*value_range)
    ax.set_xlabel("entry value")
    ax.set_ylabel("density")
    ax.set_title(title)
    ax.legend(fontsize="x-small", loc="upper left")
    return ax


def plot_moments(real, fake, mu, sigma, ax, title="each vector's mean and std"):
    """One dot per vector: its own mean (x) against its own standard deviation (y)."""
    # the tight real cloud is drawn last, on top of the generated dots
    for x, color, label in ((fake, FAKE_COLOR, "generated"), (real, REAL_COLOR, "real")):
        x = np.asarray(x)
        ax.scatter(x.mean(axis=1), x.std(axis=1), s=6, alpha=0.5, color=color, label=label)
    ax.axvline(mu, color="k", lw=0.8, ls="--")
    ax.axhline(sigma, color="k", lw=0.8, ls="--")
    ax.plot([mu], [sigma], "k+", ms=12, label=f"(mu, sigma) = ({mu:g}, {sigma:g})")
    ax.set_xlabel("mean of one vector")
    ax.set_ylabel("std of one vector")
    ax.set_title(title)
    ax.legend(fontsize="x-small", loc="best")
    return ax


def plot_vectors(real, fake, mu, sigma, losses=None, fig=None, title=None):
    """The chapter's picture and ours: pooled entries, per-vector moments, (losses).

    Draws onto ``fig`` (a matplotlib Figure, safe from the panel's thread) or a
    new pyplot figure; returns the figure.
    """
    ncols = 3 if losses is not None else 2
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(4.2 * ncols, 3.4))
    axes = fig.subplots(1, ncols)
    plot_entries(real, fake, mu, sigma, axes[0])
    plot_moments(real, fake, mu, sigma, axes[1])
    if losses is not None:
        n = len(losses["d_loss"]) if "d_loss" in losses else 0
        plot_losses(losses, ax=axes[2], window=max(1, n // 50))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
