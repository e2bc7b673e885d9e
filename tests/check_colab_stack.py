"""Every notebook on Colab's stack: run by ``./classroom colab``, not by the main suite.

``./classroom colab`` builds ``.venv-colab`` from ``requirements-colab.txt`` (Colab's
Python, TensorFlow, Keras and ipywidgets, which a notebook opened in Colab does not
reinstall) and runs this file there. Each notebook in ``notebooks/`` runs once, top
to bottom; it passes when every cell runs (so every teaching ``assert`` holds) and
no cell prints noise (see ``tests/notebook_runner.py``). Stored outputs are compared
on the main stack only (nbval, ``./classroom test``). The executed notebooks are
kept in ``artifacts/colab/`` to read after a failure.
"""
import os
from pathlib import Path

import nbformat
import pytest

from notebook_runner import run_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = ROOT / "artifacts" / "colab"
#: what requirements-colab.txt pins; checked so a run in the wrong venv says so
COLAB_STACK = {"python": "3.13", "tensorflow": "2.20", "keras": "3.13", "ipywidgets": "7.7"}


def installed_stack():
    import sys
    from importlib.metadata import version

    import tensorflow as tf

    return {"python": "%d.%d" % sys.version_info[:2], "tensorflow": tf.__version__,
            "keras": version("keras"), "ipywidgets": version("ipywidgets")}


def test_this_is_the_colab_stack():
    have = installed_stack()
    wrong = {k: have[k] for k, v in COLAB_STACK.items()
             if have[k] != v and not have[k].startswith(v + ".")}
    assert not wrong, (f"this check runs on Colab's versions {COLAB_STACK}, but here {wrong}: "
                       "run it with ./classroom colab")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_prints_only_what_it_teaches(path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    timeout = int(os.environ.get("GAN_CLASSROOM_CELL_TIMEOUT", "1800"))
    run = run_notebook(path, timeout=timeout)
    nbformat.write(run.executed, ARTIFACTS / path.name)
    if run.error:
        pytest.fail(f"{path.name} stopped on Colab's stack (executed copy: "
                    f"{ARTIFACTS / path.name}):\n{run.error}", pytrace=False)
    assert not run.problems, (
        f"{path.name} on Colab's stack prints what it does not mean to teach "
        f"(executed copy: {ARTIFACTS / path.name}):\n  " + "\n  ".join(run.problems))
