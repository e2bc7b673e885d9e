"""Progress bars that leave nothing stale behind.

In a terminal this is tqdm on stderr, erased when it finishes. In Jupyter it is
tqdm's widget bar, shown under a display id and replaced by an empty output when
it finishes, so a saved notebook does not keep a frozen "0%" bar (the text a
closed widget falls back to) where the training cell ran.
"""
import sys


def _in_notebook():
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:  # pragma: no cover - a very old IPython
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


class ProgressBar:
    """``with ProgressBar(total, desc) as bar: bar.update(n)``; nothing remains after."""

    def __init__(self, total, desc="", enabled=True):
        self.total = total
        self.desc = desc
        self._bar = None
        self._handle = None
        if not enabled:
            return
        try:
            if _in_notebook():
                from IPython.display import display
                from tqdm.notebook import tqdm as notebook_tqdm

                self._bar = notebook_tqdm(total=total, desc=desc, leave=False, display=False)
                self._handle = display(self._bar.container, display_id=True)
            else:
                from tqdm import tqdm

                self._bar = tqdm(total=total, desc=desc, leave=False, file=sys.stderr,
                                 disable=None)  # None: no bar when stderr is not a terminal
        except ImportError:  # widgets missing: fall back to the text bar
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, leave=False, file=sys.stderr, disable=None)

    def update(self, n=1):
        if self._bar is not None:
            self._bar.update(n)

    def close(self):
        if self._bar is None:
            return
        bar, self._bar = self._bar, None
        if self._handle is not None:
            bar.disp(close=True, check_delay=False)  # hide the widget ...
            bar.disable = True  # ... and keep tqdm from redrawing it as "failed"
            self._handle.update({"text/plain": ""}, raw=True)
            self._handle = None
        bar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def progress(iterable, desc="", total=None, enabled=True):
    """Iterate over ``iterable`` behind a :class:`ProgressBar`."""
    if total is None:
        try:
            total = len(iterable)
        except TypeError:
            total = None
    with ProgressBar(total, desc, enabled) as bar:
        for item in iterable:
            yield item
            bar.update(1)
