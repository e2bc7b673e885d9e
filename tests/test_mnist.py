"""helpers.datasets.mnist: the offline sample, forcing a source, the fallback, scaling."""
import hashlib
import time

import numpy as np
import pytest

from helpers.datasets import mnist

# an address reserved for documentation (RFC 5737): connections to it never open
UNREACHABLE = "https://192.0.2.1/mnist.npz"


@pytest.fixture
def fresh_cache(monkeypatch):
    """Forget any Keras copy loaded earlier; keep the (slow to parse) sample."""
    cache = {k: v for k, v in mnist._cache.items() if k == "sample"}
    monkeypatch.setattr(mnist, "_cache", cache)
    return cache


@pytest.fixture
def offline(monkeypatch, tmp_path, fresh_cache):
    """An empty KERAS_HOME and a download host that never answers."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(mnist, "KERAS_ORIGIN", UNREACHABLE)
    monkeypatch.setattr(mnist, "CONNECT_TIMEOUT", 0.5)
    monkeypatch.setattr(mnist, "DOWNLOAD_TIMEOUT", 0.5)
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    return tmp_path


def test_forced_sample_shapes_ranges_and_one_line(capsys):
    data = mnist.load_mnist("sample")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "sample" in out and "5,000" in out
    assert data.source == "sample"
    assert data.x.shape == (5000, 28, 28, 1) and data.x.dtype == np.float32
    assert data.y.shape == (5000,) and data.y.dtype == np.int32
    assert data.x.min() == -1.0 and data.x.max() == 1.0
    assert np.array_equal(np.bincount(data.y), [500] * 10)
    unit = mnist.load_mnist("sample", scale="sigmoid", verbose=False)
    assert capsys.readouterr().out == ""
    assert unit.x.min() == 0.0 and unit.x.max() == 1.0
    np.testing.assert_allclose(unit.x * 2 - 1, data.x, atol=1e-6)


def test_environment_variable_forces_the_sample(monkeypatch, capsys):
    monkeypatch.setenv(mnist.ENV_VAR, "sample")
    assert mnist.load_mnist(verbose=False).source == "sample"
    monkeypatch.setenv(mnist.ENV_VAR, "Sample ")  # case and spaces are forgiven
    assert mnist.load_mnist(verbose=False).source == "sample"


@pytest.mark.parametrize("kwargs, words", [
    ({"source": "mnist"}, ["source", "'mnist'", "auto", "keras", "sample"]),
    ({"source": "sample", "scale": "relu"}, ["scale", "'relu'", "tanh", "sigmoid"]),
    ({"source": "sample", "scale": None}, ["scale", "None"]),
])
def test_bad_arguments_name_the_value_and_the_choices(kwargs, words):
    with pytest.raises(ValueError) as err:
        mnist.load_mnist(**kwargs)
    for word in words:
        assert word in str(err.value)


def test_bad_environment_variable_is_named(monkeypatch):
    monkeypatch.setenv(mnist.ENV_VAR, "full")
    with pytest.raises(ValueError, match=f"{mnist.ENV_VAR}.*'full'"):
        mnist.load_mnist()


def test_offline_auto_falls_back_to_the_sample_quickly(offline, capsys):
    start = time.perf_counter()
    data = mnist.load_mnist()
    took = time.perf_counter() - start
    out = capsys.readouterr().out
    assert data.source == "sample" and len(data.x) == 5000
    assert out.count("\n") == 1 and "offline" in out
    assert took < 3.0, f"the offline fallback waited {took:.1f} s"
    assert not (offline / "datasets" / "mnist.npz").exists()


def test_offline_forced_keras_says_what_to_do(offline):
    start = time.perf_counter()
    with pytest.raises(FileNotFoundError, match="source='sample'"):
        mnist.load_mnist("keras")
    assert time.perf_counter() - start < 3.0


def test_the_real_download_host_check_returns_in_time(monkeypatch):
    monkeypatch.setattr(mnist, "CONNECT_TIMEOUT", 1.0)
    start = time.perf_counter()
    assert mnist.can_reach() in (True, False)
    assert time.perf_counter() - start < 2.0


def _fake_keras_file(folder, fill=0):
    x = np.full((60000, 28, 28), fill, np.uint8)
    x[:, 10:18, 12:16] = 255
    y = np.arange(60000) % 10
    path = folder / "datasets" / "mnist.npz"
    path.parent.mkdir(parents=True)
    np.savez(path, x_train=x, y_train=y.astype(np.uint8),
                        x_test=x[:10], y_test=y[:10].astype(np.uint8))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_cached_keras_copy_is_used_without_the_network(offline, monkeypatch, capsys):
    _, digest = _fake_keras_file(offline)
    monkeypatch.setattr(mnist, "KERAS_SHA256", digest)
    monkeypatch.setattr(mnist, "can_reach", lambda *a, **k: pytest.fail("no network check"))
    data = mnist.load_mnist()
    assert data.source == "keras" and data.x.shape == (60000, 28, 28, 1)
    assert data.x.min() == -1.0 and data.x.max() == 1.0
    assert np.array_equal(data.y[:12], np.arange(12) % 10) and data.y.dtype == np.int32
    assert "60,000" in capsys.readouterr().out
    assert mnist.load_mnist("keras", verbose=False).source == "keras"


def test_auto_downloads_when_the_host_answers(offline, monkeypatch, tmp_path_factory):
    """The Colab path: nothing cached, the host answers, the file is fetched once."""
    import functools
    import http.server
    import threading

    served = tmp_path_factory.mktemp("served")
    path, digest = _fake_keras_file(served, fill=7)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(path.parent))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(mnist, "KERAS_ORIGIN",
                            f"http://127.0.0.1:{server.server_port}/mnist.npz")
        monkeypatch.setattr(mnist, "KERAS_SHA256", digest)
        data = mnist.load_mnist(verbose=False)
    finally:
        server.shutdown()
        server.server_close()
    assert data.source == "keras" and len(data.x) == 60000
    assert data.x[0, 0, 0, 0] == np.float32(7 / 127.5 - 1)
    assert (offline / "datasets" / "mnist.npz").read_bytes() == path.read_bytes()


def test_a_corrupted_cache_is_not_trusted(offline, capsys):
    _fake_keras_file(offline)  # its checksum is not MNIST's
    assert mnist.load_mnist().source == "sample"
    with pytest.raises(FileNotFoundError, match="intact"):
        mnist.load_mnist("keras")


def test_scale_images_checks_shapes_and_values():
    flat = np.zeros((3, 784))
    assert mnist.scale_images(flat).shape == (3, 28, 28, 1)
    assert mnist.scale_images(np.full((2, 28, 28, 1), 255)).max() == 1.0
    with pytest.raises(ValueError, match=r"\(5, 32, 32\)"):
        mnist.scale_images(np.zeros((5, 32, 32)))
    with pytest.raises(ValueError, match=r"n >= 1"):
        mnist.scale_images(np.zeros((0, 28, 28)))
    with pytest.raises(ValueError, match=r"\[0, 255\].*300"):
        mnist.scale_images(np.full((1, 28, 28), 300.0))
    with pytest.raises(ValueError, match="scale"):
        mnist.scale_images(flat, scale="0-1")


def test_holdout_is_stratified_disjoint_and_fixed():
    train, holdout = mnist.sample_split()
    assert len(train) == 4000 and len(holdout) == 1000
    assert not set(train) & set(holdout)
    again_train, again_holdout = mnist.sample_split()
    assert np.array_equal(holdout, again_holdout) and np.array_equal(train, again_train)
    held = mnist.load_mnist_holdout(scale="sigmoid")
    assert held.x.shape == (1000, 28, 28, 1) and held.x.min() == 0.0
    assert np.array_equal(np.bincount(held.y), [100] * 10)
    seen = {row.tobytes() for row in mnist.load_mnist_train_split().x}
    unseen = mnist.load_mnist_holdout().x
    assert sum(row.tobytes() in seen for row in unseen) == 0
