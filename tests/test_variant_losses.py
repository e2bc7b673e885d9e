"""The losses of the GAN-variants chapter against values worked out by hand,
and the WGAN critic's weight clipping after every critic step."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import losses
from helpers.data import ArraySampler, NoiseSampler
from helpers.training import GANTrainer

REAL = tf.constant([[1.0], [3.0]])
FAKE = tf.constant([[1.0], [2.0]])


def close(a, b):
    return abs(float(a) - float(b)) < 1e-5


def test_wasserstein_by_hand():
    # critic: mean f(G(z)) - mean f(x) = 1.5 - 2 ; generator: -mean f(G(z)) = -1.5
    loss = losses.get_loss("wasserstein")
    assert close(loss.discriminator(REAL, FAKE)["d_loss"], -0.5)
    assert close(loss.generator(FAKE)["g_loss"], -1.5)
    assert loss.uses_sigmoid is False


def test_wasserstein_with_plus_minus_one_labels_is_the_same_loss():
    # the chapter's form -y * mean(D): +1 for real, -1 for fake, +1 for G's batch
    real_part = losses.wasserstein_label_loss(1.0, REAL)
    fake_part = losses.wasserstein_label_loss(-1.0, FAKE)
    assert close(real_part, -2.0) and close(fake_part, 1.5)
    assert close(real_part + fake_part, losses.wasserstein_d_loss(REAL, FAKE))
    assert close(losses.wasserstein_label_loss(1.0, FAKE), losses.wasserstein_g_loss(FAKE))


def test_least_squares_by_hand():
    # D: 1/2 mean((D(x)-1)^2) + 1/2 mean(D(G(z))^2) = 1/2 * 2 + 1/2 * 2.5 ; G: 1/2 * 0.5
    loss = losses.get_loss("least_squares")
    assert close(loss.discriminator(REAL, FAKE)["d_loss"], 2.25)
    assert close(loss.generator(FAKE)["g_loss"], 0.25)
    assert loss.uses_sigmoid is False


def test_least_squares_is_the_chapters_mse_with_labels_one_and_zero():
    # the chapter compiles D with loss="mse" on real (label 1) and fake (label 0) images
    mse = keras.losses.MeanSquaredError()
    scores = tf.concat([REAL, FAKE], 0)
    targets = tf.constant([[1.0], [1.0], [0.0], [0.0]])
    assert close(mse(targets, scores), losses.least_squares_d_loss(REAL, FAKE))
    assert close(0.5 * mse(tf.ones_like(FAKE), FAKE), losses.least_squares_g_loss(FAKE))


def test_dcgan_and_cgan_losses_by_hand():
    # sigmoid(ln 3) = 3/4: -log(3/4) for the real logit, -log(1/4) for the fake one
    real = tf.constant([[math.log(3.0)]])
    fake = tf.constant([[math.log(3.0)]])
    loss = losses.get_loss("non_saturating")
    out = loss.discriminator(real, fake)
    assert close(out["d_loss"], math.log(4 / 3) + math.log(4))
    assert close(out["d_loss_real"], math.log(4 / 3))
    assert close(loss.generator(fake)["g_loss"], math.log(4 / 3))
    # CGAN: the labels go into the networks, not into the loss
    labels = tf.constant([3])
    assert close(loss.discriminator(real, fake, labels, labels)["d_loss"], out["d_loss"])


def test_class_loss_by_hand():
    # two classes, logits (ln 3, 0): p(class 0) = 3/4, p(class 1) = 1/4
    logits = tf.constant([[math.log(3.0), 0.0], [math.log(3.0), 0.0]])
    assert close(losses.class_loss(logits, tf.constant([0, 1])),
                 (math.log(4 / 3) + math.log(4)) / 2)
    assert close(losses.class_accuracy(logits, tf.constant([0, 1])), 0.5)


def test_acgan_loss_by_hand():
    # source logits 0 (D(x) = 1/2), class logits all 0 (p = 1/10 for every digit)
    source = tf.zeros((4, 1))
    classes = tf.zeros((4, 10))
    labels = tf.constant([0, 1, 2, 3])
    loss = losses.get_loss("acgan")
    d = loss.discriminator((source, classes), (source, classes), labels, labels)
    assert close(d["d_source_loss"], 2 * math.log(2))
    assert close(d["d_class_loss"], 2 * math.log(10))
    assert close(d["d_loss"], 2 * math.log(2) + 2 * math.log(10))
    g = loss.generator((source, classes), labels)
    assert close(g["g_loss"], math.log(2) + math.log(10))
    half = losses.ACGANLoss(class_weight=0.5)
    assert close(half.generator((source, classes), labels)["g_loss"],
                 math.log(2) + 0.5 * math.log(10))


def test_acgan_loss_refuses_what_it_cannot_use():
    loss = losses.get_loss("acgan")
    source, classes = tf.zeros((2, 1)), tf.zeros((2, 10))
    with pytest.raises(ValueError, match="class labels"):
        loss.discriminator((source, classes), (source, classes))
    with pytest.raises(ValueError, match="source_logit, class_logits"):
        loss.generator(source, tf.constant([0, 1]))
    with pytest.raises(ValueError, match="class_weight"):
        losses.ACGANLoss(class_weight=-1)


def _tiny_wgan(clip_value, d_steps, learning_rate=0.5):
    keras.utils.set_random_seed(0)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1)])
    data = ArraySampler(np.random.default_rng(0).normal(3.0, 1.0, (256, 2)))
    return GANTrainer(g, d, data, NoiseSampler(2), loss="wasserstein", optimizer="rmsprop",
                      learning_rate=learning_rate, batch_size=16, d_steps=d_steps,
                      clip_value=clip_value, seed=0)


def _record_largest_critic_weight(trainer):
    """After every critic update (inside the compiled step), keep the largest |w|."""
    largest = tf.Variable(0.0)
    updates = tf.Variable(0)
    d_update = trainer._d_update

    def watched():
        logs = d_update()
        biggest = tf.reduce_max([tf.reduce_max(tf.abs(w))
                                 for w in trainer.discriminator.trainable_variables])
        largest.assign(tf.maximum(largest, biggest))
        updates.assign_add(1)
        return logs

    trainer._d_update = watched
    return largest, updates


def test_clipping_holds_after_every_critic_step():
    trainer = _tiny_wgan(clip_value=0.01, d_steps=5)
    largest, updates = _record_largest_critic_weight(trainer)
    trainer.train(6, chunk=3, progress=False)
    assert int(updates.numpy()) == 30  # n_critic = 5 critic updates per generator step
    assert int(trainer.d_optimizer.iterations.numpy()) == 30
    assert int(trainer.g_optimizer.iterations.numpy()) == 6
    assert float(largest.numpy()) <= 0.01 + 1e-7


def test_without_clipping_the_same_critic_leaves_the_box():
    # the check above can fail: unclipped, the weights grow past 0.01 at once
    trainer = _tiny_wgan(clip_value=None, d_steps=5)
    largest, _ = _record_largest_critic_weight(trainer)
    trainer.train(2, chunk=2, progress=False)
    assert float(largest.numpy()) > 0.1


def test_gradient_penalty_by_hand():
    # f(x) = 3 * sum(x): its gradient is 3 everywhere (norm 3 for one number,
    # 3 * sqrt(4) = 6 for four), so the penalty is (3 - 1)^2 = 4 or (6 - 1)^2 = 25
    def critic(x):
        return 3.0 * tf.reduce_sum(tf.reshape(x, (x.shape[0], -1)), axis=1, keepdims=True)

    eps = tf.constant([[0.3], [0.9]])
    assert close(losses.gradient_penalty(critic, REAL, FAKE, eps), 4.0)
    images = tf.ones((2, 2, 2, 1))
    eps4 = tf.constant([0.2, 0.7])[:, None, None, None]
    assert close(losses.gradient_penalty(critic, images, -images, eps4), 25.0)
    # a 1-Lipschitz line with slope exactly 1 pays nothing
    assert close(losses.gradient_penalty(lambda x: x, REAL, FAKE, eps), 0.0)


def test_wgan_gp_loss_object_and_bad_weight():
    loss = losses.get_loss("wasserstein_gp")
    assert loss.penalty_weight == 10.0 and loss.uses_sigmoid is False
    assert close(loss.discriminator(REAL, FAKE)["d_loss"], -0.5)  # the penalty is the trainer's
    with pytest.raises(ValueError, match="penalty_weight"):
        losses.WassersteinGPLoss(0)


def test_trainer_adds_the_penalty_and_logs_its_parts():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(2.0, 0.5, (64, 1)).astype(np.float32)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    d = keras.Sequential([keras.Input((1,)), keras.layers.Dense(8, activation="tanh"),
                          keras.layers.Dense(1)])
    t = GANTrainer(g, d, ArraySampler(x), NoiseSampler(2), loss="wasserstein_gp",
                   optimizer="adam", learning_rate=1e-3, batch_size=16, d_steps=2)
    h = t.train(30, progress=False)
    for key in ("gradient_penalty", "w_estimate", "d_loss", "g_loss"):
        assert key in h and np.all(np.isfinite(h[key])), key
    # d_loss = -(estimate) + 10 * penalty, step by step
    np.testing.assert_allclose(h["d_loss"], -h["w_estimate"] + 10 * h["gradient_penalty"],
                               rtol=1e-4, atol=1e-5)
    assert np.all(h["gradient_penalty"] >= 0)
