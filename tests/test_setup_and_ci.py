"""./classroom picks a Python the pinned packages install on, the docs say the
same versions, and CI (.ci/run and the GitHub workflow) runs the same commands.

The interpreters here are stand-ins (scripts that print a version), so these
tests need no other Python installed and make no environment."""
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = ROOT / "classroom"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def script_value(name, path=CLASSROOM):
    found = re.search(rf'^{name}="([^"]*)"', path.read_text(), re.M)
    assert found, f"{path.name} sets no {name}"
    return found.group(1)


SUPPORTED = script_value("SUPPORTED").split()  # newest first
COLAB_VERSION = script_value("COLAB_VERSION")


# --- which Python ./classroom takes ------------------------------------------------

@pytest.fixture
def tools(tmp_path):
    """A PATH with the usual programs but no Python at all."""
    folder = tmp_path / "tools"
    folder.mkdir()
    for name in ("bash", "env", "dirname", "basename", "cat", "rm", "awk", "mkdir", "id"):
        found = shutil.which(name)
        if found:
            (folder / name).symlink_to(found)
    return folder


def fake_pythons(folder, **programs):
    """Stand-in interpreters: ``python3=\"3.12\"`` prints 3.12 whatever it is asked;
    a version of None makes one that fails, like a pyenv shim for a version
    that is installed but not switched on."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, version in programs.items():
        path = folder / name.replace("_", ".")
        body = f"echo {version}" if version else "echo 'pyenv: not switched on' >&2; exit 127"
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


def classroom(tools, tmp_path, *args, pythons=None, **env):
    """Run a copy of ./classroom in an empty folder (so no .venv of this
    checkout is reused) with only ``pythons`` and ``tools`` on PATH."""
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    shutil.copy(CLASSROOM, repo / "classroom")
    path = os.pathsep.join(([str(pythons)] if pythons else []) + [str(tools)])
    environ = {"PATH": path, "HOME": str(tmp_path / "home"),
               "PYENV_ROOT": str(tmp_path / "no-pyenv"), **env}
    return subprocess.run(["bash", str(repo / "classroom"), *args], env=environ, cwd=repo,
                          capture_output=True, text=True, timeout=60)


def test_the_newest_supported_python_on_path_is_taken(tools, tmp_path):
    pythons = fake_pythons(tmp_path / "bin", python3_11="3.11", python3_13="3.13",
                           python3="3.11", python="3.10")
    done = classroom(tools, tmp_path, "python", pythons=pythons)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{pythons / 'python3.13'} (Python 3.13)"


@pytest.mark.parametrize("only", ["3.11", "3.12", "3.13"])
def test_a_machine_whose_only_python_is_one_supported_version(tools, tmp_path, only):
    pythons = fake_pythons(tmp_path / "bin", python3=only)
    done = classroom(tools, tmp_path, "python", pythons=pythons)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{pythons / 'python3'} (Python {only})"


def test_a_shim_that_does_not_run_is_passed_over(tools, tmp_path):
    pythons = fake_pythons(tmp_path / "bin", python3_12=None, python3="3.11")
    done = classroom(tools, tmp_path, "python", pythons=pythons)
    assert done.stdout.strip() == f"{pythons / 'python3'} (Python 3.11)", done.stderr


def test_no_supported_python_says_which_work_and_how_to_get_one(tools, tmp_path):
    pythons = fake_pythons(tmp_path / "bin", python3="3.10", python="3.14")
    done = classroom(tools, tmp_path, "test", pythons=pythons)
    assert done.returncode == 1
    assert "no Python 3.11, 3.12 or 3.13 found" in done.stderr
    assert "Found only: python3 (3.10) python (3.14)" in done.stderr
    assert "pyenv install 3.13" in done.stderr and "PYTHON=/path/to/python3.13" in done.stderr
    assert not (tmp_path / "repo" / ".venv").exists()


def test_an_installed_but_unlisted_pyenv_python_is_found(tools, tmp_path):
    pythons = fake_pythons(tmp_path / "bin", python3="3.10")
    pyenv = fake_pythons(tmp_path / "pyenv" / "versions" / "3.12.9" / "bin", python3_12="3.12")
    done = classroom(tools, tmp_path, "python", pythons=pythons, PYENV_ROOT=str(tmp_path / "pyenv"))
    assert done.stdout.strip() == f"{pyenv / 'python3.12'} (Python 3.12)", done.stderr


@pytest.mark.parametrize("version, ok", [("3.10", False), ("3.12", True), ("3.14", False)])
def test_PYTHON_is_checked_the_same_way(tools, tmp_path, version, ok):
    chosen = fake_pythons(tmp_path / "mine", python=version) / "python"
    pythons = fake_pythons(tmp_path / "bin", python3_13="3.13")
    done = classroom(tools, tmp_path, "python", pythons=pythons, PYTHON=str(chosen))
    if ok:
        assert done.stdout.strip() == f"{chosen} (Python {version})"
    else:
        assert done.returncode == 1
        assert (f"PYTHON={chosen} is Python {version}; this needs Python 3.11, 3.12 or 3.13"
                in done.stderr)


def test_PYTHON_that_is_not_a_python(tools, tmp_path):
    done = classroom(tools, tmp_path, "python", PYTHON=str(tmp_path / "nothing"))
    assert done.returncode == 1 and "no such program" in done.stderr
    fake_pythons(tmp_path / "mine", python=None)
    done = classroom(tools, tmp_path, "python", PYTHON=str(tmp_path / "mine" / "python"))
    assert done.returncode == 1 and "does not run as a Python interpreter" in done.stderr


def test_the_colab_environment_wants_colabs_python(tools, tmp_path):
    pythons = fake_pythons(tmp_path / "bin", python3_12="3.12", python3="3.12")
    done = classroom(tools, tmp_path, "python", "colab", pythons=pythons)
    assert done.returncode == 1 and f"no Python {COLAB_VERSION} found" in done.stderr
    fake_pythons(pythons, python3_13="3.13")
    done = classroom(tools, tmp_path, "python", "colab", pythons=pythons)
    assert done.stdout.strip() == f"{pythons / 'python3.13'} (Python 3.13)", done.stderr


# --- the documents say the same ------------------------------------------------------

def test_the_supported_versions_are_stated_alike_everywhere():
    assert SUPPORTED == ["3.13", "3.12", "3.11"]
    low, high = SUPPORTED[-1], SUPPORTED[0]
    minor = int(high.split(".")[1])
    readme = (ROOT / "README.md").read_text()
    assert "Python 3.11, 3.12 or 3.13" in readme
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python>={low},<3.{minor + 1}" in env["dependencies"]
    assert "on Python 3.11, 3.12 and 3.13" in (ROOT / "requirements.txt").read_text()
    assert "Needs Python 3.11, 3.12 or 3.13" in CLASSROOM.read_text()


def test_the_colab_pins_are_colabs_versions():
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from check_colab_stack import COLAB_STACK
    finally:
        sys.path.pop(0)
    pins = dict(re.findall(r"^([\w-]+)==([\w.]+)", (ROOT / "requirements-colab.txt").read_text(),
                           re.M))
    assert COLAB_STACK["python"] == COLAB_VERSION
    for name, package in (("tensorflow", "tensorflow-cpu"), ("tensorflow", "tensorflow"),
                          ("keras", "keras"), ("ipywidgets", "ipywidgets")):
        assert pins[package].startswith(COLAB_STACK[name] + "."), (package, pins[package])


# --- CI: .ci/run and the workflow --------------------------------------------------------

def ci_parts():
    found = re.search(r"^PARTS=\(([^)]*)\)", (ROOT / ".ci" / "run").read_text(), re.M)
    return found.group(1).split()


def test_ci_runs_the_readmes_commands():
    readme = (ROOT / "README.md").read_text()
    assert ci_parts() == ["test", "colab"]
    for part in ci_parts():
        assert f"./classroom {part}" in readme
    assert "`.ci/run`" in readme
    done = subprocess.run([str(ROOT / ".ci" / "run"), "nonsense"], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2 and "the parts are: test colab" in done.stderr


def test_ci_runs_every_part_and_fails_if_any_failed(tmp_path):
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    fake = tmp_path / "classroom"  # records its command; `test` fails
    fake.write_text('#!/bin/sh\necho "$1" >> calls.txt\n[ "$1" != test ]\n')
    fake.chmod(0o755)
    done = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 1 and "failed: test" in done.stderr
    assert (tmp_path / "calls.txt").read_text().split() == ["test", "colab"]


def workflow_runs():
    """(job, its Python, each step's run line) of every workflow."""
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text())
        for name, job in workflow["jobs"].items():
            runs = [step["run"].strip() for step in job["steps"] if "run" in step]
            yield path.name, name, job, runs


def test_the_workflow_calls_what_ci_calls():
    assert WORKFLOWS, "no workflow in .github/workflows"
    called = {}
    for _, name, job, runs in workflow_runs():
        for line in runs:
            assert re.fullmatch(r"\.ci/run( \w+)*", line), (
                f"job {name!r} runs {line!r}; CI's commands live in .ci/run, call that")
            for part in line.split()[1:]:
                called.setdefault(part, []).append(job)
    assert sorted(called) == sorted(ci_parts()), called
    pythons = sorted(job["strategy"]["matrix"]["python"] for job in called["test"])
    assert pythons == [sorted(SUPPORTED)], "the main suite must run on every supported Python"
    for job in called["test"]:
        assert job["container"] == "python:${{ matrix.python }}-bookworm"
        assert job["env"]["PYTHON"] == "python${{ matrix.python }}"
    for job in called["colab"]:
        assert job["container"] == f"python:{COLAB_VERSION}-bookworm"


def test_the_workflow_caches_pip_and_keeps_the_screenshots():
    for _, name, job, _ in workflow_runs():
        uses = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
        assert uses["actions/cache"]["with"]["path"] == "~/.cache/pip", name
        kept = uses["actions/upload-artifact"]
        assert kept["if"] == "failure()", name
    kept = {job_name: [s["with"]["path"] for s in job["steps"]
                       if s.get("uses", "").startswith("actions/upload-artifact")]
            for _, job_name, job, _ in workflow_runs()}
    assert kept["test"] == ["artifacts/browser/"]  # where tests/test_browser.py saves them


def actionlint():
    here = Path(sys.executable).parent / "actionlint"
    return str(here) if here.exists() else shutil.which("actionlint")


def test_the_workflow_passes_actionlint():
    program = actionlint()
    assert program, ("actionlint is missing: it comes with requirements.txt "
                     "(pip install -r requirements.txt)")
    done = subprocess.run([program, "-no-color", "-oneline", *map(str, WORKFLOWS)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_does_find_mistakes(tmp_path):
    """The check above can fail: a wrong workflow is reported."""
    program = actionlint()
    assert program
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - run: echo ${{ matrix.python }}\n")
    done = subprocess.run([program, "-no-color", "-oneline", str(bad)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and 'property "python" is not defined' in done.stdout
