"""The dense face GAN: shapes, ranges, layer order and one training step."""
import numpy as np
import pytest
from keras import layers

import helpers
from helpers.data import ArraySampler, NoiseSampler
from helpers.experiments.faces import dense_face_discriminator, dense_face_generator
from helpers.training import GANTrainer


def test_generator_blocks_grow_and_end_in_a_tanh_image():
    g = dense_face_generator((25, 25, 1), noise_dim=100, widths=(16, 32, 64))
    dense = [l for l in g.layers if isinstance(l, layers.Dense)]
    assert [d.units for d in dense] == [16, 32, 64, 625]
    kinds = [type(l).__name__ for l in g.layers]
    assert kinds[:3] == ["Dense", "LeakyReLU", "BatchNormalization"]
    out = g(np.random.default_rng(0).normal(size=(4, 100)).astype("float32") * 50).numpy()
    assert out.shape == (4, 25, 25, 1)
    assert np.all(np.abs(out) <= 1.0)


def test_discriminator_returns_one_logit_per_image():
    d = dense_face_discriminator((8, 8, 3), widths=(32, 16))
    assert [l.units for l in d.layers if isinstance(l, layers.Dense)] == [32, 16, 1]
    out = d(np.zeros((5, 8, 8, 3), "float32"))
    assert out.shape == (5, 1)
    assert d.layers[-1].activation.__name__ == "linear"


@pytest.mark.parametrize("shape", [(25, 25), (25, 25, 2), (0, 25, 1)])
def test_bad_image_shapes_are_refused(shape):
    with pytest.raises(ValueError, match="image_shape"):
        dense_face_generator(shape)
    with pytest.raises(ValueError, match="image_shape"):
        dense_face_discriminator(shape)


def test_bad_widths_and_slopes_are_refused():
    with pytest.raises(ValueError, match="width"):
        dense_face_generator(widths=())
    with pytest.raises(ValueError, match="alpha"):
        dense_face_discriminator(alpha=1.5)


def test_trainer_records_the_three_chapter_losses():
    helpers.seed_everything(0)
    faces = np.random.default_rng(0).uniform(-1, 1, size=(40, 6, 6, 1)).astype("float32")
    g = dense_face_generator((6, 6, 1), noise_dim=8, widths=(8, 16))
    d = dense_face_discriminator((6, 6, 1), widths=(16, 8))
    t = GANTrainer(g, d, ArraySampler(faces), NoiseSampler(8), loss="non_saturating",
                   optimizer="rmsprop", learning_rate=1e-3, batch_size=8)
    t.train(5, progress=False)
    for key in ("d_loss_real", "d_loss_fake", "g_loss"):
        assert len(t.history[key]) == 5 and np.all(np.isfinite(t.history[key]))
    np.testing.assert_allclose(t.history["d_loss"],
                               t.history["d_loss_real"] + t.history["d_loss_fake"], rtol=1e-5)


def _tiny_faces(n=40, size=6):
    return np.random.default_rng(0).uniform(-1, 1, size=(n, size, size, 1)).astype("float32")


def _tiny_gan(optimizer, seed=0, faces=None):
    from helpers.experiments.faces import make_face_gan

    return make_face_gan(_tiny_faces() if faces is None else faces, optimizer=optimizer,
                         learning_rate=1e-3, batch_size=8, seed=seed, noise_dim=8,
                         g_widths=(8, 16), d_widths=(16, 8))


def test_same_seed_gives_the_same_start_whatever_the_optimizer():
    a, b = _tiny_gan("sgd"), _tiny_gan("adam_gan")
    for wa, wb in zip(a.generator.weights + a.discriminator.weights,
                      b.generator.weights + b.discriminator.weights):
        np.testing.assert_array_equal(wa.numpy(), wb.numpy())
    c = _tiny_gan("sgd", seed=1)
    assert not np.array_equal(a.generator.weights[0].numpy(), c.generator.weights[0].numpy())
    assert a.optimizer_name == "sgd" and b.optimizer_name == "adam_gan"


def test_make_face_gan_refuses_unscaled_or_flat_faces():
    from helpers.experiments.faces import make_face_gan

    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        make_face_gan(_tiny_faces() * 255)
    with pytest.raises(ValueError, match="shape"):
        make_face_gan(_tiny_faces().reshape(40, -1))


def test_face_scores_reports_losses_and_sample_figures():
    from helpers.experiments.faces import CHAPTER_OPTIMIZERS, face_scores

    assert set(CHAPTER_OPTIMIZERS) == {"SGD", "RMSprop", "Adam"}
    faces = _tiny_faces()
    t = _tiny_gan("rmsprop", faces=faces)
    t.train(6, progress=False)
    s = face_scores(t, faces, n=20, last=3)
    assert s["D loss on real"] == pytest.approx(t.history["d_loss_real"][-3:].mean(), rel=1e-5)
    assert s["G loss"] == pytest.approx(t.history["g_loss"][-3:].mean(), rel=1e-5)
    assert s["nearest real"] > 0 and s["diversity"] > 0 and s["seconds"] > 0
