"""helpers.checkpoints: a weight file is checked against the model (layer names
and weight shapes) before anything is loaded, whatever Keras warns or not."""
import re
import warnings

import keras
import numpy as np
import pytest

from helpers import checkpoints
from helpers.experiments import variants as family  # the DCGAN family and its shipped files


def mlp(widths, name="mlp", extra_layer=False):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,))
    x = inputs
    for i, width in enumerate(widths):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden{i}")(x)
    if extra_layer:
        x = keras.layers.BatchNormalization(name="norm")(x)
    outputs = keras.layers.Dense(1, name="out")(x)
    return keras.Model(inputs, outputs, name=name)


def weights_of(model):
    return [w.copy() for w in model.get_weights()]


def unchanged(model, before):
    return all(np.array_equal(a, b) for a, b in zip(model.get_weights(), before))


def test_a_fitting_file_loads(tmp_path):
    saved = mlp((8, 4))
    path = checkpoints.save_weights(saved, tmp_path / "mlp.weights.h5")
    other = mlp((8, 4))
    other.set_weights([w + 1 for w in other.get_weights()])
    assert checkpoints.mismatches(other, path) == []
    checkpoints.load_weights(other, path, sha256=checkpoints.file_sha256(path))
    assert unchanged(other, saved.get_weights())


def test_another_width_names_the_layer_and_both_shapes(tmp_path):
    path = checkpoints.save_weights(mlp((8, 4)), tmp_path / "narrow.weights.h5")
    wide = mlp((16, 4))
    before = weights_of(wide)
    with pytest.raises(ValueError) as err:
        checkpoints.load_weights(wide, path)
    text = str(err.value)
    assert "does not fit the model 'mlp'" in text
    assert "layer 'hidden0' weight 'hidden0/kernel' is (3, 16) in the model but (3, 8)" in text
    assert "layer 'hidden1' weight 'hidden1/kernel' is (16, 4) in the model but (8, 4)" in text
    assert unchanged(wide, before), "a refused file must leave the model as it was"


def test_a_layer_missing_from_the_file_or_only_in_the_file(tmp_path):
    plain = checkpoints.save_weights(mlp((8,)), tmp_path / "plain.weights.h5")
    normed = checkpoints.save_weights(mlp((8,), extra_layer=True), tmp_path / "normed.weights.h5")
    with pytest.raises(ValueError, match=r"layer 'norm' weight 'norm/gamma' \(8,\) is not in "
                                         r"the file"):
        checkpoints.load_weights(mlp((8,), extra_layer=True), plain)
    with pytest.raises(ValueError, match=r"the file holds .*batch_normalization.* \(8,\), "
                                         "which the model does not have"):
        checkpoints.load_weights(mlp((8,)), normed)


def test_the_check_does_not_rely_on_what_keras_warns(tmp_path):
    """Whether Keras warns about a skipped layer, and in which words, does not
    matter: with every warning silenced (or turned into an error) a file made
    for another network is still refused with the same ValueError."""
    plain = checkpoints.save_weights(mlp((8,)), tmp_path / "plain.weights.h5")
    for action in ("ignore", "error"):
        model = mlp((8,), extra_layer=True)
        with warnings.catch_warnings():
            warnings.simplefilter(action, UserWarning)
            with pytest.raises(ValueError, match="'norm/gamma' .* is not in the file"):
                checkpoints.load_weights(model, plain)


def test_not_a_weight_file(tmp_path):
    path = tmp_path / "junk.weights.h5"
    path.write_bytes(b"not an HDF5 file at all")
    with pytest.raises(ValueError, match="not a Keras weight file"):
        checkpoints.load_weights(mlp((8,)), path)


def test_a_shipped_generator_of_another_variant_is_refused():
    """The DCGAN generator's file loaded into a CGAN generator: the same layers,
    but CGAN's first dense layer also reads the label, so its kernel is taller."""
    widths = family.load_manifest()["variants"]["dcgan"]["widths"]
    cgan = family.variant_generator("cgan", widths)
    before = weights_of(cgan)
    with pytest.raises(ValueError) as err:
        checkpoints.load_weights(cgan, family.shipped_path("dcgan"))
    text = str(err.value)
    assert "does not fit the model 'cgan_generator'" in text
    assert re.search(r"layer '\w+' weight '\w+/kernel' is \(110, \d+\) in the model "
                     r"but \(100, \d+\) in the file", text), text
    assert unchanged(cgan, before)


def test_a_shipped_generator_of_another_width_is_refused():
    record = family.load_manifest()["variants"]["acgan"]
    shipped = {k: tuple(v) for k, v in record["widths"].items()}
    doubled = {k: tuple(2 * n if i < len(v) - 1 else n for i, n in enumerate(v))
               for k, v in shipped.items()}
    generator = family.variant_generator("acgan", doubled)
    with pytest.raises(ValueError) as err:
        checkpoints.load_weights(generator, family.shipped_path("acgan"),
                                 sha256=record["sha256"])
    # the first layer differs first: the dense layer that feeds the first 7x7 map
    first = str(err.value).split(": ", 1)[1].split("; ")[0]
    w = shipped["generator"][0]
    assert re.fullmatch(rf"layer '\w+' weight '\w+/kernel' is \(110, {49 * 2 * w}\) in the "
                        rf"model but \(110, {49 * w}\) in the file \(and 1 more of its weights\)",
                        first), first
    # and the same file loads into the network it was made for
    right = family.variant_generator("acgan", shipped)
    checkpoints.load_weights(right, family.shipped_path("acgan"), sha256=record["sha256"])
