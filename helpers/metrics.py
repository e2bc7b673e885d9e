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


# --- images: how close to the real faces, how varied ---------------------------

def _as_flat_images(name, images, min_count=1):
    a = np.asarray(images, dtype=np.float64)
    if a.ndim < 2:
        raise ValueError(f"{name} must be images of shape (n, ...), got shape {a.shape}")
    if len(a) < min_count:
        raise ValueError(f"{name} needs at least {min_count} images, got {len(a)}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return a.reshape(len(a), -1)


def pairwise_rms_distance(a, b):
    """Matrix of root-mean-square pixel distances between every image of ``a`` and of ``b``.

    In the images' own units: for pictures in [-1, 1], 0 means identical and
    2 means black against white everywhere.
    """
    a = _as_flat_images("a", a)
    b = _as_flat_images("b", b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"images of different sizes: {a.shape[1]} and {b.shape[1]} values each")
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(sq, 0.0) / a.shape[1])


def nearest_real_distance(fake, real):
    """Mean over generated images of the RMS distance to the closest real image.

    Large for noise or blur; as small as the real images are to one another
    (:func:`nearest_real_baseline`) when G makes face-like pictures; close to
    0 only if G copies training images.
    """
    return float(pairwise_rms_distance(fake, real).min(axis=1).mean())


def nearest_real(fake, real):
    """For each generated image, the index of the closest real image and the RMS
    distance to it (two arrays of length ``len(fake)``)."""
    d = pairwise_rms_distance(fake, real)
    index = d.argmin(axis=1)
    return index, d[np.arange(len(d)), index]


def real_to_real_distances(real):
    """For each real image, the RMS distance to the closest *other* real image."""
    d = pairwise_rms_distance(_as_flat_images("real", real, min_count=2), real)
    np.fill_diagonal(d, np.inf)
    return d.min(axis=1)


def copy_share(fake, real, fraction=0.5):
    """Share of generated images closer to some real image than ``fraction`` of
    the median real-to-real nearest distance: near-copies of the training set.
    New images score 0; a generator that memorised its data scores near 1."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must lie in (0, 1], got {fraction!r}")
    _, dist = nearest_real(fake, real)
    return float(np.mean(dist < fraction * np.median(real_to_real_distances(real))))


def nearest_real_baseline(real):
    """The same figure for the real images themselves, each compared with the
    *other* real images (leave one out): the value a generator of new,
    different faces would reach."""
    d = pairwise_rms_distance(_as_flat_images("real", real, min_count=2), real)
    np.fill_diagonal(d, np.inf)
    return float(d.min(axis=1).mean())


def mean_pairwise_distance(images):
    """Mean RMS distance over all pairs of different images: 0 when every image
    is the same (mode collapse)."""
    x = _as_flat_images("images", images, min_count=2)
    d = pairwise_rms_distance(x, x)
    return float(d[np.triu_indices(len(x), 1)].mean())


def diversity_ratio(fake, real):
    """:func:`mean_pairwise_distance` of the generated images over that of the
    real ones: about 1 for a generator as varied as the data, near 0 for mode
    collapse, above 1 for noise."""
    spread = mean_pairwise_distance(real)
    if spread == 0:
        raise ValueError("the real images are all identical; the ratio is undefined")
    return mean_pairwise_distance(fake) / spread
