"""helpers.keras_gan: the GAN as a keras.Model with its own train_step.

The central check: fed the same real and noise batches from the same initial
weights, the model trains exactly like helpers.training.GANTrainer, whether it
is driven by train_on_batch (one step per call) or by fit with
steps_per_execution (many steps per call).
"""
import keras
import numpy as np
import pytest

from helpers import keras_gan, seed_everything
from helpers.models import vector_discriminator, vector_generator
from helpers.optim import make_optimizer
from helpers.training import GANTrainer

DIM, HIDDEN, BATCH, STEPS = 8, 16, 4, 20
RTOL, ATOL = 1e-5, 1e-6  # float32 round-off; in practice the two agree bit for bit


def networks(seed=0, output="linear"):
    seed_everything(seed)
    return vector_generator(DIM, HIDDEN, output), vector_discriminator(DIM, HIDDEN)


def copies(g, d):
    """New models holding the same weights as g and d."""
    out = []
    for model in (g, d):
        twin = keras.models.clone_model(model)
        twin.set_weights(model.get_weights())
        out.append(twin)
    return out


def compiled(g, d, noise="uniform", seed=0, loss="non_saturating", steps_per_execution=1,
             lr=1e-3):
    gan = keras_gan.GAN(g, d, noise=noise, seed=seed)
    gan.compile(d_optimizer=make_optimizer("rmsprop", lr), g_optimizer=make_optimizer("rmsprop", lr),
                loss=loss, steps_per_execution=steps_per_execution)
    return gan


@pytest.fixture
def batches():
    rng = np.random.default_rng(7)
    real = rng.normal(3.0, 1.0, (STEPS, BATCH, DIM)).astype(np.float32)
    noise = rng.uniform(-1.0, 1.0, (2 * STEPS, BATCH, DIM)).astype(np.float32)
    return real, noise


def weights(*models):
    return [w.numpy() for m in models for w in m.weights]


def assert_same_weights(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("loss", ["non_saturating", "minimax", "least_squares"])
def test_trains_like_gantrainer_on_the_same_batches(batches, loss):
    real, noise = batches
    g0, d0 = networks()

    g, d = copies(g0, d0)
    data, z = keras_gan.Replay(real), keras_gan.Replay(noise)
    trainer = GANTrainer(g, d, data, z, loss=loss, optimizer="rmsprop", learning_rate=1e-3,
                         batch_size=BATCH)
    data.rewind()
    z.rewind()  # the trainer drew once to check shapes
    trainer.train(STEPS, chunk=STEPS, progress=False)
    after_trainer = weights(g, d)

    g, d = copies(g0, d0)
    gan = compiled(g, d, noise=keras_gan.Replay(noise), loss=loss)
    per_step = []
    for i in range(STEPS):
        gan.reset_metrics()  # some Keras versions (3.13) average over train_on_batch calls
        per_step.append({k: float(v) for k, v in
                         gan.train_on_batch(real[i], return_dict=True).items()})
    assert set(per_step[0]) >= {"d_loss", "g_loss"}
    for key in per_step[0]:
        np.testing.assert_allclose([s[key] for s in per_step], trainer.history[key],
                                   rtol=RTOL, atol=ATOL, err_msg=key)
    assert_same_weights(weights(g, d), after_trainer)

    # fit runs every step in one compiled call and reports the epoch's mean losses
    g, d = copies(g0, d0)
    gan = compiled(g, d, noise=keras_gan.Replay(noise), loss=loss, steps_per_execution=STEPS)
    history = gan.fit(real.reshape(-1, DIM), batch_size=BATCH, shuffle=False, epochs=1,
                      verbose=0).history
    for key in per_step[0]:
        np.testing.assert_allclose(history[key][0], np.mean(trainer.history[key]),
                                   rtol=1e-4, atol=ATOL, err_msg=key)
    assert_same_weights(weights(g, d), after_trainer)


def test_a_step_changes_both_networks_and_fit_reports_every_loss():
    g, d = networks()
    gan = compiled(g, d)
    before = weights(g), weights(d)
    x = np.random.default_rng(0).normal(3, 1, (4 * BATCH, DIM)).astype(np.float32)
    history = gan.fit(x, batch_size=BATCH, epochs=2, verbose=0).history
    assert sorted(history) == ["d_loss", "d_loss_fake", "d_loss_real", "g_loss"]
    assert all(len(v) == 2 and np.all(np.isfinite(v)) for v in history.values())
    assert not all(np.array_equal(a, b) for a, b in zip(before[0], weights(g)))
    assert not all(np.array_equal(a, b) for a, b in zip(before[1], weights(d)))


def test_the_seed_generator_makes_runs_repeatable():
    x = np.random.default_rng(0).normal(3, 1, (5 * BATCH, DIM)).astype(np.float32)

    def losses(seed):
        g, d = networks(0)
        gan = compiled(g, d, seed=seed, steps_per_execution=5)
        return gan.fit(x, batch_size=BATCH, shuffle=False, epochs=3, verbose=0).history["g_loss"]

    assert losses(3) == losses(3)
    assert losses(3) != losses(4)


def test_noise_kinds_and_generate():
    g, d = networks()
    uniform = keras_gan.GAN(g, d, noise="uniform", noise_scale=2.0)
    z = np.asarray(uniform.draw_noise(2000))
    assert z.shape == (2000, DIM) and z.min() >= -2.0 and z.max() <= 2.0 and z.max() > 1.9
    normal = keras_gan.GAN(g, d, noise="normal")
    assert abs(np.asarray(normal.draw_noise(4000)).std() - 1.0) < 0.05
    a, b = normal.generate(10, seed=5), normal.generate(10, seed=5)
    assert a.shape == (10, DIM) and np.array_equal(a, b)
    assert not np.array_equal(a, normal.generate(10, seed=6))


def test_sample_callback_keeps_frames_on_fixed_noise():
    g, d = networks()
    gan = compiled(g, d, steps_per_execution=3)
    seen = []
    frames = keras_gan.SampleCallback(every=2, n=7, seed=1,
                                      draw=lambda step, x, logs: seen.append((step, x.shape,
                                                                              sorted(logs))))
    z = gan.draw_noise(7, keras.random.SeedGenerator(1))  # the callback's fixed noise
    untrained = np.asarray(g(z))
    x = np.random.default_rng(0).normal(3, 1, (3 * BATCH, DIM)).astype(np.float32)
    gan.fit(x, batch_size=BATCH, epochs=4, verbose=0, callbacks=[frames])
    assert frames.steps == [0, 6, 12]
    assert [s for s, _, _ in seen] == [0, 6, 12] and seen[0][1] == (7, DIM)
    assert "g_loss" in seen[-1][2]
    # every frame is G applied to the same noise: only G's learning changes it
    np.testing.assert_allclose(frames.frames[0][1], untrained, rtol=1e-6)
    np.testing.assert_allclose(frames.frames[-1][1], np.asarray(g(z)), rtol=1e-6)
    assert not np.allclose(frames.frames[-1][1], untrained)
    gan.fit(x, batch_size=BATCH, epochs=2, verbose=0, callbacks=[frames])  # steps go on
    assert frames.steps == [0, 6, 12, 18]


def test_replay_hands_out_batches_in_order_and_rewinds():
    batches = np.arange(3 * 2 * 2, dtype=np.float32).reshape(3, 2, 2)
    r = keras_gan.Replay(batches)
    got = [np.asarray(r.sample(2)) for _ in range(4)]
    assert [g[0, 0] for g in got] == [0.0, 4.0, 8.0, 0.0]
    r.rewind()
    assert np.asarray(r(2))[0, 0] == 0.0
    with pytest.raises(ValueError, match="shape"):
        keras_gan.Replay(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        keras_gan.Replay(np.full((1, 2, 2), np.nan))


def test_refuses_what_does_not_fit():
    g, d = networks()
    with pytest.raises(ValueError, match="expects"):
        keras_gan.GAN(vector_generator(DIM + 1, HIDDEN, "linear", noise_dim=DIM), d)
    with pytest.raises(ValueError, match="noise"):
        keras_gan.GAN(g, d, noise="cauchy")
    with pytest.raises(ValueError, match="noise_scale"):
        keras_gan.GAN(g, d, noise_scale=0.0)
    with pytest.raises(ValueError, match="seed"):
        keras_gan.GAN(g, d, seed=-1)
    gan = keras_gan.GAN(g, d)
    opt = make_optimizer("adam", 1e-3)
    with pytest.raises(ValueError, match="two optimizer objects"):
        gan.compile(d_optimizer=opt, g_optimizer=opt)
    with pytest.raises(ValueError, match="keras optimizer"):
        gan.compile(d_optimizer="adam", g_optimizer=make_optimizer("adam", 1e-3))
    with pytest.raises(ValueError, match="GANTrainer"):
        gan.compile(make_optimizer("adam", 1e-3), make_optimizer("adam", 1e-3),
                    loss="wasserstein_gp")
    with pytest.raises(ValueError, match="unknown loss"):
        gan.compile(make_optimizer("adam", 1e-3), make_optimizer("adam", 1e-3), loss="hinge")
    with pytest.raises(ValueError, match="every"):
        keras_gan.SampleCallback(every=0)


def test_progress_callback_runs_quietly_outside_a_notebook():
    g, d = networks()
    gan = compiled(g, d)
    x = np.random.default_rng(0).normal(3, 1, (2 * BATCH, DIM)).astype(np.float32)
    bar = keras_gan.ProgressCallback("fit")
    gan.fit(x, batch_size=BATCH, epochs=2, verbose=0, callbacks=[bar])
    assert bar._bar is None  # closed at the end of training
