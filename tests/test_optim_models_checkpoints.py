"""Optimizers by name, the 1-D chapter's models, and checked weight files."""
import keras
import numpy as np
import pytest

import helpers
from helpers import checkpoints, models, optim


@pytest.mark.parametrize("name, cls", [("sgd", "SGD"), ("momentum", "SGD"), ("nesterov", "SGD"),
                                       ("rmsprop", "RMSprop"), ("adam", "Adam"), ("Adam", "Adam")])
def test_optimizers_by_name(name, cls):
    opt = optim.make_optimizer(name, 0.01)
    assert type(opt).__name__ == cls
    assert float(opt.learning_rate) == pytest.approx(0.01)


def test_momentum_and_nesterov_settings():
    assert optim.make_optimizer("momentum", 0.1).momentum == pytest.approx(0.9)
    assert optim.make_optimizer("nesterov", 0.1).nesterov is True


def test_staircase_decay_follows_the_chapter():
    opt = optim.make_optimizer("sgd", 0.005, decay_every=150, decay_rate=0.95)
    schedule = opt._learning_rate
    assert float(schedule(149)) == pytest.approx(0.005)
    assert float(schedule(150)) == pytest.approx(0.005 * 0.95)
    assert float(schedule(450)) == pytest.approx(0.005 * 0.95 ** 3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(name="adagradx", learning_rate=0.1), "unknown optimizer 'adagradx'; choose one of"),
    (dict(name="adam", learning_rate=0), r"must lie in \(0, 1\]"),
    (dict(name="adam", learning_rate=1e9), r"must lie in \(0, 1\], got 1000000000"),
    (dict(name="sgd", learning_rate=0.1, decay_every=10), "both"),
    (dict(name="sgd", learning_rate=0.1, decay_every=10, decay_rate=2.0), "decay_rate"),
])
def test_bad_optimizer_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optim.make_optimizer(**kwargs)


def test_seed_everything_repeats_and_refuses_bad_seeds():
    helpers.seed_everything(5)
    a = models.dense_generator(hidden=(4,), init_stddev=1.0).get_weights()
    helpers.seed_everything(5)
    b = models.dense_generator(hidden=(4,), init_stddev=1.0).get_weights()
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    for bad in (-1, 1.5, "0", True):
        with pytest.raises(ValueError, match="seed"):
            helpers.seed_everything(bad)


def test_chapter_model_shapes_and_logit_output():
    G, D = models.dense_generator(hidden=(4,), init_stddev=1.0), models.dense_discriminator(hidden=(8, 8), minibatch=True)
    z = np.linspace(-8, 8, 12, dtype=np.float32)[:, None]
    x = G(z)
    assert x.shape == (12, 1)
    out = D(x).numpy()
    assert out.shape == (12, 1)
    assert np.all(np.isfinite(out))


def test_minibatch_features_grow_when_a_batch_collapses():
    helpers.seed_everything(0)
    layer = models.MinibatchDiscrimination(5, 3)
    spread = np.linspace(-3, 3, 16, dtype=np.float32).reshape(16, 1) * np.ones((1, 8), np.float32)
    collapsed = np.zeros((16, 8), np.float32)
    f_spread = layer(spread).numpy()[:, 8:]
    f_collapsed = layer(collapsed).numpy()[:, 8:]
    assert f_collapsed.shape == (16, 5)
    np.testing.assert_allclose(f_collapsed, 1.0, rtol=1e-6)  # every neighbour at distance 0
    assert f_spread.mean() < f_collapsed.mean()
    assert layer(collapsed[:1]).numpy()[0, 8:].tolist() == [0.0] * 5  # no neighbours


def test_checkpoint_round_trip_and_clear_errors(tmp_path):
    helpers.seed_everything(0)
    G = models.dense_generator(hidden=(4,), init_stddev=1.0)
    path = checkpoints.save_weights(G, tmp_path / "g.weights.h5")
    G2 = models.dense_generator(hidden=(4,), init_stddev=1.0)
    checkpoints.load_weights(G2, path, sha256=checkpoints.file_sha256(path))
    assert all(np.array_equal(a, b) for a, b in zip(G.get_weights(), G2.get_weights()))
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        checkpoints.load_weights(G2, tmp_path / "missing.weights.h5")
    with pytest.raises(ValueError, match="does not fit the model"):
        checkpoints.load_weights(models.dense_discriminator(hidden=(8, 8, 8)), path)
    with pytest.raises(ValueError, match="not the recorded file"):
        checkpoints.load_weights(G2, path, sha256="0" * 64)
    with pytest.raises(ValueError, match=".weights.h5"):
        checkpoints.save_weights(G, tmp_path / "g.h5")
