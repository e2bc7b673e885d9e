"""The training panel: learning rate, optimizer, steps, Train / Stop / Reset.

Every notebook builds one the same way::

    panel = TrainingPanel(build, draw, learning_rate=1e-3, optimizer="adam")
    panel            # shows it

``build(learning_rate=..., optimizer=..., **controls)`` returns a fresh
:class:`helpers.training.GANTrainer`; ``draw(fig, panel)`` draws the current
run (``panel.trainer``) and, if it likes, earlier ones (``panel.runs``) onto a
matplotlib Figure. Training runs in a background thread, so the kernel stays
free to take a click on Stop and the picture updates while it trains.
A value that cannot be used is refused with a message in the panel.
"""
import html
import math
import threading
import time
import traceback

import ipywidgets as W

from .optim import OPTIMIZERS
from .plots import figure_to_png
from .validation import check_learning_rate, check_positive_int

_ERROR = '<span style="color:#b00020">{}</span>'

#: After a click on Train, wait this long before reading the controls. The
#: browser holds back a slider's later values while the kernel is busy with an
#: earlier one, and a button click is not held back: read at once, the run
#: could use a value the slider has already left behind.
CLICK_SETTLE_S = 0.3


class TrainingPanel:
    """Widgets that retrain a GAN with another learning rate or optimizer."""

    def __init__(self, build, draw, *, learning_rate=1e-3, optimizer="adam", steps=1000,
                 optimizers=("sgd", "momentum", "rmsprop", "adam"), lr_range=(1e-5, 1.0),
                 max_steps=100_000, controls=None, chunk=None, redraw_every=0.5,
                 figsize=(9, 3.2), title="Train it yourself"):
        unknown = [o for o in optimizers if o not in OPTIMIZERS]
        if unknown:
            raise ValueError(f"unknown optimizer(s) {unknown}; choose from {sorted(OPTIMIZERS)}")
        if optimizer not in optimizers:
            raise ValueError(f"default optimizer {optimizer!r} is not among {list(optimizers)}")
        lo, hi = (check_learning_rate(v, "lr_range") for v in lr_range)
        check_learning_rate(learning_rate)
        if not lo <= learning_rate <= hi:
            raise ValueError(f"learning_rate {learning_rate!r} is outside lr_range {lr_range}")
        self.build = build
        self.draw = draw
        self.defaults = {"learning_rate": float(learning_rate), "optimizer": optimizer,
                         "steps": check_positive_int("steps", steps, maximum=max_steps)}
        self.controls = dict(controls or {})
        self._control_defaults = {k: w.value for k, w in self.controls.items()}
        self.chunk = chunk
        self.redraw_every = redraw_every
        self.figsize = figsize
        self.max_steps = max_steps

        self.trainer = None
        self.runs = []
        self.last_error = None
        self._thread = None
        self._run = None  # the trainer the current (or last) Train built
        self._stop_requested = False  # Stop pressed for the current run
        self._last_draw = 0.0
        self._draw_seconds = 0.0  # how long the last redraw took
        self._lock = threading.Lock()

        self.lr_slider = W.FloatLogSlider(
            value=learning_rate, base=10, min=math.log10(lo), max=math.log10(hi), step=0.1,
            description="learning rate", readout_format=".1e", continuous_update=False,
            style={"description_width": "initial"})
        self.optimizer_dropdown = W.Dropdown(
            options=[(OPTIMIZERS[o][0], o) for o in optimizers], value=optimizer,
            description="optimizer")
        self.steps_box = W.BoundedIntText(value=steps, min=1, max=max_steps, step=100,
                                          description="steps", layout=W.Layout(width="170px"))
        self.train_button = W.Button(description="Train", button_style="success", icon="play")
        self.stop_button = W.Button(description="Stop", button_style="danger", icon="stop",
                                    disabled=True)
        self.reset_button = W.Button(description="Reset", icon="undo")
        self.progress = W.IntProgress(value=0, min=0, max=steps, description="progress",
                                      layout=W.Layout(width="320px"))
        self.status = W.HTML(value="Press <b>Train</b> to start a run.")
        self.image = W.Image(format="png", layout=W.Layout(max_width="100%"))
        self.train_button.on_click(lambda _: self.train(settle=CLICK_SETTLE_S))
        self.stop_button.on_click(lambda _: self.stop())
        self.reset_button.on_click(lambda _: self.reset())

        rows = [W.HTML(f"<b>{html.escape(title)}</b>"),
                W.HBox([self.lr_slider, self.optimizer_dropdown, self.steps_box])]
        if self.controls:
            rows.append(W.HBox(list(self.controls.values())))
        rows += [W.HBox([self.train_button, self.stop_button, self.reset_button, self.progress]),
                 self.status, self.image]
        self.widget = W.VBox(rows)
        # stable CSS class names, so a browser test can find each part of the panel
        for part, w in (("panel", self.widget), ("lr", self.lr_slider),
                        ("optimizer", self.optimizer_dropdown), ("steps", self.steps_box),
                        ("train", self.train_button), ("stop", self.stop_button),
                        ("reset", self.reset_button), ("progress", self.progress),
                        ("status", self.status), ("image", self.image)):
            w.add_class(f"gan-{part}")

    # --- display ---------------------------------------------------------------
    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # --- settings --------------------------------------------------------------
    @property
    def settings(self):
        """The values the next Train will use."""
        out = {"learning_rate": float(self.lr_slider.value),
               "optimizer": self.optimizer_dropdown.value,
               "steps": int(self.steps_box.value)}
        out.update({k: w.value for k, w in self.controls.items()})
        return out

    def set(self, **values):
        """Set controls from code; a bad value leaves them as they were and
        shows why in the panel. Returns True when every value was taken."""
        try:
            checked = self._check(values)
        except ValueError as err:
            self._show_error(str(err))
            return False
        for key, value in checked.items():
            self._widget_for(key).value = value
        return True

    def _widget_for(self, key):
        return {"learning_rate": self.lr_slider, "optimizer": self.optimizer_dropdown,
                "steps": self.steps_box, **self.controls}[key]

    def _check(self, values):
        checked = {}
        for key, value in values.items():
            if key == "learning_rate":
                value = check_learning_rate(value)
                lo, hi = 10 ** self.lr_slider.min, 10 ** self.lr_slider.max
                if not lo * (1 - 1e-9) <= value <= hi * (1 + 1e-9):
                    raise ValueError(f"learning_rate must lie in [{lo:.0e}, {hi:.0e}] "
                                     f"for this panel, got {value!r}")
            elif key == "optimizer":
                names = [v for _, v in self.optimizer_dropdown.options]
                if value not in names:
                    raise ValueError(f"unknown optimizer {value!r}; choose one of {names}")
            elif key == "steps":
                value = check_positive_int("steps", value, maximum=self.max_steps)
            elif key in self.controls:
                w = self.controls[key]
                options = getattr(w, "options", None)
                if options is not None:
                    allowed = [o[1] if isinstance(o, tuple) else o for o in options]
                    if value not in allowed:
                        raise ValueError(f"{key} must be one of {allowed}, got {value!r}")
                else:
                    value = _check_control_value(key, w, value)
            else:
                raise ValueError(f"unknown setting {key!r}; the panel has "
                                 f"{['learning_rate', 'optimizer', 'steps', *self.controls]}")
            checked[key] = value
        return checked

    # --- actions ---------------------------------------------------------------
    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def train(self, wait=False, settle=0.0):
        """Start a fresh run with the current settings (in a thread).

        ``wait=True`` blocks until it ends (used by the exercises and tests).
        With ``wait=True`` returns the run's trainer, or None if the run could
        not start or its ``build`` failed; without, True once the run started.
        ``settle`` seconds pass before the settings are read (the Train button
        uses it so that a slider's last value reaches the kernel first).
        """
        with self._lock:
            if self.running:
                self.status.value = "A run is already training; press <b>Stop</b> first."
                return None
            if not settle:
                settings = self.settings
                try:
                    self._check(settings)
                except ValueError as err:
                    self._show_error(str(err))
                    return None
            self._set_running(True, self.steps_box.value)
            self._run = None
            self._stop_requested = False
            target, args = (self._settle_then_work, (settle,)) if settle else \
                (self._work, (settings,))
            self._thread = threading.Thread(target=target, args=args, daemon=True)
            self._thread.start()
        if wait:
            self.wait()
        return self._run if wait else True

    def wait(self, timeout=None):
        """Block until the current run ends."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.trainer

    def stop(self):
        """Ask the current run to stop; it keeps its history and weights."""
        if self.running:
            # remembered by the panel too: Stop may come while build() still runs
            self._stop_requested = True
            if self._run is not None:
                self._run.request_stop()
            self.status.value = "Stopping after the current chunk..."

    def reset(self):
        """Stop any run, put every control back to its default, forget the runs."""
        if self.running:
            self.stop()
            self.wait()
        self.lr_slider.value = self.defaults["learning_rate"]
        self.optimizer_dropdown.value = self.defaults["optimizer"]
        self.steps_box.value = self.defaults["steps"]
        for key, value in self._control_defaults.items():
            self.controls[key].value = value
        self.trainer = None
        self.runs = []
        self.progress.value = 0
        self.image.value = b""
        self.status.value = "Reset to the default settings. Press <b>Train</b> to start a run."

    # --- the worker thread -----------------------------------------------------
    def _set_running(self, running, steps=None):
        self.train_button.disabled = running
        self.stop_button.disabled = not running
        if steps is not None:
            self.progress.max = steps
            self.progress.value = 0

    def _describe(self, s):
        opt = dict((v, k) for k, v in self.optimizer_dropdown.options).get(s["optimizer"],
                                                                         s["optimizer"])
        extra = "".join(f", {k} {s[k]}" for k in self.controls)
        return f"{opt}, learning rate {s['learning_rate']:.1e}, {s['steps']} steps{extra}"

    def _settle_then_work(self, settle):
        time.sleep(settle)
        settings = self.settings
        try:
            self._check(settings)
        except ValueError as err:
            self._show_error(str(err))
            self._set_running(False)
            return
        self._set_running(True, settings["steps"])
        self._work(settings)

    def _work(self, settings):
        run_no = len(self.runs) + 1
        what = self._describe(settings)
        try:
            self.status.value = f"Run {run_no} ({html.escape(what)}): building..."
            build_args = {k: v for k, v in settings.items() if k != "steps"}
            trainer = self.build(**build_args)
            self.trainer = self._run = trainer
            self.status.value = f"Run {run_no} ({html.escape(what)}): training..."
            start_step = trainer.step
            panel = self

            class _Live:
                def on_train_begin(self, t):
                    if panel._stop_requested:  # Stop pressed while building
                        t.request_stop()

                def on_chunk_end(self, t, logs):
                    if panel._stop_requested:
                        t.request_stop()
                    panel.progress.value = min(panel.progress.max, t.step - start_step)
                    # a slow picture is drawn less often, so drawing takes at most
                    # about a third of the time and training the rest
                    pause = max(panel.redraw_every, 2 * panel._draw_seconds)
                    if time.perf_counter() - panel._last_draw > pause:
                        panel.redraw()

                def on_train_end(self, t):
                    pass

            trainer.train(settings["steps"], callbacks=[_Live()], chunk=self.chunk,
                          progress=False)
            self.runs.append(trainer)
            self.redraw()
            losses = ", ".join(f"{k} {trainer.history.last(k, 20):.3f}"
                               for k in ("d_loss", "g_loss") if k in trainer.history)
            note = f" {html.escape(trainer.message)}" if trainer.message else ""
            color = "#b00020" if trainer.status == "diverged" else "inherit"
            self.status.value = (
                f'<span style="color:{color}">Run {run_no} ({html.escape(what)}): '
                f"{trainer.status} after {trainer.step - start_step} steps in "
                f"{trainer.elapsed:.1f} s; {losses}.{note}</span>")
        except Exception as err:  # shown in the panel, kept for inspection
            self.last_error = traceback.format_exc()
            self._show_error(f"Run {run_no} ({what}) failed: {err}")
        finally:
            self._set_running(False)

    def _show_error(self, text):
        self.status.value = _ERROR.format(html.escape(text))

    def redraw(self):
        """Draw the current state into the panel's picture."""
        from matplotlib.figure import Figure

        if self.trainer is None:
            return
        start = time.perf_counter()
        fig = Figure(figsize=self.figsize)
        self.draw(fig, self)
        self.image.value = figure_to_png(fig)
        self._last_draw = time.perf_counter()
        self._draw_seconds = self._last_draw - start


def _check_control_value(key, widget, value):
    """Refuse a value an extra control (slider, checkbox, text) cannot hold,
    instead of letting the widget clamp it or raise a TraitError."""
    import numbers

    from traitlets import TraitError

    low, high = getattr(widget, "min", None), getattr(widget, "max", None)
    if isinstance(widget, W.FloatLogSlider):  # its min and max are exponents
        low, high = widget.base ** low, widget.base ** high
    if (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and low is not None and high is not None and not low <= value <= high):
        raise ValueError(f"{key} must lie in [{low}, {high}], got {value!r}")
    try:
        return widget.traits()["value"].validate(widget, value)
    except TraitError:
        kind = type(widget.value).__name__
        raise ValueError(f"{key} must be a {kind} like {widget.value!r}, "
                         f"got {value!r}") from None
