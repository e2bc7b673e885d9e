"""Distances between real and generated samples (SciPy does the work)."""
import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance


def _as_1d(name, samples):
    a = np.asarray(samples, dtype=np.float64)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D samples of shape (n,) or (n, 1), got shape {a.shape}")
    if len(a) < 2:
        raise ValueError(f"{name} needs at least 2 samples, got {len(a)}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return a


def wasserstein_1d(real, fake):
    """Wasserstein-1 (earth mover's) distance between two 1-D samples.

    In the data's own units: how far, on average, generated mass must move to
    match the real distribution.
    """
    return float(wasserstein_distance(_as_1d("real", real), _as_1d("fake", fake)))


def jensen_shannon_1d(real, fake, bins=100, value_range=None):
    """Jensen-Shannon *distance* (base 2, in [0, 1]) between histograms of two 1-D samples.

    0 means identical histograms, 1 means no overlap at all. Both samples are
    binned on the same ``bins`` bins over ``value_range`` (default: the range
    covering both samples).
    """
    real = _as_1d("real", real)
    fake = _as_1d("fake", fake)
    if value_range is None:
        value_range = (min(real.min(), fake.min()), max(real.max(), fake.max()))
    lo, hi = value_range
    if not hi > lo:
        hi = lo + 1e-6
    p, edges = np.histogram(real, bins=bins, range=(lo, hi))
    q, _ = np.histogram(fake, bins=edges)
    if p.sum() == 0 or q.sum() == 0:
        return 1.0
    return float(jensenshannon(p, q, base=2))


def moments(samples, axis=None):
    """(mean, standard deviation) of samples, over ``axis``."""
    a = np.asarray(samples, dtype=np.float64)
    return float(np.mean(a, axis=axis)) if axis is None else np.mean(a, axis=axis), \
        float(np.std(a, axis=axis)) if axis is None else np.std(a, axis=axis)
