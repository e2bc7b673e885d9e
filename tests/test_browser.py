"""The training panel in a real browser: JupyterLab driven by headless Chromium.

For every notebook in ``notebooks/`` that has a ``panel``-tagged cell, and for
the fixture ``tests/browser/gaussian_panel.ipynb`` (so this path is tested even
with no such notebook), the test builds a small notebook from the setup cell
plus the ``panel``-tagged cells, opens it in JupyterLab, runs all cells, and
then does what a teacher does in front of a class: presses Train (a short run),
moves the learning-rate slider, picks another optimizer, presses Train again (a
long run), presses Stop while it trains, and finally Reset. It checks that the
picture changes, that the status line names the new settings, that Stop ends the
run part-way, that Reset restores the controls, and that the browser console
shows no error.

The tests start and stop their own JupyterLab server (on 127.0.0.1, a random
free port, a token, every JUPYTER_* folder in a temporary directory) and their
own Chromium (Debian's package at /usr/bin/chromium, launched by Playwright; no
browser is downloaded). ``tests/browser/ensure_browser.sh`` installs both.
Without them these tests are skipped, or fail when GAN_CLASSROOM_REQUIRE_BROWSER=1.
On a failure a screenshot, the console messages and the server log are saved
under ``artifacts/browser/``.

Run them with::

    tests/browser/ensure_browser.sh && GAN_CLASSROOM_REQUIRE_BROWSER=1 \\
        PYTHONPATH=. .venv/bin/python -m pytest -m browser tests/test_browser.py
"""
import contextlib
import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIXTURE = ROOT / "tests" / "browser" / "gaussian_panel.ipynb"
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("GAN_CLASSROOM_REQUIRE_BROWSER") == "1"
PANEL_TAG = "panel"

#: steps of the first run: few, so that even an image GAN ends it quickly
SHORT_STEPS = 20
# The second run asks for as many steps as the panel allows (its steps box's
# maximum), so it is still training when Stop arrives however slow the machine.

# Chromium must not reach for the network: it has none here, and a test must not need it.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update",
    "--disable-default-apps", "--disable-sync", "--disable-extensions",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--metrics-recording-only", "--no-first-run", "--no-default-browser-check",
    "--no-pings", "--disable-features=Translate,MediaRouter,OptimizationHints",
]

# JupyterLab plugins that would fetch from the internet (news, PyPI listings)
# and pop up notices over the notebook.
LAB_DISABLED = {
    "@jupyterlab/apputils-extension:announcements": True,
    "@jupyterlab/extensionmanager-extension": True,
}


# --- which notebooks, and what of them to run ------------------------------------

def has_panel_cells(path):
    nb = nbformat.read(path, as_version=4)
    return any(PANEL_TAG in c.get("metadata", {}).get("tags", []) for c in nb.cells)


def panel_notebooks(folder=NOTEBOOKS):
    """The notebooks in ``folder`` that tag the cells building their TrainingPanel."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if has_panel_cells(p))


def panel_subset(path):
    """A new notebook: ``path``'s setup cell (its first code cell) and then its
    ``panel``-tagged code cells, in order, without outputs."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code:
        raise ValueError(f"{path} has no code cells")
    setup = code[0]
    if not setup.source.startswith("# Setup"):
        raise ValueError(f"{path}: the first code cell is not the setup cell "
                         f"(helpers.colab.SETUP_CELL); it starts {setup.source[:40]!r}")
    picked = [setup] + [c for c in code[1:]
                        if PANEL_TAG in c.get("metadata", {}).get("tags", [])]
    if len(picked) == 1:
        raise ValueError(f"{path} has no code cell tagged {PANEL_TAG!r}")
    cells = [nbformat.v4.new_code_cell(c.source) for c in picked]
    return nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                       "language": "python"},
        "language_info": {"name": "python"}})


def test_notebooks_with_a_panel_tag_the_cells_that_build_it():
    """A notebook that shows a TrainingPanel must tag the cells building it, or
    the browser test would silently leave it out."""
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if not any(c.cell_type == "code" and "TrainingPanel(" in c.source for c in nb.cells):
            continue
        assert has_panel_cells(path), (
            f"{path.name} builds a TrainingPanel but tags no cell {PANEL_TAG!r}; tag every "
            "cell needed to build and show it (see tests/test_browser.py)")
        subset = panel_subset(path)
        assert any("TrainingPanel(" in c.source for c in subset.cells), (
            f"{path.name}: the cell that builds the TrainingPanel is not tagged {PANEL_TAG!r}")


def test_panel_subset_takes_the_setup_cell_and_the_tagged_cells(tmp_path):
    from helpers.colab import SETUP_CELL

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# title"),
        nbformat.v4.new_code_cell(SETUP_CELL),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": [PANEL_TAG]}),
        nbformat.v4.new_code_cell("long_training()"),
        nbformat.v4.new_code_cell("panel", metadata={"tags": ["nbval-ignore-output",
                                                              PANEL_TAG]}),
    ])
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="old\n")]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert panel_notebooks(tmp_path) == [path]
    subset = panel_subset(path)
    assert [c.source for c in subset.cells] == [SETUP_CELL, "x = 1", "panel"]
    assert all(c.outputs == [] for c in subset.cells)

    nb.cells[1].source = "import os"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="not the setup cell"):
        panel_subset(path)


def test_the_fixture_follows_the_convention():
    from helpers.colab import SETUP_CELL

    subset = panel_subset(FIXTURE)
    assert subset.cells[0].source == SETUP_CELL
    assert subset.cells[-1].source.rstrip().endswith("panel")


# --- the server and the browser ---------------------------------------------------

def unavailable(reason):
    message = (f"browser tests cannot run: {reason}. Install what they need with "
               "tests/browser/ensure_browser.sh")
    if REQUIRE_BROWSER:
        pytest.fail(message + " (GAN_CLASSROOM_REQUIRE_BROWSER=1, so this is a failure)",
                    pytrace=False)
    pytest.skip(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server of our own, in a throwaway directory."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="gan-classroom-lab-"))
        self.work = self.tmp / "work"
        # the server's root looks like the repository (the setup cell looks for
        # helpers/ next to the notebook's folder); the notebooks we open are our own
        (self.work / "notebooks").mkdir(parents=True)
        for entry in ROOT.iterdir():
            if entry.name not in {"notebooks", "artifacts"} and not entry.name.startswith("."):
                (self.work / entry.name).symlink_to(entry)
        env = dict(os.environ)
        for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH"):
            env.pop(name, None)
        dirs = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
                "JUPYTER_RUNTIME_DIR": "runtime", "IPYTHONDIR": "ipython",
                "JUPYTERLAB_SETTINGS_DIR": "settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
                "MPLCONFIGDIR": "matplotlib"}
        for var, sub in dirs.items():
            (self.tmp / sub).mkdir()
            env[var] = str(self.tmp / sub)
        (self.tmp / "config" / "labconfig").mkdir()
        (self.tmp / "config" / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": LAB_DISABLED}))
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp / "server.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.work}",
             f"--IdentityProvider.token={self.token}",
             "--LabApp.expose_app_in_browser=True",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             "--LabApp.extension_manager=readonly",
             "--LanguageServerManager.autodetect=False",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=self.work, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def api(self, path, method="GET", timeout=10):
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def wait_ready(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n" + self.log_tail())

    def log_tail(self, n=4000):
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-n:]

    def shutdown_kernels(self, notebook_path):
        for session in self.api("/api/sessions"):
            if session.get("path") == notebook_path:
                self.api(f"/api/sessions/{session['id']}", method="DELETE", timeout=30)

    def stop(self):
        if self.process.poll() is None:
            with contextlib.suppress(Exception):
                self.api("/api/shutdown", method="POST", timeout=5)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                # our own process group: the server and the kernels it started
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(10)
        self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (Debian's) driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        unavailable(f"Playwright for Python is not installed ({err})")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} is missing (Debian package 'chromium')")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS, timeout=60_000)
    except Exception as err:  # noqa: BLE001 - any launch failure means the same
        pw.stop()
        unavailable(f"{CHROMIUM} could not be launched: {str(err).strip()[:800]}")
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture(scope="module")
def lab(chromium):
    """Our own JupyterLab server (started after Chromium, so a missing browser
    costs no server start)."""
    for attempt in range(3):  # the free port may be taken before the server binds it
        server = Lab()
        try:
            server.wait_ready()
            break
        except RuntimeError:
            server.stop()
            if attempt == 2:
                raise
    yield server
    server.stop()


# --- driving the panel -------------------------------------------------------------
#
# Every wait below waits for the state the next step needs (a status line, a
# button's state, a new picture), checked in the page each animation frame; a
# timeout only bounds how long a broken panel is waited for. Nothing sleeps for a
# fixed time, so a slow (loaded) machine makes the test slower, not flaky.

#: how long a step may take at most on a slow, loaded machine (milliseconds)
PAGE_LOAD_MS = 240_000   # JupyterLab loaded and the kernel started
CELLS_MS = 400_000       # the panel's cells ran (imports, data, a model built)
RUN_MS = 240_000         # a short run finished, or a long one got its first chunk done
UI_MS = 60_000           # the browser shows what the kernel just sent

KERNEL_IDLE_JS = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session
              && w.sessionContext.session.kernel;
    return !!(k && k.status === 'idle' && w.context && w.context.isReady);
}"""

#: the panel's status line once it is shown, or the first traceback in the notebook
PANEL_OR_ERROR_JS = """() => {
    const status = document.querySelector('.gan-panel .gan-status');
    if (status && status.offsetParent !== null) return {panel: status.innerText};
    for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
        const text = out.innerText || '';
        if (text.includes('Traceback') || text.includes('most recent call last'))
            return {error: text};
    }
    return false;
}"""

#: the status line once it matches ``pattern``, or reports a failure
STATUS_JS = """([pattern, failOn]) => {
    const el = document.querySelector('.gan-panel .gan-status');
    const text = el ? el.innerText : '';
    if (new RegExp(pattern).test(text)) return {ok: text};
    if (text.includes('failed:') || text.includes('already training')
        || (failOn && new RegExp(failOn).test(text))) return {bad: text};
    return false;
}"""

#: the SHA-256 of the panel's picture once it shows one that differs from ``before``
NEW_IMAGE_JS = """async (before) => {
    const img = document.querySelector('.gan-panel .gan-image');
    if (!img || !img.src || !img.complete || img.naturalWidth === 0) return false;
    const buf = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', buf);
    const hex = Array.from(new Uint8Array(digest))
        .map(b => b.toString(16).padStart(2, '0')).join('');
    return hex !== before ? hex : false;
}"""

#: what the panel's controls show now
CONTROLS_JS = """() => {
    const q = s => document.querySelector('.gan-panel ' + s);
    const select = q('.gan-optimizer select'), img = q('.gan-image');
    const bar = q('.gan-progress .progress-bar');
    return {
        train: !q('.gan-train').disabled, stop: !q('.gan-stop').disabled,
        lr: q('.gan-lr .widget-readout').innerText.trim(),
        optimizer: select.options[select.selectedIndex].text,
        steps: q('.gan-steps input').value,
        progress: bar ? parseFloat(bar.style.width) || 0 : 0,
        picture: !!(img && img.src && img.naturalWidth > 0),
        status: q('.gan-status').innerText,
    };
}"""


class PanelPage:
    """One notebook page with its panel, and what the console said."""

    def __init__(self, page, name):
        self.page = page
        self.name = name
        self.console = []
        self.errors = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        self.timings = []
        self._since = time.monotonic()

    def mark(self, phase):
        """Note how long the phase that just ended took (printed with the result)."""
        now = time.monotonic()
        self.timings.append(f"{phase}: {now - self._since:.1f} s")
        self._since = now

    def _on_console(self, msg):
        line = f"[{msg.type}] {msg.text}"
        self.console.append(line)
        if msg.type == "error":
            self.errors.append(line)

    def part(self, name):
        return self.page.locator(f".gan-panel .gan-{name}").first

    def controls(self):
        return self.page.evaluate(CONTROLS_JS)

    def wait_js(self, script, arg=None, timeout=UI_MS, what="the panel"):
        """Wait until ``script`` returns something truthy in the page; returns it."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            handle = self.page.wait_for_function(script, arg=arg, timeout=timeout,
                                                 polling="raf")
        except PlaywrightTimeout:
            try:
                now = self.controls()
            except Exception as err:  # noqa: BLE001 - the page itself may be gone
                now = f"(controls unreadable: {err})"
            raise AssertionError(f"after {timeout / 1000:.0f} s still waiting for {what}; "
                                 f"the panel shows {now}") from None
        return handle.json_value()

    def wait_for_status(self, pattern, timeout=RUN_MS, fail_on=None):
        """Wait until the status line matches ``pattern``; returns the match.
        Fails at once when it reports a failure or matches ``fail_on``."""
        found = self.wait_js(STATUS_JS, [pattern, fail_on], timeout,
                             what=f"a status matching {pattern!r}")
        if "bad" in found:
            raise AssertionError(f"the panel reports a problem: {found['bad']}")
        return re.search(pattern, found["ok"])

    def wait_controls(self, what, timeout=UI_MS, **want):
        """Wait until the controls show ``want`` (e.g. train=True, stop=False)."""
        script = ("(want) => { const now = (" + CONTROLS_JS + ")(); "
                  "return Object.keys(want).every(k => now[k] === want[k]) && now; }")
        return self.wait_js(script, want, timeout, what=what)

    def wait_image(self, different_from=None, timeout=UI_MS):
        """The picture's hash once it is shown (and differs from ``different_from``)."""
        return self.wait_js(NEW_IMAGE_JS, different_from, timeout,
                            what="a new picture" if different_from else "a picture")

    def set_steps(self, steps):
        box = self.part("steps").locator("input")
        box.fill(str(steps))
        box.press("Enter")


@contextlib.contextmanager
def evidence_on_failure(panel_page, lab, name):
    """Save a screenshot, the console and the server log when the body fails."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            panel_page.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        with contextlib.suppress(Exception):  # JupyterLab scrolls inside the notebook
            panel_page.part("panel").screenshot(path=str(ARTIFACTS / f"{name}.panel.png"),
                                                timeout=5_000)
        (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(panel_page.console) + "\n")
        (ARTIFACTS / f"{name}.server.log").write_text(lab.log_tail(200_000))
        raise


def notebook_params():
    params = [pytest.param(FIXTURE, id="fixture-gaussian_panel")]
    params += [pytest.param(p, id=p.stem) for p in panel_notebooks()]
    return params


class OpenNotebook:
    """A panel subset of one notebook, opened in a browser context of its own."""

    def __init__(self, source, lab, chromium):
        self.lab = lab
        self.name = f"{source.stem}_browser"
        self.rel = f"notebooks/{self.name}.ipynb"
        nbformat.write(panel_subset(source), lab.work / self.rel)
        self.context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        self.ui = PanelPage(self.context.new_page(), self.name)
        self.ui.page.set_default_timeout(60_000)
        self.started = False

    def start(self):
        """Load JupyterLab, wait for the kernel, start running all cells."""
        page = self.ui.page
        # a workspace of its own, or JupyterLab reopens the notebooks of earlier tests
        page.goto(f"{self.lab.url}/lab/workspaces/{self.name}/tree/{self.rel}"
                  f"?token={self.lab.token}")
        page.wait_for_function(KERNEL_IDLE_JS, timeout=PAGE_LOAD_MS, polling="raf")
        self.ui.mark("JupyterLab loaded, kernel idle")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        self.started = True

    def close(self):
        with contextlib.suppress(Exception):
            self.context.close()
        with contextlib.suppress(Exception):
            self.lab.shutdown_kernels(self.rel)


@pytest.fixture(scope="module")
def opened():
    """Notebooks opened ahead of their test: while one test drives its panel, the
    next notebook's kernel already starts and runs its cells."""
    ahead = {}
    yield ahead
    for notebook in ahead.values():
        notebook.close()


def open_next(request, lab, chromium, opened):
    """Open the notebook of the next selected test (if any) and start its cells."""
    items = request.session.items
    here = items.index(request.node)
    for item in items[here + 1:]:
        if getattr(item, "originalname", None) == request.node.originalname:
            source = item.callspec.params["source"]
            break
    else:
        return
    if source in opened:
        return
    notebook = None
    try:
        notebook = OpenNotebook(source, lab, chromium)
        notebook.start()
        opened[source] = notebook
    except Exception:  # noqa: BLE001 - its own test opens it again and reports
        if notebook is not None:
            notebook.close()


@pytest.mark.browser
@pytest.mark.parametrize("source", notebook_params())
def test_panel_in_jupyterlab(source, request, lab, chromium, opened):
    notebook = opened.pop(source, None) or OpenNotebook(source, lab, chromium)
    try:
        with evidence_on_failure(notebook.ui, lab, notebook.name):
            if not notebook.started:
                notebook.start()
            open_next(request, lab, chromium, opened)
            drive_panel(notebook.ui)
    finally:
        print(f"{source.name}: " + "; ".join(notebook.ui.timings))
        notebook.close()


def drive_panel(ui):
    page = ui.page
    # the panel appears once the last panel cell ran; an error output means it never will
    shown = ui.wait_js(PANEL_OR_ERROR_JS, timeout=CELLS_MS, what="the panel cells to run")
    if "error" in shown:
        pytest.fail(f"a panel cell raised:\n{shown['error']}")
    ui.mark("panel cells ran (since the kernel was idle)")
    start = ui.controls()
    assert "Press Train" in start["status"], start
    assert start["train"] and not start["stop"], start
    steps_box = ui.part("steps").locator("input")
    steps_default = steps_box.input_value()
    # the long run is as long as the panel allows, so it is still training when
    # Stop arrives however slow this machine is
    long_steps = int(steps_box.get_attribute("max") or 100_000)

    # run 1: the notebook's own settings, a short run
    ui.set_steps(SHORT_STEPS)
    ui.part("train").click()
    first = ui.wait_for_status(r"Run 1 \((.*?)\): (finished|stopped|diverged) after \d+ steps")
    assert f", {SHORT_STEPS} steps" in first.group(1), first.group(0)
    picture_1 = ui.wait_image()
    ui.wait_controls("Train to be enabled again after run 1", train=True, stop=False)
    ui.mark("run 1")

    # move the learning-rate slider with the keyboard: one PageUp/PageDown is one
    # change (5 steps of the slider), sent to the kernel as one message, before
    # the Train click's message
    readout = ui.part("lr").locator(".widget-readout")
    lr_before_text = readout.inner_text().strip()
    lr_before = float(lr_before_text)
    handle = ui.part("lr").locator(".noUi-handle")
    now, lo, hi = (float(handle.get_attribute(f"aria-value{a}")) for a in ("now", "min", "max"))
    handle.focus()
    handle.press("PageDown" if now > (lo + hi) / 2 else "PageUp")  # towards the middle
    ui.wait_js("(before) => { const el = document.querySelector("
               "'.gan-panel .gan-lr .widget-readout'); "
               "return el && el.innerText.trim() !== before && el.innerText.trim(); }",
               lr_before_text, what="the slider's readout to change")
    lr_after = float(readout.inner_text())

    # pick another optimizer in the dropdown
    select = ui.part("optimizer").locator("select")
    current = select.evaluate("s => s.options[s.selectedIndex].text")
    labels = select.evaluate("s => Array.from(s.options).map(o => o.text)")
    other = next(label for label in labels if label != current)
    select.select_option(label=other)

    # run 2: the new settings, a long run that Stop ends part-way
    ui.set_steps(long_steps)
    ui.part("train").click()
    expected = f"Run 2 ({other}, learning rate {lr_after:.1e}, "
    ended = r"Run 2 \(.*?\): (finished|diverged) after"
    training = ui.wait_for_status(r"Run 2 \(.*?\): training", fail_on=ended)
    assert html.unescape(training.string).startswith(expected), (
        f"the status should name optimizer {other!r} and learning rate {lr_after:.1e}: "
        f"{training.string}")
    ui.wait_controls("Train disabled and Stop enabled while run 2 trains", train=False, stop=True)
    ui.wait_js("() => { const bar = document.querySelector("
               "'.gan-panel .gan-progress .progress-bar'); "
               "return bar && parseFloat(bar.style.width) > 0; }",
               timeout=RUN_MS, what="run 2's first chunk (progress above 0)")
    ui.part("stop").click()
    stopped = ui.wait_for_status(r"Run 2 \((.*?), (\d+) steps.*?\): stopped after (\d+) steps",
                                 fail_on=ended)
    assert html.unescape(stopped.group(0)).startswith(expected), stopped.group(0)
    asked, done = int(stopped.group(2)), int(stopped.group(3))
    assert asked == long_steps, stopped.group(0)
    assert 0 < done < asked, f"Stop should end the run part-way: {stopped.group(0)}"
    ui.wait_controls("Train enabled and Stop disabled after Stop", train=True, stop=False)
    picture_2 = ui.wait_image(different_from=picture_1)
    assert picture_2 != picture_1, "the picture did not change for run 2"
    ui.mark("run 2, stopped")

    # Reset puts the controls back and clears the picture
    ui.part("reset").click()
    ui.wait_for_status(r"Reset to the default settings")
    ui.wait_controls("Reset to restore the controls and clear the picture",
                     lr=lr_before_text, optimizer=current, steps=steps_default,
                     picture=False, train=True, stop=False)
    assert float(readout.inner_text()) == pytest.approx(lr_before)

    assert not ui.errors, "the browser console reported errors:\n" + "\n".join(ui.errors)
    ui.mark("reset")
