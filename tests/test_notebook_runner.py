"""The checks that `./classroom colab` applies to every notebook (tests/notebook_runner.py),
tried here on small notebooks on the main stack."""
import nbformat
import pytest

from notebook_runner import find_noise, run_notebook, warning_key

nbf = nbformat.v4
IGNORE = {"tags": ["nbval-ignore-output"]}


def notebook(tmp_path, *cells):
    nb = nbf.new_notebook(cells=list(cells))
    path = tmp_path / "check.ipynb"
    nbformat.write(nb, path)
    return path


def stdout(text):
    return nbf.new_output("stream", name="stdout", text=text)


def test_noise_is_found_and_meant_output_is_not(tmp_path):
    meant = nbf.new_code_cell(
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    warnings.warn('The model does not have any trainable weights.')\n"
        "    WHAT_ELSE\n"
        "print('Keras warned:', sorted(str(w.message) for w in caught))")
    quiet, noisy = (nbf.new_code_cell(meant.source.replace("WHAT_ELSE", what)) for what in (
        "pass",
        "warnings.warn('__array__ implementation does not accept a copy keyword, so "
        "passing copy=False failed', DeprecationWarning)"))
    for cell in (quiet, noisy):  # the committed output shows the warning it teaches
        cell.outputs = [stdout("Keras warned: ['The model does not have any trainable "
                               "weights.']\n")]
    path = notebook(
        tmp_path,
        nbf.new_markdown_cell("# a notebook"),
        quiet,
        noisy,
        nbf.new_code_cell("import sys\nprint('oops', file=sys.stderr)"),
        nbf.new_code_cell("import sys\nprint('progress 10/10', file=sys.stderr)", metadata=IGNORE),
        nbf.new_code_cell("warnings.warn('IProgress not found, using the text bar')",
                          metadata=IGNORE),
        nbf.new_code_cell("import threading\n"
                          "t = threading.Thread(target=lambda: warnings.warn("
                          "'a warning from a training thread'))\nt.start(); t.join()",
                          metadata=IGNORE),
        nbf.new_code_cell("assert 1 + 1 == 2\nprint('The lesson holds.')"),
        nbf.new_code_cell("import matplotlib.pyplot as plt\nfig = plt.figure()\nplt.plot([1, 2])\n"
                          "import pandas as pd\ndisplay(pd.DataFrame({'a': [1]}))\nfig"),
    )
    run = run_notebook(path, timeout=120)
    assert run.error == ""
    assert len(run.executed.cells) == 9  # the probe's cells are not in the copy
    assert run.executed.cells[7].outputs[0]["text"] == "The lesson holds.\n"
    problems = "\n".join(run.problems)
    assert len(run.problems) == 4, problems
    assert "cell 2 " in problems and "DeprecationWarning" in problems and "copy keyword" in problems
    assert "cell 1 " not in problems  # it prints the warning it means to teach
    assert "cell 3 ('import sys') writes to stderr (1 line), e.g. 'oops'" in problems
    assert "cell 4 " not in problems  # stderr in a cell whose output nbval ignores
    assert "cell 5 " in problems and "IProgress not found" in problems
    assert "cell 6 " in problems and "a warning from a training thread" in problems
    assert "cell 8 " not in problems  # figures and tables are not stderr
    warned = run.executed.metadata["notebook_runner"]["warnings"]
    assert any("training thread" in message for _, _, message in warned)


def test_a_failing_cell_stops_the_run(tmp_path):
    path = notebook(
        tmp_path,
        nbf.new_code_cell("1 / 0", metadata={"tags": ["nbval-raises-exception"]}),
        nbf.new_code_cell("# NBVAL_RAISES_EXCEPTION\nraise KeyError('allowed')"),
        nbf.new_code_cell("assert 2 + 2 == 5, 'the lesson does not hold'"),
        nbf.new_code_cell("print('never runs')"),
    )
    run = run_notebook(path, timeout=120)
    assert "AssertionError" in run.error and "the lesson does not hold" in run.error
    assert run.executed.cells[3].outputs == []


def test_a_warning_is_found_however_it_was_printed():
    message = "Call to deprecated create function FieldDescriptor(). Note: 'x' is 3 times"
    key = warning_key(message)
    original = nbf.new_notebook(cells=[nbf.new_code_cell("f()")])
    for printed in (message, repr([message]), message.upper(), message.replace("3", "7"),
                    f"/tmp/x.py:12: UserWarning: {message}\n  f()"):
        executed = nbf.new_notebook(cells=[nbf.new_code_cell("f()", execution_count=1)])
        executed.cells[0].outputs = [stdout(printed)]
        executed.cells[0].metadata = IGNORE
        original.cells[0].metadata = IGNORE
        assert find_noise(original, executed, {0: [("UserWarning", message)]}), printed
    assert warning_key("short") is None  # too short to tell apart from ordinary words
    assert key == warning_key(message + "\nsecond line")


@pytest.mark.parametrize("tagging", [{"metadata": IGNORE}, {}])
def test_stderr_explained_by_a_warning_is_reported_once(tagging):
    original = nbf.new_notebook(cells=[nbf.new_code_cell("f()", **tagging)])
    executed = nbf.new_notebook(cells=[nbf.new_code_cell("f()", **tagging)])
    executed.cells[0].outputs = [nbf.new_output("stream", name="stderr",
                                                text="x.py:1: UserWarning: something is off\n")]
    problems = find_noise(original, executed, {0: [("UserWarning", "something is off")]})
    assert len(problems) == 1 and "shows a UserWarning" in problems[0]
