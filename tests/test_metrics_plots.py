"""Distances between samples, and the plots the notebooks draw."""
import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from helpers import metrics, plots  # noqa: E402


def test_wasserstein_of_a_shift_is_the_shift():
    x = np.random.default_rng(0).normal(0, 1, 5000)
    assert metrics.wasserstein_1d(x, x + 0.7) == pytest.approx(0.7, abs=1e-9)
    assert metrics.wasserstein_1d(x, x) == 0


def test_wasserstein_of_a_point_mass_matches_the_formula():
    real = np.random.default_rng(1).normal(4, 0.5, 200_000)
    w = metrics.wasserstein_1d(real, np.full(100, 4.0))
    assert w == pytest.approx(0.5 * math.sqrt(2 / math.pi), rel=0.01)


def test_jensen_shannon_distance_is_zero_for_equal_and_one_for_disjoint():
    x = np.random.default_rng(0).normal(0, 1, 4000)
    assert metrics.jensen_shannon_1d(x, x) == pytest.approx(0.0, abs=1e-12)
    assert metrics.jensen_shannon_1d(x, x + 100) == pytest.approx(1.0)
    near = metrics.jensen_shannon_1d(x, np.random.default_rng(1).normal(0, 1, 4000))
    far = metrics.jensen_shannon_1d(x, np.random.default_rng(1).normal(1, 1, 4000))
    assert near < far


@pytest.mark.parametrize("bad, match", [
    (np.zeros((3, 2)), "1-D samples"),
    (np.array([1.0]), "at least 2"),
    (np.array([1.0, np.nan]), "NaN"),
])
def test_metrics_refuse_bad_samples(bad, match):
    with pytest.raises(ValueError, match=match):
        metrics.wasserstein_1d(bad, np.zeros(10))
    with pytest.raises(ValueError, match=match):
        metrics.jensen_shannon_1d(np.zeros(10), bad)


def test_tile_images_lays_out_a_grid_in_unit_range():
    imgs = np.stack([np.full((4, 4), v) for v in (-1.0, 0.0, 1.0, 0.5)])
    grid = plots.tile_images(imgs, ncols=2, pad=1)
    assert grid.shape[:2] == (2 * 4 + 3 * 1, 2 * 4 + 3 * 1) or grid.shape[:2] == (9, 9)
    assert grid.min() >= 0 and grid.max() <= 1


def test_animation_plays_without_ffmpeg_and_figure_to_png():
    frames = [{"x": np.linspace(-8, 8, 50), "d": np.full(50, 0.5), "centers": np.linspace(-8, 8, 10),
               "p_real": np.ones(10) * 0.1, "p_fake": np.ones(10) * s, "step": s} for s in (0, 1)]
    html = plots.animate(frames, plots.draw_frame_1d)
    text = html.data if hasattr(html, "data") else str(html)
    assert "<script" in text and text.count("data:image/png;base64") >= 2
    fig, ax = plots.new_figure()
    plots.draw_frame_1d(frames[0], ax=ax)
    assert plots.figure_to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_smooth_is_a_moving_average_of_the_same_length():
    values = np.arange(10, dtype=float)
    out = plots.smooth(values, 3)
    assert out.shape == values.shape
    assert out[5] == pytest.approx(np.mean(values[3:6]))


def test_show_grayscale_stores_one_channel_and_is_smaller(capsys):
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    images = np.random.default_rng(0).uniform(-1, 1, (40, 28, 28, 1))
    fig, ax = plt.subplots(figsize=(4, 2), dpi=50)
    plots.image_grid(images, ax=ax, ncols=10, title="noise")
    rgba = plots.figure_to_png(fig, dpi=50)
    shown = plots.show_grayscale(fig)
    gray = Image.open(io.BytesIO(shown.data))
    assert gray.mode == "L" and gray.size == Image.open(io.BytesIO(rgba)).size
    assert len(shown.data) < len(rgba) / 2
    assert not plt.fignum_exists(fig.number)  # closed: the notebook shows it once
