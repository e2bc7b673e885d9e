"""Run a notebook once, top to bottom, and find what it prints that it does not
mean to teach.

Used by ``tests/check_colab_stack.py`` (``./classroom colab``), which runs every
notebook on Colab's versions of Python, TensorFlow, Keras and ipywidgets. There
the stored outputs are not compared (numbers may differ from one stack to the
other; nbval compares them on the main stack); instead:

* every cell must run: an error, or a failed ``assert``, fails the notebook
  (cells tagged ``nbval-raises-exception`` may raise, as under nbval);
* a cell whose output nbval compares (no ``nbval-ignore-output`` tag) must not
  write to stderr: a learner reads that as something going wrong;
* no cell may show a Python warning that its stored output does not show:
  whether the warning went to stderr or the cell caught it and printed it.
  A probe in the kernel records every warning shown or caught while each cell
  runs, and the cell's output is searched for the warning's text.

``run_notebook(path)`` returns a :class:`Run`: the executed notebook, the
error that stopped it (if any) and its problems, one sentence each.
"""
import copy
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

IGNORE_OUTPUT_TAG = "nbval-ignore-output"
RAISES_TAG = "nbval-raises-exception"
#: what the probe cell prints before the warnings it recorded (one JSON line)
MARKER = "@@notebook-runner-warnings@@"

#: installed first: wraps the warnings module's display hook, through which every
#: warning passes that is shown (stderr) or caught (``catch_warnings(record=True)``)
PROBE_INSTALL = r'''
def _notebook_runner_probe():
    import warnings
    from IPython import get_ipython
    seen, cell = [], [0]  # cell: how many cells have started since this one
    show = warnings._showwarnmsg

    def record(msg):
        seen.append([cell[0], msg.category.__name__, str(msg.message)])
        return show(msg)

    def count(*args):
        cell[0] += 1

    warnings._showwarnmsg = record
    get_ipython().events.register("pre_run_cell", count)
    return seen

_notebook_runner_warnings = _notebook_runner_probe()
del _notebook_runner_probe
'''

PROBE_REPORT = f'''
import json as _notebook_runner_json
print({MARKER!r} + _notebook_runner_json.dumps(_notebook_runner_warnings))
'''


@dataclass
class Run:
    path: Path
    executed: nbformat.NotebookNode = None
    problems: list = field(default_factory=list)
    error: str = ""


def cell_tags(cell):
    tags = set(cell.get("metadata", {}).get("tags", []))
    source = cell.get("source", "")
    for comment, tag in (("NBVAL_IGNORE_OUTPUT", IGNORE_OUTPUT_TAG),
                         ("NBVAL_RAISES_EXCEPTION", RAISES_TAG)):
        if f"# {comment}" in source:
            tags.add(tag)
    return tags


def stderr_text(outputs):
    """What these outputs wrote to stderr."""
    return "".join(out.get("text", "") for out in outputs
                   if out.get("output_type") == "stream" and out.get("name") == "stderr")


def output_text(outputs):
    """Everything a learner reads in these outputs, as one string."""
    parts = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
                if mime in data:
                    value = data[mime]
                    parts.append("".join(value) if isinstance(value, list) else value)
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


def _letters(text):
    """Text reduced to its letters, digits masked: what survives repr(), quoting,
    line wrapping and run-dependent numbers."""
    return re.sub(r"[^a-z]", "", re.sub(r"\d+", "0", text.lower().replace("\\n", " ")))


def warning_key(message, length=40):
    """The part of a warning's text searched for in an output (its first line's
    letters), or None when too short to tell apart from ordinary text."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    key = _letters(first)[:length]
    return key if len(key) >= 12 else None


def describe_cell(index, cell):
    first = next((line for line in cell.source.splitlines()
                  if line.strip() and not line.startswith("#")), "")
    return f"cell {index} ({first.strip()[:60]!r})"


def find_noise(original, executed, warnings_by_cell):
    """Problems of an executed notebook against its committed version.

    ``original`` and ``executed`` hold the same cells in the same order;
    ``warnings_by_cell`` maps a cell's index to the warnings (category,
    message) shown or caught while that cell ran.
    """
    problems = []
    for index, (before, after) in enumerate(zip(original.cells, executed.cells)):
        if after.cell_type != "code":
            continue
        tags = cell_tags(before)
        where = describe_cell(index, before)
        shown = _letters(output_text(after.get("outputs", [])))
        stored = _letters(output_text(before.get("outputs", [])))
        reported = set()
        for category, message in warnings_by_cell.get(index, []):
            key = warning_key(message)
            if key is None or key in reported or key not in shown or key in stored:
                continue
            reported.add(key)
            problems.append(f"{where} shows a {category} its stored output does not: "
                            f"{message.strip().splitlines()[0][:160]!r}")
        if IGNORE_OUTPUT_TAG not in tags and not reported:  # a warning explains stderr
            stderr = stderr_text(after.get("outputs", [])).strip()
            if stderr:
                lines = stderr.splitlines()
                problems.append(f"{where} writes to stderr ({len(lines)} line"
                                f"{'s' if len(lines) > 1 else ''}), e.g. {lines[0][:160]!r}")
    return problems


def _kernel_manager_class():
    """Kernels of this very Python (its venv), whatever kernelspecs the user has."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class HereSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                    "{connection_file}"],
                              display_name="Python 3", language="python", resource_dir="")

    class HereKernels(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("kernel_spec_manager", HereSpecs())
            super().__init__(**kwargs)

    return HereKernels


def run_notebook(path, timeout=1800, cwd=None):
    """Execute the notebook at ``path`` (from its folder, or ``cwd``) and return
    a :class:`Run`. A cell that raises (and is not tagged to) or runs past
    ``timeout`` seconds stops the run: its message is ``Run.error``."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    path = Path(path)
    original = nbformat.read(path, as_version=4)
    work = copy.deepcopy(original)
    for cell in work.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if RAISES_TAG in cell_tags(cell):  # nbclient's own name for it
                cell.setdefault("metadata", {}).setdefault("tags", []).append("raises-exception")
    work.cells.insert(0, nbformat.v4.new_code_cell(PROBE_INSTALL))
    work.cells.append(nbformat.v4.new_code_cell(PROBE_REPORT))
    client = NotebookClient(work, timeout=timeout, kernel_name="python3",
                            kernel_manager_class=_kernel_manager_class(),
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    try:
        client.execute()
        error = ""
    except (CellExecutionError, CellTimeoutError) as err:
        error = str(err)
    executed = copy.copy(work)  # without the probe's two cells
    executed.cells = work.cells[1:-1]
    if error:
        return Run(path, executed, error=error)
    report = output_text(work.cells[-1].outputs)
    if MARKER not in report:
        raise RuntimeError(f"the warnings probe printed nothing in {path.name}: {report[:400]!r}")
    recorded = json.loads(report.split(MARKER, 1)[1].splitlines()[0])
    # kept with the executed copy, to read after a failure
    executed.metadata["notebook_runner"] = {"warnings": recorded}
    # the probe counts the cells the kernel ran after it (code cells with code: nbclient
    # skips the others): the first is 1
    ran = [i for i, cell in enumerate(executed.cells)
           if cell.cell_type == "code" and cell.source.strip()]
    by_cell = {}
    for number, category, message in recorded:
        index = ran[number - 1] if 0 < number <= len(ran) else None
        by_cell.setdefault(index, []).append((category, message))
    return Run(path, executed, find_noise(original, executed, by_cell))
