"""The ring and grid of Gaussians (notebook 06): the samplers, the mode counts
checked on hand-made samples, and the notebook's lesson on seeds it never uses."""
import numpy as np
import pytest

from helpers import modes
from helpers.experiments import ring

RING = ring.DATASETS["ring"]
GRID = ring.DATASETS["grid"]


def test_centers_lie_where_they_should():
    c = modes.ring_centers(8, 2.0)
    assert c.shape == (8, 2)
    np.testing.assert_allclose(np.hypot(c[:, 0], c[:, 1]), 2.0)
    np.testing.assert_allclose(c[0], [2.0, 0.0], atol=1e-12)
    g = modes.grid_centers(5, 2.0)
    assert g.shape == (25, 2)
    assert sorted(set(np.round(g[:, 0], 9))) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    with pytest.raises(ValueError, match="radius"):
        modes.ring_centers(8, -1.0)
    with pytest.raises(ValueError, match="side"):
        modes.grid_centers(0)


def test_sampler_draws_every_mode_with_the_stated_spread():
    x = RING.numpy(8000, seed=0)
    assert x.shape == (8000, 2) and x.dtype == np.float32
    idx, dist = modes.nearest_mode(x, RING.centers)
    counts = np.bincount(idx, minlength=8)
    assert counts.min() > 800 and counts.max() < 1200  # about 1,000 each
    # the offset from the centre is N(0, sd^2) per coordinate
    offsets = x - RING.centers[idx]
    assert abs(offsets.std() - RING.sd) < 0.003
    np.testing.assert_array_equal(x, RING.numpy(8000, seed=0))  # reproducible
    assert not np.array_equal(x, RING.numpy(8000, seed=1))
    with pytest.raises(ValueError, match="sd"):
        modes.GaussianMixtureSampler(RING.centers, 0.0)
    with pytest.raises(ValueError, match="centers"):
        modes.GaussianMixtureSampler(np.zeros(3), 0.1)


def test_real_data_covers_every_mode_and_is_almost_all_high_quality():
    # W1 between two real samples is not 0: the modes' counts differ by chance and
    # the difference must travel between modes (the floor a perfect G reaches;
    # W1 matches the first modes.W1_POINTS points only)
    for data, floor in ((RING, 0.3), (GRID, 0.5)):
        report = modes.mode_report(data.numpy(2000, seed=5), data)
        assert report["modes"] == report["of_modes"] == data.k
        # within 3 sd in 2-D: 1 - exp(-9/2) = 98.9% of a round Gaussian
        assert report["high_quality"] > 0.97
        assert report["w1"] < floor


def test_one_mode_only():
    x = RING.centers[3] + RING.sd * np.random.default_rng(0).normal(size=(1000, 2))
    assert modes.modes_covered(x, RING.centers, RING.sd) == 1
    assert modes.high_quality_share(x, RING.centers, RING.sd) > 0.97
    counts = modes.mode_counts(x, RING.centers, RING.sd)
    assert counts.argmax() == 3 and counts.sum() == (counts[3])
    # W1 from the ring to one of its modes: most of the mass has to travel
    assert modes.mode_report(x, RING)["w1"] > 1.5


def test_off_ring_samples_are_neither_high_quality_nor_a_mode():
    rng = np.random.default_rng(1)
    angles = 2 * np.pi * (np.arange(1000) / 8 + 1 / 16)  # halfway between two modes
    between = 2.0 * np.stack([np.cos(angles), np.sin(angles)], 1)
    centre = 0.01 * rng.normal(size=(1000, 2))
    for x in (between, centre):
        assert modes.high_quality_share(x, RING.centers, RING.sd) == 0.0
        assert modes.modes_covered(x, RING.centers, RING.sd) == 0
    # every point halfway between two modes is 2 * 2 sin(pi / 16) = 0.78 from the
    # nearest one, the points at the centre 2 from every mode: W1 tells them apart
    real = RING.numpy(1000, seed=2)
    assert modes.wasserstein_2d(real, between) == pytest.approx(4 * np.sin(np.pi / 16), abs=0.05)
    assert modes.wasserstein_2d(real, centre) == pytest.approx(2.0, abs=0.05)


def test_a_mode_needs_its_share_and_nan_counts_as_off():
    rng = np.random.default_rng(2)
    main = RING.centers[0] + RING.sd * rng.normal(size=(990, 2))
    few = RING.centers[1] + RING.sd * rng.normal(size=(10, 2))  # 1%: below 1/32
    x = np.concatenate([main, few])
    assert modes.modes_covered(x, RING.centers, RING.sd) == 1
    assert modes.modes_covered(x, RING.centers, RING.sd, min_share=0.005) == 2
    x[:100] = np.nan
    assert modes.high_quality_share(x, RING.centers, RING.sd) <= 0.9 + 1e-9
    assert modes.wasserstein_2d(x, RING.numpy(1000, seed=0)) == float("inf")
    with pytest.raises(ValueError, match="min_share"):
        modes.modes_covered(x, RING.centers, RING.sd, min_share=0)
    with pytest.raises(ValueError, match="shape"):
        modes.nearest_mode(np.zeros((5, 3)), RING.centers)


def test_wasserstein_2d_on_a_shift_and_on_itself():
    a = np.random.default_rng(3).normal(size=(300, 2))
    assert modes.wasserstein_2d(a, a) == 0.0
    assert modes.wasserstein_2d(a, a + [0.5, 0.0]) == pytest.approx(0.5, abs=1e-9)
    with pytest.raises(ValueError, match="same size"):
        modes.wasserstein_2d(a, a[:10])


def test_recipe_refuses_unknown_settings():
    with pytest.raises(ValueError, match="unknown setting"):
        ring.build_gan(0, colour="red")
    with pytest.raises(ValueError, match="dataset"):
        ring.build_gan(0, dataset="spiral")


# --- the notebook's lesson on seeds it never uses (10 to 12), about 15 s -------

UNSEEN = (10, 11, 12)


def test_slow_discriminator_collapses_and_fast_one_covers_the_ring_on_unseen_seeds():
    """The notebook's claims, on seeds it never uses: the slow D collapses on every
    seed; the fast D covers more modes than the slow one on every seed and passes
    the lesson on most (it is no guarantee: on some seeds G settles on fewer modes)."""
    passed = 0
    for seed in UNSEEN:
        slow = ring.run(seed, recipe=ring.COLLAPSE_RECIPE, progress=False)
        assert ring.collapsed(slow.metrics), (seed, slow.metrics)
        fast = ring.run(seed, progress=False)
        assert fast.metrics["modes"] > slow.metrics["modes"], (seed, fast.metrics, slow.metrics)
        passed += fast.passed
    assert passed >= len(UNSEEN) - 1, passed


def test_result_samples_and_short_run_fails_the_lesson():
    result = ring.run(3, steps=20, progress=False)
    assert result.steps == 20 and not result.passed
    samples = result.samples(100, seed=1)
    assert samples.shape == (100, 2) and np.all(np.isfinite(samples))
    np.testing.assert_array_equal(samples, result.samples(100, seed=1))
    for key in ("modes", "of_modes", "high_quality", "w1"):
        assert key in result.to_dict()


def test_the_command_prints_the_modes_quality_and_distance(tmp_path):
    import json
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = tmp_path / "ring.npy"
    proc = subprocess.run([sys.executable, "-m", "helpers.experiments", "ring", "--seed", "2",
                           "--steps", "30", "--json", "--save-samples", str(out)], cwd=root,
                          env=dict(os.environ, PYTHONPATH=root), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1, proc.stderr  # 30 steps cannot cover the ring
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    assert record["experiment"] == "ring" and record["seed"] == 2 and record["steps"] == 30
    assert record["of_modes"] == 8 and 0 <= record["high_quality"] <= 1 and record["w1"] > 0
    assert record["passed"] is False and record["problems"]
    assert np.load(out).shape == (2000, 2)
    assert "TensorFlow" not in proc.stderr and "oneDNN" not in proc.stderr
