"""Samplers: the shapes, the statistics and the noise layouts the chapters use."""
import numpy as np
import pytest

from helpers import data


def test_gaussian_sampler_has_the_asked_moments_and_pdf():
    s = data.GaussianSampler(4.0, 0.5)
    x = s.numpy(20_000, seed=1)
    assert x.shape == (20_000, 1)
    assert x.mean() == pytest.approx(4.0, abs=0.02)
    assert x.std() == pytest.approx(0.5, abs=0.02)
    assert s.pdf(np.array([4.0]))[0] == pytest.approx(1 / (0.5 * np.sqrt(2 * np.pi)))
    assert np.array_equal(s.numpy(5, seed=3), s.numpy(5, seed=3))


def test_stratified_noise_is_an_even_grid_with_small_jitter():
    z = data.NoiseSampler(1, "stratified", scale=8.0, jitter=0.01).numpy(17, seed=0).ravel()
    grid = np.linspace(-8, 8, 17)
    assert np.all(z - grid >= 0) and np.all(z - grid < 0.01)


def test_uniform_noise_stays_in_range():
    z = data.NoiseSampler(200, "uniform").numpy(500, seed=0)
    assert z.shape == (500, 200)
    assert z.min() >= -1 and z.max() <= 1 and abs(z.mean()) < 0.01


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "cauchy"}, "unknown noise kind"),
    ({"dim": 0}, "dim must be a positive integer"),
    ({"dim": 2, "kind": "stratified"}, "one-dimensional"),
    ({"scale": -1.0}, "scale must be a positive"),
])
def test_noise_sampler_refuses_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.NoiseSampler(**kwargs)


def test_gaussian_sampler_refuses_a_bad_sigma():
    with pytest.raises(ValueError, match="sigma"):
        data.GaussianSampler(0.0, 0.0)


def test_array_sampler_draws_rows_and_labels_together():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    s = data.ArraySampler(x, y=np.arange(10) % 3)
    import tensorflow as tf

    xb, yb = s.sample(50, tf.random.Generator.from_seed(0))
    assert xb.shape == (50, 1) and yb.shape == (50,)
    assert np.array_equal(xb.numpy()[:, 0].astype(int) % 3, yb.numpy())
    assert s.num_classes == 3 and s.size == 10


@pytest.mark.parametrize("x, y, match", [
    (np.zeros(5), None, "shape"),
    (np.zeros((0, 2)), None, "at least one"),
    (np.array([[np.nan]]), None, "NaN"),
    (np.zeros((3, 1)), np.zeros(4, int), "y must have shape"),
    (np.zeros((3, 1)), np.array([0.5, 1, 2]), "integer"),
    (np.zeros((3, 1)), np.array([0, 1, 5]), "labels must lie"),
])
def test_array_sampler_refuses_bad_arrays(x, y, match):
    with pytest.raises(ValueError, match=match):
        data.ArraySampler(x, y, num_classes=3 if match == "labels must lie" else None)


def test_nearby_seeds_give_unrelated_streams():
    """tf.random.Generator.from_seed(n) and (n + 1) share a stream shifted by four
    numbers; make_rng must not."""
    s = data.GaussianSampler(0.0, 1.0)
    a, b = s.numpy(64, seed=1).ravel(), s.numpy(64, seed=2).ravel()
    for shift in range(0, 9):
        assert not np.allclose(a[shift:], b[:64 - shift])
        assert not np.allclose(b[shift:], a[:64 - shift])
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.5
    np.testing.assert_array_equal(s.numpy(8, seed=5), s.numpy(8, seed=5))
    with pytest.raises(ValueError, match="seed"):
        data.make_rng(-1)
