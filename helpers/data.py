"""Samplers for the real data and the noise the chapters use.

Every sampler works two ways:

- ``sampler.sample(n, rng)`` builds TensorFlow ops (used inside the compiled
  training step, so no NumPy round trip per step);
- ``sampler.numpy(n, seed)`` returns a NumPy array (for plots and metrics).

Samplers of labelled data return ``(x, y)``; the others return ``x``.
"""
import numpy as np
import tensorflow as tf

from .validation import check_positive_int


def make_rng(seed):
    """A TensorFlow random generator whose whole state comes from ``seed``.

    ``tf.random.Generator.from_seed(n)`` only sets the Philox *counter*, so
    seeds n and n + 1 give the same stream shifted by four numbers. Mixing the
    seed into the key too (NumPy's SeedSequence) makes nearby seeds give
    unrelated streams, which a check over several seeds needs.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    state = np.random.SeedSequence(int(seed)).generate_state(3, dtype=np.uint64).view(np.int64)
    return tf.random.Generator.from_state(state, alg="philox")


class Sampler:
    """Base class: subclasses implement :meth:`sample`."""

    #: number of classes when the sampler returns labels, else ``None``
    num_classes = None
    #: number of stored examples, or ``None`` for an endless distribution
    size = None

    def sample(self, n, rng):  # pragma: no cover - interface
        raise NotImplementedError

    def numpy(self, n, seed=0):
        """Draw ``n`` samples as NumPy array(s), reproducibly from ``seed``."""
        check_positive_int("n", n)
        rng = make_rng(seed)
        out = self.sample(n, rng)
        if isinstance(out, tuple):
            return tuple(t.numpy() for t in out)
        return out.numpy()


class GaussianSampler(Sampler):
    """Vectors whose entries are drawn independently from N(mu, sigma**2).

    ``dim=1`` is the 1-D data of the Gaussian chapter (mu=4, sigma=0.5);
    ``dim=200`` the vectors of the Keras chapter.
    """

    def __init__(self, mu=4.0, sigma=0.5, dim=1):
        if not np.isfinite(mu):
            raise ValueError(f"mu must be a finite number, got {mu!r}")
        if not (np.isfinite(sigma) and sigma > 0):
            raise ValueError(f"sigma must be a positive finite number, got {sigma!r}")
        self.mu = float(mu)
        self.sigma = float(sigma)
        self.dim = check_positive_int("dim", dim)

    def sample(self, n, rng):
        return rng.normal((n, self.dim), mean=self.mu, stddev=self.sigma)

    def pdf(self, x):
        """Density of one entry at ``x`` (NumPy)."""
        x = np.asarray(x, dtype=np.float64)
        z = (x - self.mu) / self.sigma
        return np.exp(-0.5 * z * z) / (self.sigma * np.sqrt(2 * np.pi))

    def __repr__(self):
        return f"GaussianSampler(mu={self.mu}, sigma={self.sigma}, dim={self.dim})"


NOISE_KINDS = ("normal", "uniform", "stratified")


class NoiseSampler(Sampler):
    """The generator's input noise z.

    kind="normal"      z ~ N(0, 1)
    kind="uniform"     z ~ U(-scale, scale)  (the Keras chapter: U(-1, 1))
    kind="stratified"  evenly spaced points on [-scale, scale] plus a tiny jitter
                       (the 1-D chapter: scale 8, jitter 0.01). Only for dim=1.
    """

    def __init__(self, dim=1, kind="normal", scale=1.0, jitter=0.01):
        self.dim = check_positive_int("dim", dim)
        if kind not in NOISE_KINDS:
            raise ValueError(f"unknown noise kind {kind!r}; choose one of {NOISE_KINDS}")
        if kind == "stratified" and self.dim != 1:
            raise ValueError(f"stratified noise is one-dimensional, got dim={dim}")
        if not (np.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a positive finite number, got {scale!r}")
        self.kind = kind
        self.scale = float(scale)
        self.jitter = float(jitter)

    def sample(self, n, rng):
        if self.kind == "normal":
            return rng.normal((n, self.dim))
        if self.kind == "uniform":
            return rng.uniform((n, self.dim), minval=-self.scale, maxval=self.scale)
        grid = tf.linspace(-self.scale, self.scale, n)
        grid = tf.cast(tf.reshape(grid, (n, 1)), tf.float32)
        return grid + self.jitter * rng.uniform((n, 1))

    def __repr__(self):
        return f"NoiseSampler(dim={self.dim}, kind={self.kind!r}, scale={self.scale})"


class ArraySampler(Sampler):
    """Random minibatches (with replacement across steps) from arrays in memory.

    ``x`` is any float array whose first axis indexes examples; ``y`` optional
    integer labels in ``[0, num_classes)``.
    """

    def __init__(self, x, y=None, num_classes=None):
        x = np.asarray(x, dtype=np.float32)
        if x.ndim < 2 or len(x) == 0:
            raise ValueError(
                f"x must hold at least one example with shape (n, ...), got shape {x.shape}"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError("x contains NaN or infinite values")
        self._x = tf.constant(x)
        self.shape = x.shape[1:]
        self.size = len(x)
        self._y = None
        if y is not None:
            y = np.asarray(y)
            if y.shape != (len(x),):
                raise ValueError(f"y must have shape ({len(x)},), got {y.shape}")
            if not np.issubdtype(y.dtype, np.integer):
                raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
            if num_classes is None:
                num_classes = int(y.max()) + 1
            if y.min() < 0 or y.max() >= num_classes:
                raise ValueError(f"labels must lie in [0, {num_classes}), got {y.min()}..{y.max()}")
            self.num_classes = int(num_classes)
            self._y = tf.constant(y.astype(np.int32))

    def sample(self, n, rng):
        idx = rng.uniform((n,), minval=0, maxval=self.size, dtype=tf.int32)
        x = tf.gather(self._x, idx)
        if self._y is None:
            return x
        return x, tf.gather(self._y, idx)

    def __repr__(self):
        return f"ArraySampler(size={self.size}, shape={self.shape}, num_classes={self.num_classes})"
