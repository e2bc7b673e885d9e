"""Face images online or offline, or your own folder of faces.

- :func:`lfw_people` loads the full *Labeled Faces in the Wild* people set
  through scikit-learn's ``fetch_lfw_people`` (cached in its data home,
  ``$SCIKIT_LEARN_DATA`` or ``~/scikit_learn_data``, or downloaded, as in
  Colab), framed like the built-in faces: grayscale, a centred square around
  the face, resized with Pillow.
- :func:`lfw_faces` returns the 100 face photos (25x25, grayscale) that
  scikit-image ships inside its wheel (``skimage.data.lfw_subset()``: the first
  100 of its 200 images are faces, the last 100 are not). No download.
- :func:`load_face_folder` reads a folder of your own images (CelebA's
  ``img_align_celeba``, for instance), crops each to a centred square and
  resizes it with Pillow.
- :func:`load_faces` picks one of them, prints one line saying which data is
  used and returns the images scaled to [-1, 1] (a ``tanh`` generator's range).

Without a folder, choose the faces with the ``source`` argument or the
environment variable ``GAN_CLASSROOM_FACES``: ``auto`` (default: LFW when it is
cached or its download host answers, otherwise the built-in 100), ``lfw`` or
``builtin``.

Every array has a channel axis: ``(n, size, size, 1)`` for grayscale,
``(n, size, size, 3)`` for colour.
"""
import os

import socket

import numpy as np

from . import network
from ..validation import check_positive_int

#: file endings :func:`load_face_folder` reads (case-insensitive)
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
#: the side of the built-in LFW faces
LFW_SIZE = 25
#: allowed image sides (a dense GAN beyond 128x128 is not something to train here)
SIZE_RANGE = (8, 128)

SOURCES = ("auto", "lfw", "builtin")
ENV_VAR = "GAN_CLASSROOM_FACES"

#: where ``fetch_lfw_people`` (funneled images, its default) downloads the photos from
LFW_ORIGIN = "https://ndownloader.figshare.com/files/5976015"
#: what ``fetch_lfw_people`` keeps in ``<data home>/lfw_home``: three small index
#: files it wants present, and the photos (one folder per person, 250x250 JPEGs)
#: or, before they are unpacked, their archive
LFW_HOME = "lfw_home"
LFW_INDEX_FILES = ("pairsDevTrain.txt", "pairsDevTest.txt", "pairs.txt")
LFW_FOLDER = "lfw_funneled"
LFW_ARCHIVE = "lfw-funneled.tgz"
#: the rows and columns kept of each 250x250 LFW photo: the centred 114x114
#: square, the face detector's box that LFW's photos were cut around (the photo
#: is that box widened 2.2 times), which is how scikit-image's 100 faces are framed
LFW_CROP = (slice(68, 182), slice(68, 182))
#: the order in which the LFW photos are taken, so ``limit`` gives the same faces each call
LFW_SEED = 2017

#: seconds allowed for "can the download host be reached at all?"
CONNECT_TIMEOUT = network.CONNECT_TIMEOUT
#: seconds a stalled download may sit idle before it is given up
DOWNLOAD_TIMEOUT = 30.0


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


def lfw_data_home():
    """scikit-learn's data home, where its LFW copy is (or would be) kept:
    ``$SCIKIT_LEARN_DATA``, default ``~/scikit_learn_data`` (not created here)."""
    home = os.environ.get("SCIKIT_LEARN_DATA") or os.path.join("~", "scikit_learn_data")
    return os.path.expanduser(home)


def lfw_cached(data_home=None):
    """True if ``fetch_lfw_people`` can load LFW from ``data_home`` without a download."""
    lfw_home = os.path.join(lfw_data_home() if data_home is None else os.fspath(data_home),
                            LFW_HOME)
    have_index = all(os.path.isfile(os.path.join(lfw_home, f)) for f in LFW_INDEX_FILES)
    have_photos = (os.path.isdir(os.path.join(lfw_home, LFW_FOLDER))
                   or os.path.isfile(os.path.join(lfw_home, LFW_ARCHIVE)))
    return have_index and have_photos


def can_reach(url=None, timeout=None):
    """True if the host LFW downloads from answers within ``timeout`` s (default 3)."""
    url = LFW_ORIGIN if url is None else url
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    return network.can_reach(url, timeout)


def _resize_all(faces, size):
    from PIL import Image

    return np.stack([
        np.asarray(Image.fromarray(np.ascontiguousarray(f), mode="F").resize(
            (size, size), _resample())) for f in faces]).astype(np.float32)


def lfw_people(size=None, limit=5000, data_home=None, download=True):
    """Up to ``limit`` LFW photos as (faces, total): faces in [0, 1], shape (n, s, s, 1).

    scikit-learn's ``fetch_lfw_people`` reads the photos (downloading them first
    when ``download`` is true and they are not in ``data_home``), keeps the
    centred :data:`LFW_CROP` in grayscale and shrinks it to about twice the
    wanted side; Pillow (Lanczos) then resizes it to ``size`` (default 25, the
    built-in faces' side). ``total`` is how many photos LFW holds. The ``limit``
    photos are drawn in a fixed random order (:data:`LFW_SEED`), so every call
    returns the same array. Without a copy and ``download=False`` it raises
    OSError.
    """
    size = LFW_SIZE if size is None else _check_size(size)
    limit = check_positive_int("limit", limit)
    try:
        from sklearn.datasets import fetch_lfw_people
    except ImportError as err:  # pragma: no cover - scikit-learn is in requirements.txt
        raise ImportError("the LFW faces are loaded by scikit-learn: "
                          "pip install scikit-learn") from err
    data_home = lfw_data_home() if data_home is None else os.fspath(data_home)
    side = LFW_CROP[0].stop - LFW_CROP[0].start
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT)
    try:
        photos = fetch_lfw_people(data_home=data_home, slice_=LFW_CROP, color=False,
                                  resize=min(1.0, 2 * size / side),
                                  download_if_missing=bool(download)).images
    finally:
        socket.setdefaulttimeout(old_timeout)
    total = len(photos)
    if total == 0:
        raise ValueError(f"the LFW copy in {data_home!r} holds no photos")
    order = np.random.default_rng(LFW_SEED).permutation(total)[:limit]
    faces = _resize_all(np.asarray(photos, dtype=np.float32)[np.sort(order)], size)
    return np.clip(faces, 0.0, 1.0)[..., None], total


def _no_lfw_message(data_home):
    return (f"no LFW copy is cached in {os.path.join(data_home, LFW_HOME)!r} and its "
            f"download host ({LFW_ORIGIN}) cannot be reached; connect to the internet "
            f"(scikit-learn then downloads about 200 MB once), or use source='builtin' "
            f"({ENV_VAR}=builtin) for the 100 faces built into scikit-image")


def _builtin_or_lfw(source, size, limit):
    """(faces in [0, 1], words naming them) for ``folder=None``."""
    why = ""
    if source in ("auto", "lfw"):
        data_home = lfw_data_home()
        cached = lfw_cached(data_home)
        if cached or can_reach():
            try:
                faces, total = lfw_people(size, limit, data_home=data_home, download=True)
                return faces, (f"LFW through scikit-learn's fetch_lfw_people "
                               f"({len(faces)} of its {total} photos, centred face crop)")
            except Exception as err:  # a failed download or a broken copy
                what = "cached LFW copy could not be read" if cached else "LFW download failed"
                if source == "lfw":
                    raise OSError(f"the {what} ({type(err).__name__}: {err}); "
                                  f"try again, or use source='builtin' ({ENV_VAR}=builtin) "
                                  f"for the 100 faces built into scikit-image") from err
                why = f"the {what} ({type(err).__name__})"
        elif source == "lfw":
            raise FileNotFoundError(_no_lfw_message(data_home))
        else:
            why = "offline and no LFW copy cached"
    faces = lfw_faces(size)[:check_positive_int("limit", limit)]
    reason = f"; {why}" if why else ""
    return faces, f"scikit-image's LFW subset (built in, no download{reason})"


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


def load_faces(folder=None, size=None, color=False, limit=5000, verbose=True, source=None):
    """The training faces, scaled to [-1, 1], shape (n, size, size, channels).

    ``folder=None`` uses LFW faces (grayscale, default 25x25), chosen by
    ``source`` (``None`` reads ``GAN_CLASSROOM_FACES``, default ``auto``):

    - ``"auto"``: up to ``limit`` photos of the full LFW set through
      :func:`lfw_people` when scikit-learn has it cached or its download host
      answers (Colab), otherwise, or when the download fails, the 100 built-in
      faces (:func:`lfw_faces`);
    - ``"lfw"``: the full set or an error saying what to do;
    - ``"builtin"``: the 100 built-in faces, without touching the network.

    A folder path reads up to ``limit`` of your own images with
    :func:`load_face_folder` (default size 32; ``source`` is not used). One
    line says which data is used and, after a fallback, why (``verbose=False``
    hides it).
    """
    if folder is None:
        if color:
            raise ValueError("the built-in LFW faces are grayscale; use color=False "
                             "or give a folder of colour images")
        source = network.resolve_source(source, ENV_VAR, SOURCES)
        faces, source = _builtin_or_lfw(source, size, limit)
    else:
        faces = load_face_folder(folder, size=32 if size is None else size,
                                 color=color, limit=limit)
        source = f"the folder {os.fspath(folder)!r}"
    n, h, w, c = faces.shape
    if verbose:
        kind = "colour" if c == 3 else "grayscale"
        print(f"Faces: {n} {kind} images of {h}x{w} pixels from {source}, scaled to [-1, 1].")
    return scale_images(faces)
