"""The compiled GAN trainer: it learns, it records, it stops cleanly, it survives NaN."""
import math

import numpy as np
import pytest
import tensorflow as tf

import helpers
from helpers import data, models, training

TARGET = data.GaussianSampler(4.0, 0.5)
NOISE = data.NoiseSampler(1, "stratified", scale=8.0)


def make(seed=0, **kwargs):
    helpers.seed_everything(seed)
    G = models.dense_generator(hidden=(4,))
    D = models.dense_discriminator(hidden=(8, 8, 8))
    kwargs.setdefault("optimizer", "adam")
    kwargs.setdefault("learning_rate", 1e-3)
    kwargs.setdefault("batch_size", 64)
    return training.GANTrainer(G, D, TARGET, NOISE, seed=seed, **kwargs)


def test_generator_moves_onto_the_data_and_history_has_every_step():
    t = make()
    before = abs(float(np.mean(t.generate(2000, seed=1))) - 4.0)
    hist = t.train(1500, progress=False)
    after = abs(float(np.mean(t.generate(2000, seed=1))) - 4.0)
    assert len(hist) == 1500 == t.step and t.status == "finished"
    for key in ("d_loss", "g_loss", "d_loss_real", "d_loss_fake", "d_real", "d_fake"):
        assert hist[key].shape == (1500,) and np.all(np.isfinite(hist[key]))
    assert after < 0.5 < before, (before, after)


def test_discriminator_alone_reduces_its_loss():
    """With G frozen (learning rate tiny), D's loss must fall from its start."""
    t = make(learning_rate=1e-9, d_learning_rate=3e-3)
    t.train(600, progress=False)
    d = t.history["d_loss"]
    assert d[-50:].mean() < 0.5 * d[:50].mean()


def test_d_step_changes_only_d_and_g_step_only_g():
    t = make()
    g0 = [w.numpy().copy() for w in t.generator.trainable_variables]
    d0 = [w.numpy().copy() for w in t.discriminator.trainable_variables]
    t._d_update()
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(g0, t.generator.trainable_variables))
    assert not all(np.array_equal(a, w.numpy())
                   for a, w in zip(d0, t.discriminator.trainable_variables))
    d1 = [w.numpy().copy() for w in t.discriminator.trainable_variables]
    t._g_update()
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(d1, t.discriminator.trainable_variables))
    assert not all(np.array_equal(a, w.numpy()) for a, w in zip(g0, t.generator.trainable_variables))


def test_same_seed_gives_the_same_run():
    a, b = make(seed=3), make(seed=3)
    a.train(200, progress=False)
    b.train(200, progress=False)
    np.testing.assert_array_equal(a.history["g_loss"], b.history["g_loss"])


def test_divergence_stops_keeps_history_and_restores_last_good_weights(capsys):
    t = make()
    t.train(100, chunk=50, progress=False)
    good = t.snapshot()
    # poison one generator weight: the next chunk produces NaN
    w = t.generator.trainable_variables[0]
    poisoned = w.numpy().copy()
    poisoned[0, 0] = np.nan
    w.assign(poisoned)
    t.train(100, chunk=50, progress=False)
    assert t.status == "diverged"
    assert "diverged" in capsys.readouterr().out
    assert "last good" in t.message and "Try a smaller learning rate" in t.message
    assert len(t.history) == 100 and np.all(np.isfinite(t.history["g_loss"]))
    # the weights are those from before the bad chunk (the poisoned value included,
    # since it was the state at the last check) -- and every finite weight is intact
    restored = t.snapshot()
    for a, b in zip(good[1:], restored[1:]):
        np.testing.assert_array_equal(a, b)


def test_a_huge_learning_rate_diverges_into_a_clear_message_not_a_crash(capsys):
    """Least squares with plain SGD at learning rate 1 blows up within a few chunks."""
    t = make(optimizer="sgd", learning_rate=1.0, loss="least_squares")
    snapshots = {}

    class Keep(training.Callback):
        def on_chunk_end(self, trainer, logs):
            snapshots[trainer.step] = trainer.snapshot()

    t.train(300, chunk=5, callbacks=[Keep()], progress=False)
    assert t.status == "diverged", t.status
    out = capsys.readouterr().out
    assert "learning rate 1" in out and "Try a smaller learning rate" in out
    assert 0 < t.good_step <= len(t.history) < 300
    assert all(np.all(np.isfinite(t.history[k])) for k in t.history.keys())
    for a, b in zip(snapshots[t.good_step], t.snapshot()):
        np.testing.assert_array_equal(a, b)
    t.set_learning_rate(1e-3)  # the run can go on from its last good weights
    t.train(20, progress=False)
    assert t.status == "finished"


def test_on_nan_raise_raises_trainingdiverged():
    t = make(on_nan="raise")
    w = t.discriminator.trainable_variables[0]
    w.assign(np.full(w.shape, np.inf, np.float32))
    with pytest.raises(training.TrainingDiverged, match="diverged"):
        t.train(10, progress=False)


def test_stop_request_keeps_history_and_weights():
    t = make()

    class StopAt(training.Callback):
        def on_chunk_end(self, trainer, logs):
            if trainer.step >= 300:
                trainer.request_stop()

    t.train(2000, chunk=100, callbacks=[StopAt()], progress=False)
    assert t.status == "stopped" and t.step == 300 and len(t.history["g_loss"]) == 300
    assert "kept" in t.message
    t.train(100, progress=False)  # it can go on from where it stopped
    assert t.step == 400 and t.status == "finished"


def test_callbacks_and_frame_recorder_see_the_run():
    t = make()
    seen = []
    rec = training.FrameRecorder(lambda tr: tr.step, every=100)
    t.train(450, chunk=50, progress=False,
            callbacks=[training.LambdaCallback(lambda tr, logs: seen.append(logs["step"]), every=200),
                       rec])
    assert seen == [200, 400]
    assert rec.frames == [0, 100, 200, 300, 400, 450]


def test_set_learning_rate_changes_the_optimizers():
    t = make()
    t.set_learning_rate(0.01)
    assert float(t.g_optimizer.learning_rate) == pytest.approx(0.01)
    assert float(t.d_optimizer.learning_rate) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="learning_rate"):
        t.set_learning_rate(0)


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 0}, r"learning_rate must lie in \(0, 1\], got 0"),
    ({"learning_rate": 1e9}, r"learning_rate must lie in \(0, 1\], got 1000000000"),
    ({"learning_rate": -1e-3}, "learning_rate must lie in"),
    ({"learning_rate": float("nan")}, "learning_rate must lie in"),
    ({"learning_rate": "fast"}, "learning_rate must be a number"),
    ({"optimizer": "adamw2"}, "unknown optimizer 'adamw2'; choose one of"),
    ({"batch_size": 0}, "batch_size must be a positive integer"),
    ({"batch_size": -5}, "batch_size must be a positive integer"),
    ({"batch_size": 2.5}, "batch_size must be a positive integer"),
    ({"d_steps": 0}, "d_steps must be a positive integer"),
    ({"clip_value": -0.01}, "clip_value must be a positive number"),
    ({"loss": "hinge2"}, "unknown loss"),
    ({"on_nan": "ignore"}, "on_nan"),
])
def test_bad_settings_are_refused_naming_value_and_range(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


@pytest.mark.parametrize("steps", [0, -10, 1.5, math.inf])
def test_bad_step_counts_are_refused(steps):
    t = make()
    with pytest.raises(ValueError, match="steps must be"):
        t.train(steps, progress=False)


def test_batch_larger_than_the_data_is_refused():
    helpers.seed_everything(0)
    x = np.random.default_rng(0).normal(4, 0.5, (30, 1)).astype(np.float32)
    with pytest.raises(ValueError, match="batch_size 64 is larger than the data \\(30 examples\\)"):
        training.GANTrainer(models.dense_generator(hidden=(4,)), models.dense_discriminator(hidden=(8, 8, 8)),
                            data.ArraySampler(x), NOISE, batch_size=64)


def test_wrong_sample_shapes_are_refused_before_training():
    helpers.seed_everything(0)
    with pytest.raises(ValueError, match="shape"):
        training.GANTrainer(models.dense_generator(hidden=(4,)), models.dense_discriminator(hidden=(8, 8, 8)),
                            data.GaussianSampler(4.0, 0.5, dim=3), NOISE, batch_size=8)


def test_pretraining_fits_d_to_the_density():
    helpers.seed_everything(0)
    D = models.dense_discriminator(hidden=(8, 8, 8))
    losses = training.pretrain_discriminator(D, TARGET.pdf, steps=800, batch_size=64,
                                             optimizer="adam", learning_rate=3e-3)
    assert losses[-100:].mean() < 0.3 * losses[:100].mean()
    xs = np.array([[4.0], [-4.0]], np.float32)
    p = tf.sigmoid(D(xs)).numpy().ravel()
    assert p[0] > 0.5 > p[1]


def test_a_run_saved_and_resumed_matches_the_run_that_never_stopped(tmp_path):
    straight = make(seed=5)
    straight.train(200, chunk=50, progress=False)

    first = make(seed=5)
    first.train(100, chunk=50, progress=False)
    path = first.save_state(tmp_path / "run.npz")
    resumed = make(seed=5)  # a new process would build the same trainer
    resumed.load_state(path)
    assert resumed.step == 100 and resumed.status == "loaded"
    resumed.train(100, chunk=50, progress=False)

    assert resumed.step == 200
    np.testing.assert_allclose(resumed.history["g_loss"], straight.history["g_loss"], rtol=1e-5)
    for a, b in zip(resumed.snapshot(), straight.snapshot()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_a_missing_or_foreign_state_file_is_refused_and_changes_nothing(tmp_path):
    t = make()
    t.train(20, progress=False)
    before = t.snapshot()
    with pytest.raises(FileNotFoundError, match="nothing to resume"):
        t.load_state(tmp_path / "absent.npz")
    helpers.seed_everything(0)
    other = training.GANTrainer(models.dense_generator(hidden=(6,)),
                                models.dense_discriminator(hidden=(8, 8, 8)), TARGET, NOISE)
    path = other.save_state(tmp_path / "other.npz")
    with pytest.raises(ValueError, match="does not fit this trainer"):
        t.load_state(path)
    assert t.step == 20 and all(np.array_equal(a, b) for a, b in zip(before, t.snapshot()))
    with pytest.raises(ValueError, match=".npz"):
        t.save_state(tmp_path / "run.h5")


def test_weight_average_follows_its_recursion_and_is_what_generate_draws():
    t = make(ema_decay=0.9)
    w0 = [w.numpy() for w in t.generator.weights]
    for a, w in zip(t.ema_generator.weights, w0):
        np.testing.assert_array_equal(a.numpy(), w)  # starts as a copy
    t._g_update()
    w1 = [w.numpy() for w in t.generator.weights]
    assert any(not np.array_equal(a, b) for a, b in zip(w0, w1))
    for a, before, after in zip(t.ema_generator.weights, w0, w1):
        np.testing.assert_allclose(a.numpy(), 0.9 * before + 0.1 * after, rtol=1e-5, atol=1e-7)

    t.train(50, progress=False)
    raw = t.generate(500, seed=1, average=False)
    averaged = t.generate(500, seed=1)
    assert not np.allclose(raw, averaged)
    # a snapshot includes the average, so a diverged run restores it too
    snap = t.snapshot()
    t.ema_generator.weights[0].assign(t.ema_generator.weights[0] * 0)
    t.restore(snap)
    np.testing.assert_array_equal(t.generate(500, seed=1), averaged)


@pytest.mark.parametrize("decay", [0, 1, 1.5, -0.1, float("nan"), "0.9"])
def test_bad_weight_average_decay_is_refused(decay):
    with pytest.raises(ValueError, match="ema_decay"):
        make(ema_decay=decay)


def test_no_average_kept_means_average_true_is_refused():
    with pytest.raises(ValueError, match="no weight average"):
        make().generate(10, average=True)
