"""What a notebook stores is what a learner reads: no TensorFlow banners or other
stderr noise, no progress bar frozen at some percentage, no output too big to
open comfortably, and nothing that has to be fetched from the web to render."""
import glob
import json
import os
import re

import nbformat
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))

#: the largest single output a notebook may store
MAX_OUTPUT_BYTES = 200_000
#: what a tqdm bar looks like as text: "desc:  40%|####      | 400/1000 [..."
BAR = re.compile(r"\d+%\|.*\|\s*\d+/\d+")
#: HTML that makes the browser fetch something from the web
REMOTE = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?:https?:)?//|@import\s+url\(\s*["']?https?:""",
                    re.IGNORECASE)


def texts(output):
    """Every text an output holds (streams and text-like display data)."""
    if output.get("output_type") == "stream":
        yield output.get("name", ""), output.get("text", "")
    for key, value in output.get("data", {}).items():
        if key.startswith("text/"):
            yield key, value if isinstance(value, str) else "".join(value)


def problems_of(book):
    found = []
    for index, cell in enumerate(book.cells):
        for output in cell.get("outputs", []):
            size = len(json.dumps(output))
            if size > MAX_OUTPUT_BYTES:
                found.append(f"cell {index}: one output is {size / 1000:.0f} KB "
                             f"(at most {MAX_OUTPUT_BYTES // 1000} KB)")
            for kind, text in texts(output):
                if kind == "stderr" and text.strip():
                    found.append(f"cell {index}: stderr output {text.strip()[:80]!r}")
                if BAR.search(text):
                    found.append(f"cell {index}: a progress bar is stored "
                                 f"({BAR.search(text).group(0)[:40]!r})")
                if kind == "text/html" and REMOTE.search(text):
                    found.append(f"cell {index}: HTML output fetches from the web "
                                 f"({REMOTE.search(text).group(0)!r})")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_stored_outputs_are_clean(path):
    problems = problems_of(nbformat.read(path, as_version=4))
    assert not problems, f"{os.path.basename(path)}:\n  " + "\n  ".join(problems)


def test_the_check_sees_each_kind_of_noise():
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr",
                               text="I0000 00:00 port.cc:153] oneDNN custom operations are on"),
        nbformat.v4.new_output("display_data", data={
            "text/plain": "training:   0%|          | 0/3000 [00:00<?, ?it/s]"}),
        nbformat.v4.new_output("display_data", data={
            "text/html": '<link rel="stylesheet" href="https://cdn.example/fa.css">'}),
        nbformat.v4.new_output("display_data", data={"image/png": "A" * 250_000}),
        nbformat.v4.new_output("stream", name="stdout", text="W1 = 0.03, 100% of seeds\n"),
    ]
    book.cells = [cell]
    problems = problems_of(book)
    assert len(problems) == 4, problems
    assert [p.split(": ", 1)[1].split(" ")[0] for p in problems] == \
        ["stderr", "a", "HTML", "one"]
