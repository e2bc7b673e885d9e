"""Saving and loading model weights with checks and clear errors."""
import os


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


def load_weights(model, path):
    """Load weights saved by :func:`save_weights` into ``model``.

    A missing file raises FileNotFoundError naming the path; a file made for
    another architecture raises ValueError naming the model.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"no checkpoint at {path!r}: train the model first or check the path")
    try:
        model.load_weights(path)
    except Exception as err:  # Keras raises several types for a wrong file
        raise ValueError(
            f"the checkpoint {path!r} does not fit the model {model.name!r} "
            f"(was it saved from another architecture?): {err}") from err
    return model
