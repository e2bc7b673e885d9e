"""Mixtures of Gaussians in the plane, and how many of their modes a generator covers.

The toy data of the mode-collapse literature: a ring of 8 Gaussians and a 5x5
grid of 25. On such data collapse is not a matter of taste; it can be counted:

- :func:`nearest_mode`        which mode each sample is closest to, and how far
- :func:`high_quality_share`  share of samples within ``k`` sd of some mode
- :func:`modes_covered`       how many modes hold at least ``min_share`` of the
                              samples (counting high-quality samples only)
- :func:`wasserstein_2d`      the exact Wasserstein-1 distance between two equal-size
                              samples (an assignment problem, solved by SciPy)
- :func:`mode_report`         all of them for one generated sample
"""
import numpy as np
import tensorflow as tf
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from .data import Sampler
from .validation import check_positive_int


def ring_centers(k=8, radius=2.0):
    """``k`` points evenly spaced on a circle of ``radius`` (the first on the x axis)."""
    k = check_positive_int("k", k)
    if not (np.isfinite(radius) and radius > 0):
        raise ValueError(f"radius must be a positive number, got {radius!r}")
    angles = 2 * np.pi * np.arange(k) / k
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def grid_centers(side=5, spacing=2.0):
    """A ``side`` x ``side`` grid of points ``spacing`` apart, centred on the origin."""
    side = check_positive_int("side", side)
    if not (np.isfinite(spacing) and spacing > 0):
        raise ValueError(f"spacing must be a positive number, got {spacing!r}")
    ticks = (np.arange(side) - (side - 1) / 2) * spacing
    xx, yy = np.meshgrid(ticks, ticks)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


class GaussianMixtureSampler(Sampler):
    """Points drawn from an equal-weight mixture of round Gaussians:
    pick a centre uniformly, add N(0, sd^2) to each coordinate."""

    def __init__(self, centers, sd, name="mixture"):
        centers = np.asarray(centers, dtype=np.float64)
        if centers.ndim != 2 or len(centers) == 0:
            raise ValueError(f"centers must have shape (k, dim), got {centers.shape}")
        if not np.all(np.isfinite(centers)):
            raise ValueError("centers contain NaN or infinite values")
        if not (np.isfinite(sd) and sd > 0):
            raise ValueError(f"sd must be a positive finite number, got {sd!r}")
        self.centers = centers
        self.sd = float(sd)
        self.name = name
        self.dim = centers.shape[1]
        self._centers = tf.constant(centers, tf.float32)

    @property
    def k(self):
        """Number of modes."""
        return len(self.centers)

    def sample(self, n, rng):
        idx = rng.uniform((n,), minval=0, maxval=self.k, dtype=tf.int32)
        return tf.gather(self._centers, idx) + self.sd * rng.normal((n, self.dim))

    def __repr__(self):
        return f"GaussianMixtureSampler({self.name!r}, k={self.k}, sd={self.sd})"


def _as_points(name, x, dim=None):
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2 or len(a) == 0 or (dim is not None and a.shape[1] != dim):
        want = f"(n, {dim})" if dim is not None else "(n, dim)"
        raise ValueError(f"{name} must have shape {want}, got {a.shape}")
    return a


def nearest_mode(samples, centers):
    """(index of the nearest centre, distance to it) for every sample.
    Non-finite samples get index -1 and distance inf."""
    centers = _as_points("centers", centers)
    x = _as_points("samples", samples, centers.shape[1])
    finite = np.all(np.isfinite(x), axis=1)
    idx = np.full(len(x), -1)
    dist = np.full(len(x), np.inf)
    if finite.any():
        d = cdist(x[finite], centers)
        idx[finite] = d.argmin(axis=1)
        dist[finite] = d.min(axis=1)
    return idx, dist


def high_quality_share(samples, centers, sd, k_sd=3.0):
    """Share of samples within ``k_sd`` standard deviations of some mode."""
    _, dist = nearest_mode(samples, centers)
    return float(np.mean(dist <= k_sd * sd))


def mode_counts(samples, centers, sd, k_sd=3.0):
    """How many high-quality samples each mode holds."""
    idx, dist = nearest_mode(samples, centers)
    good = dist <= k_sd * sd
    return np.bincount(idx[good], minlength=len(np.asarray(centers)))


def modes_covered(samples, centers, sd, k_sd=3.0, min_share=None):
    """How many modes hold at least ``min_share`` of all the samples within
    ``k_sd`` sd of their centre. The default share is a quarter of a mode's fair
    share, 1 / (4 k): 3.1% for 8 modes, 1% for 25."""
    k = len(np.asarray(centers))
    min_share = 0.25 / k if min_share is None else float(min_share)
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must lie in (0, 1], got {min_share!r}")
    counts = mode_counts(samples, centers, sd, k_sd)
    n = len(np.asarray(samples))
    return int(np.sum(counts >= min_share * n))


def wasserstein_2d(a, b):
    """Exact Wasserstein-1 distance between two samples of the same size: the
    mean Euclidean distance of the best one-to-one matching between them
    (``scipy.optimize.linear_sum_assignment``). Use up to a few thousand points:
    the cost grows as n^3. Non-finite samples make it infinite."""
    a = _as_points("a", a)
    b = _as_points("b", b, a.shape[1])
    if len(a) != len(b):
        raise ValueError(f"the two samples must have the same size, got {len(a)} and {len(b)}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    cost = cdist(a, b)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


#: how many points :func:`mode_report` matches for W1 (the matching's cost grows as
#: n^3 and is worst for a collapsed sample: 0.2 s at 500 points, 14 s at 2,000 here)
W1_POINTS = 500


def mode_report(samples, data, real=None, k_sd=3.0, min_share=None, w1_points=W1_POINTS):
    """Modes covered, high-quality share and W1 for ``samples`` of the mixture
    ``data`` (a :class:`GaussianMixtureSampler`). The counts use every sample;
    W1 matches the first ``w1_points`` of them (all with None, skipped with 0)
    with as many points of ``real`` (default: a data sample drawn with seed 99)."""
    samples = _as_points("samples", samples, data.dim)
    report = {"modes": modes_covered(samples, data.centers, data.sd, k_sd, min_share),
              "of_modes": data.k,
              "high_quality": high_quality_share(samples, data.centers, data.sd, k_sd)}
    if w1_points != 0:
        m = len(samples) if w1_points is None else min(len(samples), int(w1_points))
        if real is None:
            real = data.numpy(m, seed=99)
        real = _as_points("real", real, data.dim)
        if len(real) < m:
            raise ValueError(f"real needs at least {m} points for W1, got {len(real)}")
        report["w1"] = wasserstein_2d(real[:m], samples[:m])
    return report
