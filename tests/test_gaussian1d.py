"""The 1-D notebook's teaching result holds for seeds other than the notebook's."""
import numpy as np
import pytest

from helpers import gaussian1d


def test_point_mass_reference():
    assert gaussian1d.point_mass_w1() == pytest.approx(0.399, abs=1e-3)


def test_build_gan_refuses_unknown_settings():
    with pytest.raises(ValueError, match="unknown setting"):
        gaussian1d.build_gan(0, learnig_rate=0.1)


def test_minibatch_discrimination_keeps_the_spread_on_other_seeds():
    """Seeds 5-9 (the notebook uses 0-4): with minibatch discrimination the
    generated spread stays near the data's 0.5, closer than without it."""
    off = gaussian1d.seed_sweep(range(5, 10), minibatch=False, progress=False)
    on = gaussian1d.seed_sweep(range(5, 10), minibatch=True, progress=False)
    error_on = (on["std"] - 0.5).abs().median()
    error_off = (off["std"] - 0.5).abs().median()
    assert on["std"].median() > 0.4, on
    assert error_on < 0.1, on
    assert error_on < error_off, (on, off)
    assert on["w1"].median() < 0.3
    assert on["w1"].max() < gaussian1d.point_mass_w1()  # each beats a generator of the mean only
    assert np.all(np.abs(on["mean"] - 4) < 0.5)
