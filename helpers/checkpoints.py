"""Saving and loading model weights with checks and clear errors."""
import hashlib
import os
import warnings

#: what Keras says when a layer of the model is not in the weights file
_SKIPPED = "Skipping"


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

    A missing file raises FileNotFoundError naming the path; a file made for
    another architecture raises ValueError naming the model. With ``sha256``
    (the digest recorded when the file was made) a file whose bytes changed
    (truncated, replaced) raises ValueError before anything is loaded.
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.load_weights(path)
        except Exception as err:  # Keras raises several types for a wrong file
            raise ValueError(
                f"the checkpoint {path!r} does not fit the model {model.name!r} "
                f"(was it saved from another architecture?): {err}") from err
    skipped = [str(w.message) for w in caught if _SKIPPED in str(w.message)]
    if skipped:  # Keras only warns when parts of the model are missing from the file
        raise ValueError(
            f"the checkpoint {path!r} does not fit the model {model.name!r}: some of its "
            f"layers are not in the file, e.g. {skipped[0][:200]}")
    for w in caught:  # pass the other warnings on
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return model
