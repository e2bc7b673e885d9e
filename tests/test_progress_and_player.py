"""Progress bars vanish when they finish (in a real kernel too), and the
animation player needs nothing from the web."""
import os
import re

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import plots
from helpers.progress import ProgressBar, progress

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_progress_yields_everything_and_a_bar_can_be_closed_twice():
    assert list(progress(iter(range(5)), desc="x", total=5)) == [0, 1, 2, 3, 4]
    bar = ProgressBar(3, "y")
    bar.update(3)
    bar.close()
    bar.close()


def test_a_finished_bar_leaves_no_output_in_a_saved_notebook(tmp_path):
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(
        "import sys; sys.path.insert(0, %r)\n"
        "from helpers.progress import progress\n"
        "total = sum(progress(range(50), desc='counting'))\n"
        "print('sum', total)" % ROOT)]
    NotebookClient(book, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = book.cells[0].outputs
    stored = repr(outputs)
    assert "sum 1225" in stored
    assert not re.search(r"\d+%\|", stored), stored  # no frozen bar text
    assert "application/vnd.jupyter.widget-view+json" not in stored  # the widget is gone


def test_the_animation_player_renders_offline():
    import matplotlib

    matplotlib.use("Agg")
    html = plots.animate([0, 1, 2], lambda f, ax: ax.plot([0, f])).data
    assert "font-awesome" not in html and "https://" not in html
    assert "&#x25B6;" in html  # the play button is a character now
    with pytest.raises(RuntimeError, match="_PLAYER_ICONS"):
        plots.offline_player('<i class="fa fa-rocket"></i>')
