"""Image metrics: distance to the nearest real image and diversity."""
import numpy as np
import pytest

from helpers.metrics import (diversity_ratio, mean_pairwise_distance, nearest_real_baseline,
                             nearest_real_distance, pairwise_rms_distance)


def _images(n=20, seed=0, shape=(5, 5, 1)):
    return np.random.default_rng(seed).uniform(-1, 1, size=(n, *shape))


def test_pairwise_rms_distance_matches_a_direct_computation():
    a, b = _images(4, 0), _images(3, 1)
    direct = np.sqrt(((a[:, None] - b[None]) ** 2).reshape(4, 3, -1).mean(-1))
    np.testing.assert_allclose(pairwise_rms_distance(a, b), direct, atol=1e-9)


def test_nearest_real_distance_is_zero_for_copies_and_the_offset_for_shifted_images():
    real = _images()
    assert nearest_real_distance(real[:5], real) == pytest.approx(0.0, abs=1e-7)
    # black against white everywhere: RMS distance 2
    assert nearest_real_distance(-np.ones((3, 4, 4)), np.ones((2, 4, 4))) == pytest.approx(2.0)


def test_baseline_leaves_each_image_out():
    real = np.stack([np.zeros((2, 2)), np.full((2, 2), 0.5), np.full((2, 2), 2.0)])
    # nearest other image: 0 -> 0.5, 0.5 -> 0, 2 -> 0.5  (distances 0.5, 0.5, 1.5)
    assert nearest_real_baseline(real) == pytest.approx((0.5 + 0.5 + 1.5) / 3)


def test_diversity_is_zero_for_a_collapsed_generator_and_one_for_the_data():
    real = _images()
    collapsed = np.repeat(real[:1], 10, axis=0)
    assert mean_pairwise_distance(collapsed) == pytest.approx(0.0, abs=1e-7)
    assert diversity_ratio(collapsed, real) == pytest.approx(0.0, abs=1e-7)
    assert diversity_ratio(real, real) == pytest.approx(1.0)
    # wider noise than the data is "more diverse" than the data
    assert diversity_ratio(3 * _images(seed=2), real) > 2


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="different sizes"):
        nearest_real_distance(_images(shape=(4, 4)), _images(shape=(5, 5)))
    with pytest.raises(ValueError, match="at least 2"):
        mean_pairwise_distance(_images(1))
    bad = _images()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        nearest_real_distance(bad, _images())
    with pytest.raises(ValueError, match="identical"):
        diversity_ratio(_images(), np.zeros((3, 2, 2)))
