"""helpers.models.vector_generator / vector_discriminator and helpers.experiments.vectors.

The last test trains the notebook's model for two other seeds and checks the
notebook's asserted result (about 10 s per seed on 2 idle cores).
"""
import numpy as np
import pytest

from helpers.experiments import vectors
from helpers.models import vector_discriminator, vector_generator


def test_generator_shapes_and_output_range():
    z = np.random.default_rng(0).uniform(-50, 50, size=(64, 10)).astype(np.float32)
    sig = np.asarray(vector_generator(10, 16, "sigmoid")(z))
    lin = np.asarray(vector_generator(10, 16, "linear")(z))
    assert sig.shape == lin.shape == (64, 10)
    assert sig.min() >= 0.0 and sig.max() <= 1.0
    assert lin.min() < 0.0 or lin.max() > 1.0  # a linear layer is not confined to (0, 1)
    assert vector_generator(10, 16, noise_dim=3).input_shape == (None, 3)


def test_discriminator_returns_one_logit():
    x = np.random.default_rng(0).normal(0, 30, size=(64, 10)).astype(np.float32)
    out = np.asarray(vector_discriminator(10, 16)(x))
    assert out.shape == (64, 1)
    assert out.min() < 0.0 or out.max() > 1.0  # a logit, not a probability


@pytest.mark.parametrize("kwargs, match", [
    ({"output": "tanh"}, "output"),
    ({"dim": 0}, "dim"),
    ({"hidden": -4}, "hidden"),
    ({"noise_dim": 0}, "noise_dim"),
    ({"dim": 2.0}, "dim"),
])
def test_generator_refuses_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vector_generator(**kwargs)


def test_discriminator_refuses_bad_input():
    with pytest.raises(ValueError, match="hidden"):
        vector_discriminator(10, 0)
    with pytest.raises(ValueError, match="dim"):
        vector_discriminator("200")


def test_vector_summary_on_known_samples():
    rng = np.random.default_rng(0)
    real = rng.normal(3.0, 1.0, size=(400, 200))
    same = rng.normal(3.0, 1.0, size=(400, 200))
    s = vectors.vector_summary(real, same)
    assert abs(s["mean"] - 3.0) < 0.02 and abs(s["std"] - 1.0) < 0.02
    assert abs(s["mean_spread"] - 1.0 / np.sqrt(200)) < 0.01
    assert s["w1"] < 0.02 and s["real_outside_01"] > 0.95
    assert vectors.check_learned(s, 3.0, 1.0) == []
    # every vector shifted by its own random offset: same pooled centre, wide spread of means
    shifted = same + rng.normal(0, 0.5, size=(400, 1))
    assert vectors.vector_summary(real, shifted)["mean_spread"] > 0.4
    inside = 1.0 / (1.0 + np.exp(-same))  # a sigmoid's outputs
    bad = vectors.vector_summary(real, inside)
    assert bad["outside_01"] == 0.0 and bad["w1"] > 1.5
    problems = vectors.check_learned(bad, 3.0, 1.0)
    assert len(problems) == 3 and "Wasserstein-1" in problems[2]


@pytest.mark.parametrize("real, fake, match", [
    (np.zeros(10), np.zeros((5, 10)), "real must be"),
    (np.zeros((5, 10)), np.zeros((1, 10)), "fake must be"),
    (np.zeros((5, 10)), np.zeros((5, 9)), "differ in length"),
    (np.zeros((5, 10)), np.full((5, 10), np.nan), "NaN"),
])
def test_vector_summary_refuses_bad_input(real, fake, match):
    with pytest.raises(ValueError, match=match):
        vectors.vector_summary(real, fake)


def test_vector_trainer_refuses_bad_settings():
    with pytest.raises(ValueError, match="output"):
        vectors.vector_trainer(output="relu")
    with pytest.raises(ValueError, match="sigma"):
        vectors.vector_trainer(sigma=0.0)
    with pytest.raises(ValueError, match="optimizer"):
        vectors.vector_trainer(optimizer="adagrad")


@pytest.mark.parametrize("seed", [1, 2])
def test_notebook_result_holds_for_other_seeds(seed):
    mu, sigma = 3.0, 1.0
    t = vectors.vector_trainer(mu, sigma, seed=seed)
    t.train(vectors.DEFAULTS["steps"], chunk=200, progress=False)
    assert t.status == "finished"
    real = t.data.numpy(1000, seed=seed + 100)
    s = vectors.vector_summary(real, t.generate(1000, seed=seed + 200))
    assert vectors.check_learned(s, mu, sigma) == [], s


def test_plot_vectors_draws_on_a_given_figure():
    from matplotlib.figure import Figure

    rng = np.random.default_rng(0)
    real, fake = rng.normal(3, 1, (50, 20)), rng.uniform(0, 1, (50, 20))
    fig = vectors.plot_vectors(real, fake, 3.0, 1.0, fig=Figure())
    assert [ax.get_title() for ax in fig.axes] == ["all entries, pooled",
                                                   "each vector's mean and std"]
    losses = {"d_loss": np.linspace(1, 0, 30), "g_loss": np.linspace(0, 1, 30)}
    fig = vectors.plot_vectors(real, fake, 3.0, 1.0, losses=losses, fig=Figure(), title="t")
    assert len(fig.axes) == 3 and len(fig.axes[2].lines) == 2
    # one dot per vector in the moments panel, for real and for generated
    assert [len(c.get_offsets()) for c in fig.axes[1].collections] == [50, 50]
