"""helpers.keras_classic: the Keras chapter's recipe, and what `trainable` does in Keras 3.

Every claim the notebook makes about the flag is checked here by comparing
weights before and after a call; the last tests prove that GANTrainer's two
updates each change one model only (the working way).
"""
import numpy as np
import pytest

from helpers import keras_classic as classic
from helpers.experiments import vectors

DIM, HIDDEN, BATCH = 8, 16, 4  # small networks: the behaviour does not depend on size


@pytest.fixture
def batches():
    rng = np.random.default_rng(0)
    return (classic.x_sample(rng, BATCH, 3.0, 1.0, DIM), classic.z_sample(rng, BATCH, DIM),
            classic.z_sample(rng, BATCH, DIM))


def build(output="sigmoid"):
    return classic.build_classic(DIM, HIDDEN, output=output, seed=0)


def test_samplers_shapes_and_ranges():
    rng = np.random.default_rng(1)
    x = classic.x_sample(rng, 500, mu=3.0, sigma=0.5, dim=20)
    z = classic.z_sample(rng, 500, dim=20)
    assert x.shape == z.shape == (500, 20) and x.dtype == z.dtype == np.float32
    assert abs(x.mean() - 3.0) < 0.02 and abs(x.std() - 0.5) < 0.02
    assert z.min() >= -1.0 and z.max() <= 1.0 and z.min() < -0.99 and z.max() > 0.99


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 2.5}, "batch_size"),
    ({"dim": -1}, "dim"),
    ({"sigma": 0.0}, "sigma"),
    ({"sigma": -1.0}, "sigma"),
    ({"mu": float("nan")}, "mu"),
])
def test_x_sample_refuses_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        classic.x_sample(np.random.default_rng(0), **kwargs)


def test_samplers_refuse_a_non_generator():
    with pytest.raises(ValueError, match="rng"):
        classic.z_sample(0)
    with pytest.raises(ValueError, match="batch_size"):
        classic.z_sample(np.random.default_rng(0), batch_size=-3)


def test_chapter_models_and_bad_output():
    g, d = classic.generator_model(DIM, HIDDEN), classic.discriminator_model(DIM, HIDDEN)
    z = classic.z_sample(np.random.default_rng(0), 64, DIM) * 50  # large inputs
    out = np.asarray(g(z))
    assert out.shape == (64, DIM) and out.min() >= 0.0 and out.max() <= 1.0
    p = np.asarray(d(out))
    assert p.shape == (64, 1) and p.min() >= 0.0 and p.max() <= 1.0
    with pytest.raises(ValueError, match="output"):
        classic.generator_model(DIM, HIDDEN, output="tanh")
    with pytest.raises(ValueError, match="hidden"):
        classic.discriminator_model(DIM, 0)


def test_chapter_order_trains_each_model_once(batches):
    x, z_d, z_g = batches
    g, d, gan = build()
    assert classic.which_changed(lambda: classic.train_d(g, d, x, z_d), G=g, D=d) == \
        {"G": False, "D": True}
    d.trainable = False
    assert classic.which_changed(lambda: classic.train_g(gan, z_g), G=g, D=d) == \
        {"G": True, "D": False}


def test_later_flips_of_trainable_are_ignored(batches):
    x, z_d, z_g = batches
    g, d, gan = build()
    classic.classic_step(g, d, gan, x, z_d, z_g)  # first calls, in the chapter's order
    d.trainable = True
    assert classic.which_changed(lambda: classic.train_g(gan, z_g), G=g, D=d)["D"] is False
    d.trainable = False
    assert classic.which_changed(lambda: classic.train_d(g, d, x, z_d), G=g, D=d)["D"] is True


def test_first_combined_call_with_d_trainable_trains_d(batches):
    _, _, z_g = batches
    g, d, gan = build()  # gan was compiled while D was frozen; the flag is True again now
    assert d.trainable
    assert classic.which_changed(lambda: classic.train_g(gan, z_g), G=g, D=d) == \
        {"G": True, "D": True}


def test_first_d_call_while_frozen_never_trains_until_recompiled(batches):
    x, z_d, _ = batches
    g, d, gan = build()
    d.trainable = False
    with pytest.warns(UserWarning, match="trainable weights"):
        assert not classic.which_changed(lambda: classic.train_d(g, d, x, z_d), D=d)["D"]
    d.trainable = True
    assert not classic.which_changed(lambda: classic.train_d(g, d, x, z_d), D=d)["D"]
    d.compile(optimizer="rmsprop", loss="binary_crossentropy")
    assert classic.which_changed(lambda: classic.train_d(g, d, x, z_d), D=d)["D"]


def test_train_classic_records_every_step_and_sigmoid_stays_in_01():
    g, d, gan = build()
    run = classic.train_classic(g, d, gan, 3, mu=3.0, sigma=1.0, batch_size=BATCH, progress=False)
    assert {k: len(v) for k, v in run.items() if k != "seconds"} == \
        {"d_loss": 3, "g_loss": 3, "step_seconds": 3}
    assert np.all(np.isfinite(run["d_loss"])) and run["seconds"] > 0
    out = g.predict(classic.z_sample(np.random.default_rng(0), 32, DIM), verbose=0)
    assert out.min() > 0.0 and out.max() < 1.0


def test_train_classic_refuses_bad_counts():
    g, d, gan = build()
    with pytest.raises(ValueError, match="steps"):
        classic.train_classic(g, d, gan, 0, 3.0, 1.0, progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        classic.train_classic(g, d, gan, 2, 3.0, 1.0, batch_size=0, progress=False)
    with pytest.raises(ValueError, match="at least one model"):
        classic.which_changed(lambda: None)


def test_describe_change():
    line = classic.describe_change("step", {"G": True, "D": False})
    assert line.startswith("step") and line.endswith("G changed, D kept")


# --- the working way: one tape per player -----------------------------------------

def test_gantrainer_updates_change_one_model_each():
    t = vectors.vector_trainer(3.0, 1.0, dim=DIM, hidden=HIDDEN, batch_size=BATCH, seed=0)
    g, d = t.generator, t.discriminator
    assert classic.which_changed(t._d_update, G=g, D=d) == {"G": False, "D": True}
    assert classic.which_changed(t._g_update, G=g, D=d) == {"G": True, "D": False}
    # and a whole compiled step changes both
    assert classic.which_changed(lambda: t.train(1, progress=False), G=g, D=d) == \
        {"G": True, "D": True}
