"""helpers.models.vector_generator / vector_discriminator and helpers.experiments.vectors.

The seed tests train the notebook's recipe on seeds the notebook never uses
(it sweeps seeds 0-3) and check the lesson it asserts: twice with GANTrainer
(vectors.run, the command's code) and once as a keras.Model trained by fit
(vectors.run_keras), a few seconds each on 2 idle cores.
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


#: seeds the notebook does not use (its sweep is 0-3)
UNSEEN_SEEDS = (10, 11)
UNSEEN_KERAS_SEED = 12


@pytest.mark.parametrize("seed", UNSEEN_SEEDS)
def test_notebook_result_holds_for_other_seeds(seed):
    result = vectors.run(seed, progress=False)
    assert result.metrics["status"] == "finished" and result.steps == vectors.RECIPE["steps"]
    assert result.passed, (result.problems, result.metrics)
    # the per-vector means spread wider than real ones (the notebook's "what these numbers
    # do not see"), and the samples the command saves come from the same generator
    assert result.metrics["mean_spread"] > 3 * result.metrics["real_mean_spread"]
    assert result.samples(5, seed=1).shape == (5, vectors.DIM)


def test_notebook_result_holds_when_trained_by_fit():
    result = vectors.run_keras(UNSEEN_KERAS_SEED, progress=False)
    assert result.passed, (result.problems, result.metrics)
    history = result.extra["history"]
    assert len(history["g_loss"]) == vectors.RECIPE["steps"] // vectors.STEPS_PER_EPOCH


def test_the_keras_model_starts_from_the_trainers_weights():
    trainer = vectors.vector_trainer(seed=5)
    gan = vectors.keras_model(seed=5)
    for a, b in ((trainer.generator, gan.generator), (trainer.discriminator, gan.discriminator)):
        assert all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))


def test_real_dataset_is_repeatable_and_has_the_right_moments():
    first = [np.asarray(b) for b in vectors.real_dataset(3, 2.0, 0.5, batch_size=64).take(3)]
    again = [np.asarray(b) for b in vectors.real_dataset(3, 2.0, 0.5, batch_size=64).take(3)]
    other = np.asarray(next(iter(vectors.real_dataset(4, 2.0, 0.5, batch_size=64))))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], first[1]) and not np.array_equal(first[0], other)
    x = np.concatenate(first)
    assert x.shape == (192, vectors.DIM)
    assert abs(x.mean() - 2.0) < 0.01 and abs(x.std() - 0.5) < 0.01


@pytest.mark.parametrize("call, match", [
    (lambda: vectors.real_dataset(-1), "seed"),
    (lambda: vectors.real_dataset(0, sigma=0.0), "sigma"),
    (lambda: vectors.real_dataset(0, batch_size=0), "batch_size"),
    (lambda: vectors.run_keras(0, steps=150, progress=False), "multiple"),
    (lambda: vectors.run_keras(0, loss_scale=2, progress=False), "unknown setting"),
    (lambda: vectors.keras_model(0, steps_per_execution=0), "steps_per_execution"),
    (lambda: vectors.speed_table(steps={"bogus": 1}), "unknown way"),
    (lambda: vectors.speed_table(rounds=0), "rounds"),
])
def test_keras_way_refuses_bad_settings(call, match):
    with pytest.raises(ValueError, match=match):
        call()


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
