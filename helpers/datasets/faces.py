"""Face images that work offline, or your own folder of faces.

- :func:`lfw_faces` returns the 100 face photos (25x25, grayscale) that
  scikit-image ships inside its wheel (``skimage.data.lfw_subset()``: the first
  100 of its 200 images are faces, the last 100 are not). No download.
- :func:`load_face_folder` reads a folder of your own images (CelebA's
  ``img_align_celeba``, for instance), crops each to a centred square and
  resizes it with Pillow.
- :func:`load_faces` picks one of the two, prints one line saying which data is
  used and returns the images scaled to [-1, 1] (a ``tanh`` generator's range).

Every array has a channel axis: ``(n, size, size, 1)`` for grayscale,
``(n, size, size, 3)`` for colour.
"""
import os

import numpy as np

from ..validation import check_positive_int

#: file endings :func:`load_face_folder` reads (case-insensitive)
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
#: the side of the built-in LFW faces
LFW_SIZE = 25
#: allowed image sides (a dense GAN beyond 128x128 is not something to train here)
SIZE_RANGE = (8, 128)


def _check_size(size):
    size = check_positive_int("size", size)
    lo, hi = SIZE_RANGE
    if not lo <= size <= hi:
        raise ValueError(f"size must lie between {lo} and {hi} pixels, got {size!r}")
    return size


def _resample():
    from PIL import Image

    # Pillow >= 9.1 keeps the filters in Image.Resampling
    return getattr(Image, "Resampling", Image).LANCZOS


def scale_images(x):
    """Map pixel values from [0, 1] to [-1, 1] (2x - 1)."""
    x = np.asarray(x, dtype=np.float32)
    if x.size == 0:
        raise ValueError("no images to scale")
    if not np.all(np.isfinite(x)):
        raise ValueError("images contain NaN or infinite values")
    lo, hi = float(x.min()), float(x.max())
    if lo < -1e-6 or hi > 1 + 1e-6:
        raise ValueError(f"pixel values must lie in [0, 1] before scaling, got {lo:.3g}..{hi:.3g}")
    return np.clip(2.0 * x - 1.0, -1.0, 1.0)


def unscale_images(x):
    """Map pixel values from [-1, 1] back to [0, 1] (for saving or showing)."""
    return np.clip((np.asarray(x, dtype=np.float32) + 1.0) / 2.0, 0.0, 1.0)


def lfw_faces(size=None):
    """The 100 face photos of scikit-image's LFW subset, in [0, 1], shape (100, s, s, 1).

    ``size`` (default 25, their own size) resizes them with Pillow.
    """
    try:
        from skimage.data import lfw_subset
    except ImportError as err:  # pragma: no cover - scikit-image is in requirements.txt
        raise ImportError("the built-in faces come with scikit-image: "
                          "pip install scikit-image") from err
    faces = np.asarray(lfw_subset()[:100], dtype=np.float32)
    if size is not None and _check_size(size) != faces.shape[1]:
        from PIL import Image

        faces = np.stack([
            np.asarray(Image.fromarray(f, mode="F").resize((size, size), _resample()))
            for f in faces]).astype(np.float32)
    return np.clip(faces, 0.0, 1.0)[..., None]


def list_images(folder):
    """Sorted paths of the image files in ``folder`` and its sub-folders."""
    folder = os.fspath(folder)
    if not os.path.exists(folder):
        raise FileNotFoundError(f"no folder at {folder!r}: check the path to your face images")
    if not os.path.isdir(folder):
        raise ValueError(f"{folder!r} is a file, not a folder of images")
    paths = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        paths += [os.path.join(root, f) for f in sorted(files)
                  if f.lower().endswith(IMAGE_EXTENSIONS) and not f.startswith(".")]
    if not paths:
        raise ValueError(f"the folder {folder!r} holds no images; "
                         f"files ending in {', '.join(IMAGE_EXTENSIONS)} are read")
    return paths


def _read_one(path, size, color):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = img.convert("RGB" if color else "L")
            w, h = img.size
            side = min(w, h)
            left, top = (w - side) // 2, (h - side) // 2
            img = img.crop((left, top, left + side, top + side))
            img = img.resize((size, size), _resample())
            pixels = np.asarray(img, dtype=np.float32) / 255.0
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise ValueError(f"cannot read the image {path!r} ({err}); "
                         f"remove it from the folder or replace it") from err
    return pixels if color else pixels[..., None]


def load_face_folder(folder, size=32, color=False, limit=5000):
    """Read up to ``limit`` images from ``folder`` as an array in [0, 1].

    Each image is cropped to its centred square and resized to ``size`` x
    ``size`` (Pillow, Lanczos); ``color=False`` makes it grayscale. Files are
    taken in sorted order, so the same folder always gives the same array.
    A missing folder raises FileNotFoundError; an empty folder or an
    unreadable image a ValueError naming it.
    """
    size = _check_size(size)
    limit = check_positive_int("limit", limit)
    paths = list_images(folder)[:limit]
    return np.stack([_read_one(p, size, bool(color)) for p in paths])


def load_faces(folder=None, size=None, color=False, limit=5000, verbose=True):
    """The training faces, scaled to [-1, 1], shape (n, size, size, channels).

    ``folder=None`` uses the 100 built-in LFW faces (25x25, grayscale, offline);
    a folder path reads your own images with :func:`load_face_folder` (default
    size 32). One line says which data is used (``verbose=False`` hides it).
    """
    if folder is None:
        if color:
            raise ValueError("the built-in LFW faces are grayscale; use color=False "
                             "or give a folder of colour images")
        faces = lfw_faces(size)
        source = "scikit-image's LFW subset (built in, no download)"
    else:
        faces = load_face_folder(folder, size=32 if size is None else size,
                                 color=color, limit=limit)
        source = f"the folder {os.fspath(folder)!r}"
    n, h, w, c = faces.shape
    if verbose:
        kind = "colour" if c == 3 else "grayscale"
        print(f"Faces: {n} {kind} images of {h}x{w} pixels from {source}, scaled to [-1, 1].")
    return scale_images(faces)
