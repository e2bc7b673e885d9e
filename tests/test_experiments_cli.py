"""`python -m helpers.experiments NAME --seed N ...`: the command every notebook's
lesson can be rerun with."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import experiments

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args, timeout=300):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "helpers.experiments", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)


def test_every_listed_experiment_has_the_common_face():
    for name in experiments.NAMES:
        module = experiments.get(name)
        assert callable(module.run) and callable(module.check), name
        assert "steps" in module.RECIPE or hasattr(module, "STEPS"), name


def test_unknown_experiment_is_refused():
    with pytest.raises(ValueError, match="unknown experiment 'nope'"):
        experiments.get("nope")


def test_json_line_samples_file_and_exit_status(tmp_path):
    out = tmp_path / "samples.npy"
    proc = cli("gaussian1d", "--seed", "3", "--steps", "40", "--json", "--save-samples", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    assert record["experiment"] == "gaussian1d" and record["seed"] == 3 and record["steps"] == 40
    for key in ("w1", "std", "mean", "seconds", "passed", "problems"):
        assert key in record, key
    # 40 steps cannot learn the data: the lesson fails, and the exit status says so
    assert record["passed"] is False and proc.returncode == 1
    samples = np.load(out)
    assert samples.shape == (2000, 1) and np.all(np.isfinite(samples))
    assert "TensorFlow" not in proc.stderr and "oneDNN" not in proc.stderr


@pytest.mark.parametrize("args, message", [
    (("gaussian1d", "--seed", "-1"), "expected a number >= 0"),
    (("gaussian1d", "--steps", "0"), "expected a number >= 1"),
    (("gaussian1d", "--save-samples", "out.txt"), "must name a .npy file"),
    (("gaussian1d", "--save-samples", "/no/such/folder/x.npy"), "does not exist"),
    (("pix2pix",), "invalid choice"),
])
def test_bad_arguments_exit_with_2_and_a_message(args, message):
    proc = cli(*args, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_the_command_gives_the_numbers_notebook_01_shows():
    """Notebook 01 runs gaussian1d.run(seed=0) and prints its W1 and sd; the
    command with --seed 0 must print the same numbers."""
    import re

    import nbformat

    book = nbformat.read(os.path.join(ROOT, "notebooks", "01_gaussian_1d.ipynb"), as_version=4)
    shown = None
    for cell in book.cells:
        if cell.cell_type == "code" and "result.metrics" in cell.source:
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            shown = re.search(r"W1 = ([\d.]+) .*sd ([\d.]+)", text)
            break
    assert shown, "notebook 01 no longer prints the run's W1 and sd"
    proc = cli("gaussian1d", "--seed", "0", "--json")
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    assert f"{record['w1']:.3f}" == shown.group(1)
    assert f"{record['std']:.3f}" == shown.group(2)


@pytest.mark.parametrize("name, key", [("mnist", "readable"), ("faces", "nearest_real"),
                                       ("variants", "label_gap")])
def test_a_short_run_of_each_image_experiment_prints_its_metrics_and_nothing_else(name, key,
                                                                                   tmp_path):
    out = tmp_path / "samples.npy"
    proc = cli(name, "--seed", "5", "--steps", "20", "--json", "--save-samples", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    assert record["experiment"] == name and record["steps"] == 20 and key in record
    samples = np.load(out)
    assert samples.shape[0] == 2000 and samples.ndim == 4
    assert samples.min() >= -1 and samples.max() <= 1
    # no TensorFlow log line reaches the terminal (a notebook would show it as an output)
    assert proc.stderr.strip() == "", proc.stderr[-2000:]
