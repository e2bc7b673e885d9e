"""helpers.evaluator: real digits score well, broken generators score badly."""
import numpy as np
import pytest

from helpers import evaluator as ev_module
from helpers.evaluator import frechet_distance, load_evaluator, to_unit_images
from helpers.datasets import load_mnist_holdout, load_mnist_train_split


@pytest.fixture(scope="module")
def ev():
    return load_evaluator()


@pytest.fixture(scope="module")
def held():
    return load_mnist_holdout()


@pytest.fixture(scope="module")
def other_real():
    """1,000 real digits that are not the FID reference (the classifier's training half)."""
    train = load_mnist_train_split()
    idx = np.random.default_rng(0).choice(len(train.x), 1000, replace=False)
    return train.x[idx], train.y[idx]


def test_weights_file_is_small_and_loads_once():
    import os

    assert os.path.getsize(ev_module.WEIGHTS_PATH) < 1_000_000
    assert load_evaluator() is load_evaluator()


def test_real_held_out_digits_score_well(ev, held):
    s = ev.scores(held.x, labels=held.y)
    assert s["label_accuracy"] >= 0.95, s
    assert s["readable"] >= 0.85, s
    assert s["class_spread"] >= 0.98 and s["classes_covered"] == 10, s


def test_predict_gives_probabilities(ev, held):
    p = ev.predict(held.x[:50])
    assert p.shape == (50, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)


def test_other_real_digits_are_close_in_fid(ev, other_real):
    x, y = other_real
    s = ev.scores(x, labels=y)
    assert s["fid"] < 5.0, s
    assert s["readable"] >= 0.85 and s["label_accuracy"] >= 0.95, s


def test_uniform_noise_is_unreadable_and_far(ev, other_real):
    noise = np.random.default_rng(1).uniform(-1, 1, (1000, 28, 28, 1))
    s = ev.scores(noise)
    assert s["readable"] < 0.05, s
    assert s["fid"] > 50 * max(ev.scores(other_real[0])["fid"], 1.0), s


def test_gray_images_are_unreadable(ev):
    gray = np.random.default_rng(2).normal(0.0, 0.05, (500, 28, 28))
    assert ev.scores(gray)["readable"] < 0.05


def test_one_repeated_digit_has_low_spread(ev, held):
    sevens = held.x[held.y == 7]
    s = ev.scores(np.repeat(sevens, 5, axis=0))
    assert s["class_spread"] < 0.2 and s["classes_covered"] <= 2, s
    assert s["readable"] > 0.8, s  # each picture is a fine 7: only the spread tells
    assert s["fid"] > 50, s


def test_value_range_is_honoured(ev, held):
    a = ev.scores(held.x[:300])
    b = ev.scores((held.x[:300] + 1) / 2, value_range=(0, 1))
    c = ev.scores(held.x[:300].reshape(300, 784))
    assert a == pytest.approx(b) and a == pytest.approx(c)
    # the wrong range reads [-1, 1] images as mostly gray: it shows in the scores
    assert ev.scores(held.x[:300], value_range=(-3, 3))["readable"] < a["readable"] - 0.3


@pytest.mark.parametrize("images, kwargs, match", [
    (np.zeros((4, 32, 32)), {}, r"\(4, 32, 32\)"),
    (np.zeros((0, 28, 28)), {}, "n >= 1"),
    (np.full((2, 28, 28), np.nan), {}, "NaN"),
    (np.zeros((2, 28, 28)), {"value_range": (1, 1)}, "low < high"),
    (np.zeros((2, 28, 28)), {"value_range": 1}, "pair"),
    (np.zeros((2, 28, 28)), {"labels": [3, 12]}, "0..9"),
])
def test_bad_input_is_refused_clearly(ev, images, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ev.scores(images, **kwargs)


def test_missing_weights_say_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_digit_classifier"):
        load_evaluator(tmp_path / "none.weights.h5")


def test_frechet_distance_of_known_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4))
    cov = a @ a.T + np.eye(4)
    mu = rng.normal(size=4)
    assert frechet_distance(mu, cov, mu, cov) == pytest.approx(0.0, abs=1e-6)
    shift = np.array([3.0, 0, 0, 4.0])
    assert frechet_distance(mu, cov, mu + shift, cov) == pytest.approx(25.0, rel=1e-6)
    # N(0, I) vs N(0, 4 I) in 4-D: 4 * (1 + 4 - 2 * 2) = 4
    assert frechet_distance(np.zeros(4), np.eye(4), np.zeros(4), 4 * np.eye(4)) \
        == pytest.approx(4.0, rel=1e-6)


def test_to_unit_images_clips_out_of_range_values():
    x = to_unit_images(np.array([[-2.0, 0.0, 2.0] * 261 + [0.0]]).reshape(1, 784))
    assert x.min() == 0.0 and x.max() == 1.0 and x.shape == (1, 28, 28, 1)
