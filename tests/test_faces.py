"""Face data: the built-in LFW faces, the full LFW set through scikit-learn (from a
fake cached copy: no test here touches the network) and a folder of the user's own
images."""
import numpy as np
import pytest
from PIL import Image

from helpers.datasets import faces as faces_module
from helpers.datasets.faces import (lfw_faces, list_images, load_face_folder, load_faces,
                           scale_images, unscale_images)


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path_factory):
    """Every test here runs offline: the download host never answers and scikit-learn's
    data home is an empty folder (never ~/scikit_learn_data); no source is forced."""
    home = tmp_path_factory.mktemp("scikit_learn_data")
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(home))
    monkeypatch.delenv(faces_module.ENV_VAR, raising=False)
    monkeypatch.setattr(faces_module, "can_reach", lambda *a, **k: False)
    return home


def _write_faces(folder, n=5, size=(40, 30), mode="RGB"):
    """n small images whose brightness grows with the index."""
    folder.mkdir(exist_ok=True)
    for i in range(n):
        value = 40 * i + 20
        Image.new(mode, size, (value,) * 3 if mode == "RGB" else value).save(
            folder / f"face_{i:03d}.png")
    return folder


def test_lfw_faces_are_the_hundred_faces_in_unit_range():
    from skimage.data import lfw_subset

    faces = lfw_faces()
    assert faces.shape == (100, 25, 25, 1) and faces.dtype == np.float32
    assert 0.0 <= faces.min() and faces.max() <= 1.0
    # the first 100 images of the subset, not the 100 non-faces after them
    np.testing.assert_allclose(faces[..., 0], lfw_subset()[:100], atol=1e-6)


def test_lfw_faces_resize():
    faces = lfw_faces(size=32)
    assert faces.shape == (100, 32, 32, 1)
    assert 0.0 <= faces.min() and faces.max() <= 1.0


def test_load_faces_default_says_which_data_and_scales(capsys):
    x = load_faces()
    line = capsys.readouterr().out.strip()
    assert "LFW" in line and "100" in line and "\n" not in line
    assert x.shape == (100, 25, 25, 1)
    assert x.min() >= -1.0 and x.max() <= 1.0 and x.min() < -0.9 and x.max() > 0.9
    load_faces(verbose=False)
    assert capsys.readouterr().out == ""


def test_load_faces_from_a_folder_of_pngs(tmp_path, capsys):
    folder = _write_faces(tmp_path / "faces", n=5)
    x = load_faces(folder, size=16)
    assert str(folder) in capsys.readouterr().out
    assert x.shape == (5, 16, 16, 1)
    # sorted order, brightness 20, 60, ... scaled from [0, 255] to [-1, 1]
    expected = 2 * (40 * np.arange(5) + 20) / 255 - 1
    np.testing.assert_allclose(x.mean(axis=(1, 2, 3)), expected, atol=0.01)


def test_folder_colour_crop_limit_and_subfolders(tmp_path):
    folder = _write_faces(tmp_path / "faces", n=4)
    _write_faces(folder / "more", n=2)
    (folder / "notes.txt").write_text("not an image")
    assert len(list_images(folder)) == 6
    x = load_face_folder(folder, size=8, color=True, limit=3)
    assert x.shape == (3, 8, 8, 3)
    # a 40x30 image is cropped to its centred 30x30 square, so no padding appears
    assert np.allclose(x[1], x[1, 0, 0])


def test_missing_folder_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no folder"):
        load_faces(tmp_path / "nowhere")


def test_empty_folder_raises_value_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("no pictures here")
    with pytest.raises(ValueError, match="holds no images"):
        load_faces(tmp_path / "empty")


def test_a_file_instead_of_a_folder(tmp_path):
    path = tmp_path / "face.png"
    Image.new("L", (4, 4)).save(path)
    with pytest.raises(ValueError, match="not a folder"):
        load_face_folder(path)


def test_corrupt_image_is_named(tmp_path):
    folder = _write_faces(tmp_path / "faces", n=2)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 this is not really a jpeg")
    with pytest.raises(ValueError, match="broken.jpg"):
        load_face_folder(folder)


@pytest.mark.parametrize("size", [0, 4, 1000, 2.5, "32"])
def test_bad_size_is_refused(tmp_path, size):
    folder = _write_faces(tmp_path / "faces", n=1)
    with pytest.raises(ValueError, match="size"):
        load_face_folder(folder, size=size)


def test_colour_lfw_is_refused():
    with pytest.raises(ValueError, match="grayscale"):
        load_faces(color=True)


def test_scaling_round_trip_and_range_check():
    x = np.linspace(0, 1, 11, dtype=np.float32).reshape(1, 11, 1, 1)
    y = scale_images(x)
    assert y.min() == -1.0 and y.max() == 1.0
    np.testing.assert_allclose(unscale_images(y), x, atol=1e-6)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        scale_images(x * 255)


def test_a_colour_folder_trains_the_face_gan(tmp_path):
    """Your own colour photos: load, build the chapter's GAN for their shape, train, sample."""
    from helpers.experiments.faces import make_face_gan

    rng = np.random.default_rng(0)
    folder = tmp_path / "celeb"
    folder.mkdir()
    for i in range(12):
        Image.fromarray(rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)).save(
            folder / f"{i:06d}.jpg")
    faces = load_faces(folder, size=8, color=True, verbose=False)
    assert faces.shape == (12, 8, 8, 3)
    t = make_face_gan(faces, batch_size=4, noise_dim=8, g_widths=(8,), d_widths=(8,))
    t.train(2, progress=False)
    assert t.generate(3, seed=0).shape == (3, 8, 8, 3)


# --- notebook 04's lesson: face-like, varied, new --------------------------------

def test_copy_share_tells_copies_from_new_images():
    from helpers.metrics import copy_share, nearest_real

    faces = load_faces(verbose=False)
    rng = np.random.default_rng(0)
    assert copy_share(faces[:50] + rng.normal(0, 0.01, faces[:50].shape), faces) == 1.0
    assert copy_share(rng.uniform(-1, 1, faces[:50].shape), faces) == 0.0
    index, dist = nearest_real(faces[[3, 7]], faces)
    assert list(index) == [3, 7] and np.allclose(dist, 0, atol=1e-3)
    with pytest.raises(ValueError, match="fraction"):
        copy_share(faces, faces, fraction=0)


def test_the_faces_check_names_each_failure():
    from helpers.experiments import faces as experiment

    good = {"nearest_real": 0.42, "diversity": 1.1, "copies": 0.0, "status": "finished"}
    assert experiment.check(good) == []
    assert "nearest real face" in experiment.check({**good, "nearest_real": 0.6})[0]
    assert "diversity" in experiment.check({**good, "diversity": 0.1})[0]
    assert "near-copies" in experiment.check({**good, "copies": 0.5})[0]
    assert "diverged" in experiment.check({**good, "status": "diverged"})[0]


@pytest.mark.parametrize("seed", [21, 34])
def test_the_default_recipe_draws_new_faces_on_unseen_seeds(seed):
    """Notebook 04 runs seed 0; its lesson must hold on seeds it never used (~30 s each)."""
    from helpers.experiments import faces as experiment

    result = experiment.run(seed=seed, progress=False)
    assert result.passed, (seed, result.metrics, result.problems)
    assert result.samples(10, seed=1).shape == (10, 25, 25, 1)


# --- the source: the full LFW set through scikit-learn, or the built-in 100 -------------

#: the people of the fake LFW copy and how many photos each has
FAKE_PEOPLE = {"Ada_Lovelace": 3, "Alan_Turing": 1, "Grace_Hopper": 2, "Kurt_Goedel": 2}


def _fake_lfw(data_home):
    """A copy of LFW laid out as scikit-learn keeps it: <data home>/lfw_home with its
    three index files and lfw_funneled/<Person>/<Person>_0001.jpg, 250x250 RGB JPEGs.

    Photo k is built-in face k enlarged to 114x114 and pasted at the centre of a
    black 250x250 picture, so a centred 114-pixel crop gets the face back and any
    other framing lets black in."""
    lfw_home = data_home / "lfw_home"
    photos = lfw_home / "lfw_funneled"
    photos.mkdir(parents=True)
    for name in ("pairsDevTrain.txt", "pairsDevTest.txt", "pairs.txt"):
        (lfw_home / name).write_text("1\n")
    sources, k = {}, 0
    for person, count in FAKE_PEOPLE.items():
        (photos / person).mkdir()
        for i in range(1, count + 1):
            face = Image.fromarray(np.uint8(np.rint(lfw_faces()[k, ..., 0] * 255)))
            canvas = Image.new("RGB", (250, 250))
            canvas.paste(face.resize((114, 114), Image.BICUBIC).convert("RGB"), (68, 68))
            canvas.save(photos / person / f"{person}_{i:04d}.jpg", quality=95)
            sources[k], k = person, k + 1
    return sources


def test_offline_auto_falls_back_to_the_built_in_faces(offline, capsys):
    x = load_faces()
    line = capsys.readouterr().out
    assert x.shape == (100, 25, 25, 1)
    np.testing.assert_allclose(x, scale_images(lfw_faces()), atol=1e-6)
    assert line.count("\n") == 1 and "built in" in line
    assert "offline and no LFW copy cached" in line
    assert list(offline.iterdir()) == []  # nothing was downloaded or created


def test_a_cached_lfw_copy_is_loaded_without_the_network(offline, monkeypatch, capsys):
    _fake_lfw(offline)
    monkeypatch.setattr(faces_module, "can_reach",
                        lambda *a, **k: pytest.fail("a cached copy needs no network check"))
    x = load_faces(limit=5)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "fetch_lfw_people" in line
    assert "5 of its 8 photos" in line and "built in" not in line
    assert x.shape == (5, 25, 25, 1) and x.dtype == np.float32
    assert -1.0 <= x.min() and x.max() <= 1.0 and x.max() - x.min() > 1.0
    # the centred crop gives back the built-in faces the photos were made from
    built_in = scale_images(lfw_faces()[:8])
    rms = np.sqrt(((x[:, None] - built_in[None]) ** 2).mean(axis=(2, 3, 4)))
    assert rms.min(axis=1).max() < 0.12, rms.min(axis=1)
    assert len(set(rms.argmin(axis=1))) == 5  # five different photos
    # the same faces on every call, and the whole set when the limit allows
    np.testing.assert_array_equal(load_faces(limit=5, verbose=False), x)
    everything = load_faces(source="lfw", verbose=False)
    assert everything.shape == (8, 25, 25, 1)
    assert load_faces(size=16, limit=3, verbose=False).shape == (3, 16, 16, 1)


def test_the_environment_variable_picks_the_source(offline, monkeypatch, capsys):
    _fake_lfw(offline)
    monkeypatch.setenv(faces_module.ENV_VAR, "Builtin ")  # case and spaces are forgiven
    assert load_faces(verbose=False).shape == (100, 25, 25, 1)
    monkeypatch.setenv(faces_module.ENV_VAR, "lfw")
    assert load_faces(verbose=False).shape == (8, 25, 25, 1)


def test_builtin_never_checks_the_network(offline, monkeypatch, capsys):
    _fake_lfw(offline)  # even with a copy at hand
    monkeypatch.setattr(faces_module, "can_reach",
                        lambda *a, **k: pytest.fail("source='builtin' checked the network"))
    monkeypatch.setattr(faces_module, "lfw_people",
                        lambda *a, **k: pytest.fail("source='builtin' loaded LFW"))
    x = load_faces(source="builtin")
    line = capsys.readouterr().out
    assert x.shape == (100, 25, 25, 1) and "built in, no download)" in line
    assert "offline" not in line


def test_forced_lfw_offline_says_what_to_do(offline):
    with pytest.raises(FileNotFoundError) as err:
        load_faces(source="lfw")
    message = str(err.value)
    assert "no LFW copy" in message and str(offline) in message
    assert "source='builtin'" in message and "GAN_CLASSROOM_FACES=builtin" in message
    assert list(offline.iterdir()) == []


def test_a_failed_download_falls_back_and_says_why(monkeypatch, capsys):
    """The host answers but the download breaks off: auto falls back, lfw stops."""
    def broken_download(*args, **kwargs):
        assert kwargs.get("download") is True
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr(faces_module, "can_reach", lambda *a, **k: True)
    monkeypatch.setattr(faces_module, "lfw_people", broken_download)
    x = load_faces()
    line = capsys.readouterr().out
    assert x.shape == (100, 25, 25, 1)
    assert "LFW download failed (ConnectionResetError)" in line and "built in" in line
    with pytest.raises(OSError, match="LFW download failed.*source='builtin'"):
        load_faces(source="lfw")


def test_a_broken_cached_copy_falls_back(offline, capsys):
    photos = offline / "lfw_home" / "lfw_funneled" / "Nobody"
    photos.mkdir(parents=True)
    for name in ("pairsDevTrain.txt", "pairsDevTest.txt", "pairs.txt"):
        (offline / "lfw_home" / name).write_text("1\n")
    (photos / "Nobody_0001.jpg").write_bytes(b"not really a jpeg")
    assert faces_module.lfw_cached()
    assert load_faces().shape == (100, 25, 25, 1)
    assert "cached LFW copy could not be read" in capsys.readouterr().out


@pytest.mark.parametrize("source", ["celeba", "LFW", ""])
def test_an_unknown_source_names_the_choices(source):
    with pytest.raises(ValueError) as err:
        load_faces(source=source)
    for word in ("source", repr(source), "auto", "lfw", "builtin"):
        assert word in str(err.value)


def test_an_unknown_environment_variable_is_named(monkeypatch):
    monkeypatch.setenv(faces_module.ENV_VAR, "celeba")
    with pytest.raises(ValueError, match="GAN_CLASSROOM_FACES.*builtin.*'celeba'"):
        load_faces()


def test_a_folder_ignores_the_source(tmp_path, monkeypatch):
    folder = _write_faces(tmp_path / "faces", n=3)
    monkeypatch.setattr(faces_module, "can_reach",
                        lambda *a, **k: pytest.fail("a folder needs no network"))
    assert load_faces(folder, size=8, verbose=False).shape == (3, 8, 8, 1)


def test_the_cache_check_follows_scikit_learns_layout(offline):
    assert not faces_module.lfw_cached()
    _fake_lfw(offline)
    assert faces_module.lfw_cached() and faces_module.lfw_cached(offline)
    (offline / "lfw_home" / "pairs.txt").unlink()  # fetch_lfw_people wants all three
    assert not faces_module.lfw_cached()
