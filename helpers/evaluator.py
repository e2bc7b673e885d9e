"""A small digit classifier that grades generated MNIST digits.

A GAN's losses do not say whether its pictures look like digits; a classifier
trained on real digits can. ``load_evaluator()`` returns a
:class:`DigitEvaluator` whose weights ship with the repository
(``helpers/assets/digit_classifier.weights.h5``, made by
``scripts/train_digit_classifier.py`` on 4,000 digits of the offline sample;
the other 1,000, :func:`helpers.datasets.load_mnist_holdout`, were never shown to
it). ``evaluator.scores(images)`` returns:

- ``readable``: share of images the classifier reads with probability >= 0.9;
- ``class_spread``: entropy of the histogram of predicted digits / log 10
  (1 = all ten digits equally often, 0 = always the same digit);
- ``classes_covered``: how many digits get at least 2% of the predictions;
- ``fid``: Frechet distance between the classifier's penultimate-layer
  features of these images and of the held-out real digits (0 = same
  mean and covariance; smaller is better);
- ``label_accuracy`` (when labels are given): share predicted as the asked-for digit.

During training the classifier also saw non-digits (noise, blobs, flat gray)
with the target "every digit equally likely", so a picture that is not a digit
gets a low probability for every class instead of whatever a plain classifier
happens to say. The shipped weights read none of 1,000 uniform-noise pictures
with probability >= 0.9, and 98% of the held-out digits correctly.
"""
import os

import numpy as np

WEIGHTS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets",
                            "digit_classifier.weights.h5")
#: a prediction counts as readable at or above this probability
READABLE_PROBABILITY = 0.9
#: a digit counts as covered when it gets at least this share of the predictions
COVERED_SHARE = 0.02
FEATURES = 64


def build_digit_classifier():
    """The classifier: two small convolutions, 64 features, 10 logits.

    Input: (28, 28, 1) images in [0, 1]. Outputs: ``[logits, features]``.
    """
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(16, 3, activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D(name="pool1")(x)
    x = layers.Conv2D(32, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.3, name="dropout1")(x)
    features = layers.Dense(FEATURES, activation="relu", name="features")(x)
    x = layers.Dropout(0.3, name="dropout2")(features)
    logits = layers.Dense(10, name="logits")(x)
    return keras.Model(inputs, [logits, features], name="digit_classifier")


def check_value_range(value_range):
    try:
        lo, hi = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"value_range must be a pair (low, high), got {value_range!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"value_range needs finite low < high, got {value_range!r}")
    return lo, hi


def to_unit_images(images, value_range=(-1.0, 1.0)):
    """Images of shape (n, 28, 28[, 1]) or (n, 784) in ``value_range`` ->
    float32 (n, 28, 28, 1) in [0, 1] (values outside the range are clipped)."""
    lo, hi = check_value_range(value_range)
    a = np.asarray(images, dtype=np.float32)
    shape = a.shape
    if a.ndim == 2 and a.shape[1] == 784:
        a = a.reshape(-1, 28, 28)
    if a.ndim == 3:
        a = a[..., None]
    if a.ndim != 4 or a.shape[1:] != (28, 28, 1) or len(a) == 0:
        raise ValueError("digit images must have shape (n, 28, 28), (n, 28, 28, 1) or "
                         f"(n, 784) with n >= 1, got {shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("images contain NaN or infinite values")
    return np.clip((a - lo) / (hi - lo), 0.0, 1.0)


def frechet_distance(mu1, cov1, mu2, cov2):
    """||mu1 - mu2||^2 + Tr(cov1 + cov2 - 2 (cov1 cov2)^(1/2))."""
    import warnings

    from scipy import linalg

    with warnings.catch_warnings():  # a collapsed generator has a singular covariance
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(cov1 @ cov2)
        if not np.all(np.isfinite(covmean)):  # nudge both diagonals and try again
            eps = 1e-6 * np.eye(len(cov1))
            covmean = linalg.sqrtm((cov1 + eps) @ (cov2 + eps))
    covmean = np.real(covmean)
    diff = mu1 - mu2
    return float(max(0.0, diff @ diff + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(covmean)))


def _moments(features):
    f = np.asarray(features, dtype=np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False)


class DigitEvaluator:
    """Reads digits with the shipped classifier and grades a batch of them."""

    def __init__(self, model, batch_size=500):
        self.model = model
        self.batch_size = int(batch_size)
        self._reference = None

    def _run(self, images, value_range):
        x = to_unit_images(images, value_range)
        logits, features = [], []
        for start in range(0, len(x), self.batch_size):
            out_logits, out_features = self.model(x[start:start + self.batch_size],
                                                  training=False)
            logits.append(np.asarray(out_logits))
            features.append(np.asarray(out_features))
        logits = np.concatenate(logits).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs, np.concatenate(features)

    def predict(self, images, value_range=(-1, 1)):
        """Class probabilities, shape (n, 10)."""
        return self._run(images, value_range)[0]

    def features(self, images, value_range=(-1, 1)):
        """Penultimate-layer features, shape (n, 64) (what the FID compares)."""
        return self._run(images, value_range)[1]

    def reference(self):
        """Mean and covariance of the features of the held-out real digits."""
        if self._reference is None:
            from .datasets import load_mnist_holdout

            held = load_mnist_holdout(scale="sigmoid")
            self._reference = _moments(self.features(held.x, value_range=(0, 1)))
        return self._reference

    def scores(self, images, labels=None, value_range=(-1, 1)):
        """``readable``, ``class_spread``, ``classes_covered``, ``fid`` (and
        ``label_accuracy`` when ``labels`` are given) for a batch of images."""
        probs, features = self._run(images, value_range)
        n = len(probs)
        predicted = probs.argmax(axis=1)
        share = np.bincount(predicted, minlength=10) / n
        nonzero = share[share > 0]
        out = {
            "readable": float(np.mean(probs.max(axis=1) >= READABLE_PROBABILITY)),
            "class_spread": max(0.0, float(-(nonzero * np.log(nonzero)).sum() / np.log(10))),
            "classes_covered": int(np.sum(share >= COVERED_SHARE)),
        }
        if n >= 2:
            out["fid"] = frechet_distance(*_moments(features), *self.reference())
        else:
            out["fid"] = float("nan")
        if labels is not None:
            labels = np.broadcast_to(np.asarray(labels), (n,))
            if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 \
                    or labels.max() > 9:
                raise ValueError(f"labels must be integers in 0..9, got {labels[:10]!r}...")
            out["label_accuracy"] = float(np.mean(predicted == labels))
        return out

    def __repr__(self):
        return f"DigitEvaluator(weights={os.path.relpath(WEIGHTS_PATH)!r})"


def format_scores(scores):
    """One line a notebook can print, e.g. 'readable 91%, spread 0.98, ...'."""
    text = (f"readable {scores['readable']:.0%}, class spread {scores['class_spread']:.2f}, "
            f"{scores['classes_covered']} digits covered, FID {scores['fid']:.1f}")
    if "label_accuracy" in scores:
        text += f", label accuracy {scores['label_accuracy']:.0%}"
    return text


_loaded = {}


def load_evaluator(path=None):
    """The shipped digit classifier as a :class:`DigitEvaluator` (loaded once)."""
    from .checkpoints import load_weights

    path = os.fspath(path or WEIGHTS_PATH)
    if path not in _loaded:
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"no digit-classifier weights at {path!r}; make them with "
                "`python scripts/train_digit_classifier.py`")
        _loaded[path] = DigitEvaluator(load_weights(build_digit_classifier(), path))
    return _loaded[path]
