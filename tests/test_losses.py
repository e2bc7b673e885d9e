"""Every GAN loss against values worked out by hand with NumPy."""
import numpy as np
import pytest

from helpers import losses

REAL = np.array([[2.0], [-1.0], [0.5]], np.float32)   # D's logits on real samples
FAKE = np.array([[-3.0], [0.0], [1.5]], np.float32)   # D's logits on generated samples


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def test_minimax_discriminator_loss_matches_the_log_formula():
    d_real, d_fake = sigmoid(REAL), sigmoid(FAKE)
    expected = -np.mean(np.log(d_real)) - np.mean(np.log(1.0 - d_fake))
    assert float(losses.minimax_d_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-5)
    assert float(losses.d_loss_real(REAL)) == pytest.approx(-np.mean(np.log(d_real)), rel=1e-5)
    assert float(losses.d_loss_fake(FAKE)) == pytest.approx(-np.mean(np.log(1 - d_fake)), rel=1e-5)


def test_generator_losses_match_the_log_formulas():
    d_fake = sigmoid(FAKE)
    assert float(losses.minimax_g_loss(FAKE)) == pytest.approx(np.mean(np.log(1 - d_fake)), rel=1e-5)
    assert float(losses.non_saturating_g_loss(FAKE)) == pytest.approx(-np.mean(np.log(d_fake)),
                                                                     rel=1e-5)


def test_logit_losses_stay_finite_where_the_naive_log_overflows():
    confident = np.array([[-200.0], [200.0]], np.float32)
    for value in (losses.minimax_d_loss(confident, confident),
                  losses.non_saturating_g_loss(confident), losses.minimax_g_loss(confident)):
        assert np.isfinite(float(value))
    # log(sigmoid(-200)) = -200 up to rounding: the softplus form keeps it exact
    assert float(losses.non_saturating_g_loss(np.array([[-200.0]], np.float32))) == \
        pytest.approx(200.0, rel=1e-6)


def test_wasserstein_and_least_squares_losses():
    assert float(losses.wasserstein_d_loss(REAL, FAKE)) == pytest.approx(FAKE.mean() - REAL.mean())
    assert float(losses.wasserstein_g_loss(FAKE)) == pytest.approx(-FAKE.mean())
    expected_d = 0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE ** 2)
    assert float(losses.least_squares_d_loss(REAL, FAKE)) == pytest.approx(expected_d, rel=1e-6)
    assert float(losses.least_squares_g_loss(FAKE)) == pytest.approx(0.5 * np.mean((FAKE - 1) ** 2),
                                                                    rel=1e-6)


def test_minimax_generator_gradient_vanishes_when_d_rejects_fakes():
    import tensorflow as tf

    logits = tf.Variable([[-8.0]])  # D(G(z)) = sigmoid(-8), about 0.0003
    with tf.GradientTape(persistent=True) as tape:
        mm = losses.minimax_g_loss(logits)
        ns = losses.non_saturating_g_loss(logits)
    g_mm = abs(float(tape.gradient(mm, logits)[0, 0]))
    g_ns = abs(float(tape.gradient(ns, logits)[0, 0]))
    assert g_mm == pytest.approx(sigmoid(-8.0), rel=1e-4)
    assert g_ns == pytest.approx(1 - sigmoid(-8.0), rel=1e-4)
    assert g_ns > 1000 * g_mm


def test_loss_objects_report_their_parts():
    loss = losses.get_loss("non_saturating")
    d = loss.discriminator(REAL, FAKE)
    assert float(d["d_loss"]) == pytest.approx(float(d["d_loss_real"]) + float(d["d_loss_fake"]))
    assert set(loss.generator(FAKE)) == {"g_loss"}
    assert losses.get_loss(loss) is loss
    assert losses.get_loss("wasserstein").uses_sigmoid is False


@pytest.mark.parametrize("bad", ["minmax", "", 3, None])
def test_unknown_loss_is_refused_with_the_choices(bad):
    with pytest.raises(ValueError, match="non_saturating"):
        losses.get_loss(bad)
