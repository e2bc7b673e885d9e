"""helpers.experiments.mnist: the chapter's networks, the trainer it builds, the image callback."""
import numpy as np
import pytest

from helpers.datasets import load_mnist_holdout
from helpers.plots import ImageGrid
from helpers.experiments.mnist import (CHAPTER_WIDTHS, make_mnist_gan, mnist_discriminator,
                               mnist_generator)


@pytest.fixture(scope="module")
def digits():
    return load_mnist_holdout(scale="tanh").x[:256]


def _weights(variables):
    return [v.numpy().copy() for v in variables]


def _changed(before, variables):
    return [not np.array_equal(b, v.numpy()) for b, v in zip(before, variables)]


def test_chapter_widths_give_the_chapter_shapes():
    g = mnist_generator("chapter")
    shapes = [tuple(layer.output.shape[1:]) for layer in g.layers]
    assert shapes[0] == (CHAPTER_WIDTHS["g_dense"],)
    assert (7, 7, 128) in shapes and (14, 14, 64) in shapes
    assert shapes[-1] == (28, 28, 1)
    d = mnist_discriminator("chapter")
    d_shapes = [tuple(layer.output.shape[1:]) for layer in d.layers]
    # 5x5 'same' conv, pool, 5x5 'valid' conv, pool, flatten, dense 1024, logit
    assert d_shapes[:4] == [(28, 28, 64), (14, 14, 64), (10, 10, 128), (5, 5, 128)]
    assert d_shapes[-2:] == [(1024,), (1,)]
    assert d.layers[-1].get_config()["activation"] == "linear"  # a logit, not a sigmoid


def test_output_ranges_follow_the_output_activation():
    z = np.random.default_rng(0).uniform(-1, 1, (64, 100)).astype(np.float32)
    tanh_out = mnist_generator("classroom")(z, training=False).numpy()
    assert tanh_out.shape == (64, 28, 28, 1)
    assert tanh_out.min() >= -1 and tanh_out.max() <= 1
    relu_out = mnist_generator("classroom", activation="relu",
                               output_activation="relu")(z, training=False).numpy()
    assert relu_out.min() >= 0  # relu can never draw the -1 background: the gray failure


@pytest.mark.parametrize("call, match", [
    (lambda: mnist_generator("huge"), "'huge'"),
    (lambda: mnist_generator(activation="swish"), "activation.*'swish'"),
    (lambda: mnist_discriminator(d_dense=0), "d_dense"),
    (lambda: mnist_generator(g_depth=3), "unknown width"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_wide_generator_widths_pair_the_chapters_generator_with_the_classroom_critic():
    wide_g, chapter_g = mnist_generator("wide_generator"), mnist_generator("chapter")
    assert wide_g.count_params() == chapter_g.count_params()
    assert (mnist_discriminator("wide_generator").count_params()
            == mnist_discriminator("classroom").count_params()
            < mnist_discriminator("chapter").count_params())


def test_mixed_precision_computes_in_bfloat16_and_leaves_the_global_policy_alone(digits):
    import keras

    before = keras.config.dtype_policy().name
    t = make_mnist_gan(digits, precision="mixed_bfloat16", batch_size=16, seed=1)
    assert keras.config.dtype_policy().name == before == "float32"
    hidden = t.generator.layers[0]
    assert hidden.compute_dtype == "bfloat16" and hidden.variable_dtype == "float32"
    assert t.discriminator.layers[-1].compute_dtype == "float32"  # the logit
    t.train(20, progress=False)
    images = t.generate(8, seed=0)
    assert images.dtype == np.float32 and np.isfinite(images).all()
    assert np.isfinite(t.history["d_loss"]).all() and np.isfinite(t.history["g_loss"]).all()
    with pytest.raises(ValueError, match="precision.*'float16'"):
        make_mnist_gan(digits, precision="float16")


def test_conv_batch_norm_normalises_the_middle_convolution_only():
    plain = mnist_generator("classroom", activation="leaky_relu")
    normed = mnist_generator("classroom", activation="leaky_relu", conv_batch_norm=True)
    kinds = [type(layer).__name__ for layer in normed.layers]
    assert kinds.count("BatchNormalization") == 2
    conv = kinds.index("Conv2D")
    assert kinds[conv:conv + 3] == ["Conv2D", "BatchNormalization", "Activation"]
    assert normed.layers[conv].get_config()["activation"] == "linear"
    # the one extra layer holds 2 scales/shifts (and 2 running statistics) per filter
    assert normed.count_params() - plain.count_params() == 4 * 16
    assert normed.layers[-1].get_config()["activation"] == "tanh"


def test_auto_precision_is_bfloat16_only_where_the_cpu_has_bfloat16_units(digits, tmp_path,
                                                                           monkeypatch):
    from helpers import devices
    from helpers.experiments import mnist

    with_units = tmp_path / "with"
    with_units.write_text("processor : 0\nflags : fpu sse2 avx512f avx512_bf16 amx_tile\n")
    without = tmp_path / "without"
    without.write_text("processor : 0\nflags : fpu sse2 avx2 avx512f\n")
    assert devices.cpu_has_bfloat16_units(str(with_units))
    assert not devices.cpu_has_bfloat16_units(str(without))
    assert not devices.cpu_has_bfloat16_units(str(tmp_path / "missing"))
    import tensorflow as tf

    on_gpu = bool(tf.config.list_physical_devices("GPU"))  # a GPU always gets float32
    for units, expected in ((True, "float32" if on_gpu else "mixed_bfloat16"),
                            (False, "float32")):
        monkeypatch.setattr(devices, "cpu_has_bfloat16_units", lambda units=units: units)
        assert mnist.resolve_precision("auto") == expected
        t = make_mnist_gan(digits, precision="auto", batch_size=16, seed=0)
        assert t.precision == expected
        assert t.generator.layers[0].compute_dtype == expected.replace("mixed_", "")
    with pytest.raises(ValueError, match="precision.*'auto'"):
        mnist.resolve_precision("fast")


def test_r1_weight_reaches_the_trainer(digits):
    t = make_mnist_gan(digits, r1_weight=5.0, precision="mixed_bfloat16",
                       conv_batch_norm=True, batch_size=16, seed=2)
    assert t.r1_weight == 5.0
    h = t.train(10, progress=False)
    assert np.isfinite(h["r1_penalty"]).all() and (h["r1_penalty"] >= 0).all()
    assert np.isfinite(h["d_loss"]).all()


def test_make_mnist_gan_checks_the_images(digits):
    with pytest.raises(ValueError, match=r"\(n, 28, 28, 1\)"):
        make_mnist_gan(digits[..., 0])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        make_mnist_gan((digits + 1) * 127.5)


def test_each_update_changes_only_its_own_network(digits):
    """What the chapter's ``trainable`` flips were meant to do, checked."""
    t = make_mnist_gan(digits, optimizer="nesterov", learning_rate=1e-2, batch_size=16)
    g_vars, d_vars = t.generator.trainable_variables, t.discriminator.trainable_variables
    g0, d0 = _weights(g_vars), _weights(d_vars)
    t._d_update()
    assert all(_changed(d0, d_vars)), "the discriminator step left a D weight unchanged"
    assert not any(_changed(g0, g_vars)), "the discriminator step changed G's weights"
    g1, d1 = _weights(g_vars), _weights(d_vars)
    t._g_update()
    assert all(_changed(g1, g_vars)), "the generator step left a G weight unchanged"
    assert not any(_changed(d1, d_vars)), "the generator step changed D's weights"


def test_a_short_run_and_the_image_grid(digits):
    class FakeEvaluator:
        def __init__(self):
            self.calls = []

        def scores(self, images):
            self.calls.append(images.shape)
            return {"readable": float(np.mean(images > 0))}

    ev = FakeEvaluator()
    t = make_mnist_gan(digits, batch_size=16, seed=3)
    grid = ImageGrid(every=10, n=9, evaluator=ev, score_n=20, live=False)
    t.train(25, callbacks=[grid], chunk=5, progress=False)
    assert t.status == "finished" and t.step == 25
    assert np.all(np.isfinite(t.history["d_loss"])) and np.all(np.isfinite(t.history["g_loss"]))
    assert grid.steps == [0, 10, 20, 25]
    assert all(f.shape == (9, 28, 28, 1) for f in grid.frames)
    assert ev.calls == [(20, 28, 28, 1)] * 4
    steps, readable = grid.score_history()
    assert list(steps) == grid.steps and readable.shape == (4,)
    # the grid uses fixed noise: the untouched generator draws the same frame again
    np.testing.assert_allclose(t.generate(9, seed=grid.seed), grid.frames[-1], atol=1e-6)
    with pytest.raises(ValueError, match="evaluator"):
        ImageGrid(live=False).score_history()


def test_the_mnist_check_names_each_failure():
    from helpers.experiments import mnist as experiment

    good = {"readable": 0.9, "classes_covered": 10, "fid": 5.0, "status": "finished"}
    assert experiment.check(good) == []
    assert "readable" in experiment.check({**good, "readable": 0.1})[0]
    assert "ten digits" in experiment.check({**good, "classes_covered": 7})[0]
    assert "FID" in experiment.check({**good, "fid": float("nan")})[0]
    with pytest.raises(ValueError, match="unknown setting"):
        experiment.run(seed=0, steps=1, progress=False, momentum=0.9)


def test_the_default_recipe_draws_readable_digits_on_an_unseen_seed():
    """Notebook 03 runs seed 0; its lesson must hold on a seed it never used (a few minutes)."""
    from helpers.experiments import mnist as experiment

    result = experiment.run(seed=57, progress=False)
    assert result.passed, (result.metrics, result.problems)
    samples = result.samples(2000)
    assert samples.shape == (2000, 28, 28, 1) and samples.min() >= -1 and samples.max() <= 1
