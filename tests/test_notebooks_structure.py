"""Every notebook opens the same way: title, chapter, Colab badge, setup cell;
is committed executed; and marks only the outputs that may vary."""
import glob
import os

import nbformat
import pytest

from helpers import colab

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.fixture(params=NOTEBOOKS, ids=os.path.basename)
def nb(request):
    return os.path.basename(request.param), nbformat.read(request.param, as_version=4)


def test_opens_with_title_chapter_goals_and_its_own_colab_badge(nb):
    name, book = nb
    first = book.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert colab.badge_markdown(name) in first.source
    assert "Source chapter" in first.source and "What you will be able to do" in first.source


def test_second_cell_is_exactly_the_setup_cell(nb):
    name, book = nb
    assert book.cells[1].cell_type == "code"
    assert book.cells[1].source == colab.SETUP_CELL, (
        f"{name}: the setup cell differs from helpers.colab.SETUP_CELL; "
        "run `python -m helpers.colab` to rewrite it")


def test_committed_executed_in_order_with_no_errors(nb):
    name, book = nb
    counts = [c.execution_count for c in book.cells if c.cell_type == "code"]
    assert all(isinstance(n, int) for n in counts), f"{name} has unexecuted code cells"
    assert counts == sorted(counts) and counts[0] == 1, f"{name} was not run top to bottom"
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors, f"{name} was committed with an error: {errors[0].ename}"


def test_the_teaching_result_is_asserted_in_a_checked_cell(nb):
    name, book = nb
    checked = [c for c in book.cells if c.cell_type == "code"
               and "nbval-ignore-output" not in c.metadata.get("tags", [])
               and "assert " in c.source]
    assert checked, f"{name} asserts nothing in a cell whose output nbval checks"


def test_has_a_training_panel_and_exercises(nb):
    name, book = nb
    assert any("TrainingPanel(" in c.source for c in book.cells if c.cell_type == "code")
    assert any(c.cell_type == "markdown" and "Exercises" in c.source for c in book.cells)
    panel_cells = [c for c in book.cells if "panel" in c.metadata.get("tags", [])]
    assert any("TrainingPanel(" in c.source for c in panel_cells), (
        f"{name}: the cell that builds the panel must carry the 'panel' tag")


def test_progress_bars_and_widgets_are_in_ignored_cells(nb):
    """Widget views and tqdm bars change from run to run: nbval must not compare them."""
    name, book = nb
    for c in book.cells:
        if c.cell_type != "code":
            continue
        has_widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                         for o in c.outputs)
        if has_widget:
            assert "nbval-ignore-output" in c.metadata.get("tags", []), (
                f"{name}: a cell showing a widget is not tagged nbval-ignore-output:\n{c.source[:200]}")


def test_badge_points_at_the_repository_in_one_place():
    assert colab.REPO_URL in colab.SETUP_CELL
    url = colab.colab_url("01_gaussian_1d.ipynb")
    assert url.endswith(f"{colab.REPO_OWNER}/{colab.REPO_NAME}/blob/{colab.BRANCH}/notebooks/"
                        "01_gaussian_1d.ipynb")


def test_setup_cell_is_harmless_outside_colab(tmp_path, monkeypatch):
    """Run the setup cell from a notebooks-like folder: it must only add the repo root."""
    import sys

    monkeypatch.chdir(os.path.join(ROOT, "notebooks"))
    monkeypatch.setattr(sys, "path", [p for p in sys.path if os.path.abspath(p or ".") != ROOT])
    before = list(sys.path)
    namespace = {}
    exec(colab.SETUP_CELL, namespace)
    assert namespace["ROOT"] == ROOT
    assert sys.path == [ROOT] + before  # only the repository root was added
    exec(colab.SETUP_CELL, namespace)  # running it twice adds nothing more
    assert sys.path == [ROOT] + before
    assert not os.path.exists(os.path.join(ROOT, "notebooks", colab.REPO_NAME))
