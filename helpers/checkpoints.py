"""Saving and loading model weights with checks and clear errors.

A weight file is checked against the model before anything is loaded: the
file must hold exactly the weights the model has, with the same shapes. The
model's side of that comparison is the file the model itself would write (so
the check follows whatever layout this Keras version uses), and a difference
is reported by layer name and shape.
"""
import hashlib
import os
import re
import tempfile

#: at most this many differences are listed in one error message
_MAX_LISTED = 4


def file_sha256(path):
    """SHA-256 hex digest of a file (to record next to a shipped checkpoint)."""
    digest = hashlib.sha256()
    with open(os.fspath(path), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_weights(model, path):
    """Save ``model``'s weights to ``path`` (must end in ``.weights.h5``)."""
    path = os.fspath(path)
    if not path.endswith(".weights.h5"):
        raise ValueError(f"weight files end in '.weights.h5', got {path!r}")
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    model.save_weights(path)
    return path


def load_weights(model, path, sha256=None):
    """Load weights saved by :func:`save_weights` into ``model``.

    A missing file raises FileNotFoundError naming the path. With ``sha256``
    (the digest recorded when the file was made) a file whose bytes changed
    (truncated, replaced) raises ValueError before anything is loaded. A file
    made for another network (another variant, another width, missing or extra
    layers) raises ValueError naming the layer and both shapes, also before
    anything is loaded, so the model keeps its weights.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"no checkpoint at {path!r}: train the model first or check the path")
    if sha256 is not None:
        actual = file_sha256(path)
        if actual != sha256:
            raise ValueError(
                f"the checkpoint {path!r} is not the recorded file (SHA-256 {actual[:12]}... "
                f"instead of {sha256[:12]}...): it was changed or damaged; restore it or "
                "train it again")
    problems = mismatches(model, path)
    if problems:
        listed = "; ".join(problems[:_MAX_LISTED])
        more = len(problems) - _MAX_LISTED
        raise ValueError(
            f"the checkpoint {path!r} does not fit the model {model.name!r} (was it saved "
            f"from another variant or width?): {listed}"
            + (f"; and {more} more layer{'s' if more > 1 else ''}" if more > 0 else ""))
    try:
        model.load_weights(path)
    except Exception as err:  # the structure fits; anything else is a damaged file
        raise ValueError(f"the checkpoint {path!r} could not be loaded into the model "
                         f"{model.name!r}: {err}") from err
    return model


def mismatches(model, path):
    """The differences between ``model``'s weights and those in the file at
    ``path``: one sentence per layer, in the model's layer order (an empty
    list when the file fits)."""
    expected = _model_weight_shapes(model)
    found = weight_shapes(path)
    names = _layer_names(model, expected)
    by_layer = {}  # group in the file -> its differences, model's layers first
    for group in names:
        by_layer[group] = []
    for key in sorted(expected.keys() | found.keys()):
        want, have = expected.get(key), found.get(key)
        if want == have:
            continue
        what = _describe(key, names)
        if have is None:
            text = f"{what} {_shape(want)} is not in the file"
        elif want is None:
            text = f"the file holds {what} {_shape(have)}, which the model does not have"
        else:
            text = f"{what} is {_shape(want)} in the model but {_shape(have)} in the file"
        by_layer.setdefault(key.rpartition("/vars/")[0] or key, []).append(text)
    problems = []
    for texts in by_layer.values():
        if texts:
            more = len(texts) - 1
            problems.append(texts[0] + (f" (and {more} more of its weights)" if more else ""))
    return problems


def weight_shapes(path):
    """``{path inside the file: shape}`` of every array in a ``.weights.h5`` file."""
    import h5py

    shapes = {}
    try:
        with h5py.File(os.fspath(path), "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    shapes[name] = tuple(int(n) for n in obj.shape)
            f.visititems(visit)
    except OSError as err:
        raise ValueError(f"{os.fspath(path)!r} is not a Keras weight file (HDF5): {err}") from err
    return shapes


def _model_weight_shapes(model):
    """What ``model`` itself writes to a weight file: the reference to compare with."""
    with tempfile.TemporaryDirectory(prefix="gan-classroom-weights-") as tmp:
        own = os.path.join(tmp, "model.weights.h5")
        model.save_weights(own)
        return weight_shapes(own)


def _snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _layer_names(model, expected):
    """``{group in the file: (layer name, weight names)}`` for the model's own
    layers. Keras files a layer under its class name and a counter
    (``layers/dense_1``), not under the name it shows; this maps the two, and
    keeps only what agrees with the model's own file (else the file's names
    are used as they are)."""
    names, counts = {}, {}
    for layer in getattr(model, "layers", []):
        base = _snake_case(type(layer).__name__)
        n = counts.get(base, -1) + 1
        counts[base] = n
        group = f"layers/{base}" + (f"_{n}" if n else "")
        weights = list(layer.weights)
        keys = [f"{group}/vars/{i}" for i in range(len(weights))]
        if weights and all(expected.get(k) == tuple(w.shape) for k, w in zip(keys, weights)):
            names[group] = (layer.name, [getattr(w, "path", w.name) for w in weights])
    return names


def _describe(key, names):
    """'layer 'project' weight 'project/kernel'' for 'layers/dense/vars/0'."""
    group, _, index = key.rpartition("/vars/")
    if group in names and index.isdigit():
        layer, weights = names[group]
        i = int(index)
        weight = f" weight {weights[i]!r}" if i < len(weights) else f" weight {i}"
        return f"layer {layer!r}{weight}"
    return f"{key!r}"


def _shape(shape):
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
