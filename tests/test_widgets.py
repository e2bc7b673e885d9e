"""The kernel side of helpers.widgets.TrainingPanel, driven from code.

The browser side (that the same controls render and respond in JupyterLab)
is tests/test_browser.py. Here a tiny 1-D GAN (a 4-unit generator against an
8-unit discriminator on N(4, 0.5)) stands behind the panel, so every run takes
a fraction of a second.
"""
import html
import threading
import time

import ipywidgets as W
import keras
import numpy as np
import pytest

from helpers.data import GaussianSampler, NoiseSampler
from helpers.experiments.gaussian1d import discriminator, generator
from helpers.training import GANTrainer
from helpers.widgets import TrainingPanel

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ERROR_COLOR = "#b00020"


class Builder:
    """A panel's ``build``: records every call and every trainer it returns."""

    def __init__(self, gate=None):
        self.calls = []
        self.trainers = []
        self.initial_weights = []
        self.gate = gate  # an Event build() waits for, to hold a run in "building"

    def __call__(self, learning_rate, optimizer, loss="non_saturating", hidden=4):
        self.calls.append({"learning_rate": learning_rate, "optimizer": optimizer,
                           "loss": loss, "hidden": hidden})
        if self.gate is not None:
            assert self.gate.wait(30), "the test never released build()"
        trainer = GANTrainer(generator(hidden, init_stddev=1.0),
                             discriminator(8, minibatch=False, init_stddev=1.0),
                             GaussianSampler(4.0, 0.5), NoiseSampler(1), loss=loss,
                             optimizer=optimizer, learning_rate=learning_rate,
                             batch_size=32, seed=0)
        self.initial_weights.append([w.numpy().copy() for w in trainer.generator.weights])
        self.trainers.append(trainer)
        return trainer


def draw(fig, panel):
    """A histogram of the current run's samples, like the 1-D notebook draws."""
    ax = fig.subplots()
    x = panel.trainer.generate(256, seed=1)[:, 0]
    ax.hist(x, bins=30, range=(-2, 10))
    ax.set_title(f"run {len(panel.runs)}, step {panel.trainer.step}")


DEFAULTS = {"learning_rate": 1e-3, "optimizer": "adam", "steps": 40,
            "loss": "non_saturating", "hidden": 4}


@pytest.fixture
def make_panel():
    """Build panels with two extra controls; any run left going is stopped after the test."""
    panels = []

    def make(build=None, draw_fn=draw, **kwargs):
        controls = {
            "loss": W.Dropdown(options=["non_saturating", "least_squares"],
                               value="non_saturating", description="loss"),
            "hidden": W.IntSlider(value=4, min=2, max=16, description="hidden"),
        }
        options = dict(learning_rate=1e-3, optimizer="adam", steps=40,
                       optimizers=("sgd", "momentum", "rmsprop", "adam"), chunk=20,
                       redraw_every=0.0, figsize=(3, 2), controls=controls)
        options.update(kwargs)
        panel = TrainingPanel(build or Builder(), draw_fn, **options)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.stop()
        panel.wait(60)
        assert not panel.running, "a panel run did not stop within 60 s"


def status_text(panel):
    return html.unescape(panel.status.value)


def png(panel):
    """The panel's picture as bytes (ipywidgets keeps it as a memoryview)."""
    return bytes(panel.image.value)


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


# --- settings ------------------------------------------------------------------

def test_widget_values_set_what_the_next_run_is_built_with(make_panel):
    builder = Builder()
    panel = make_panel(builder)
    assert panel.settings == DEFAULTS

    # what a click on each control does in the browser: the widget's value changes
    panel.lr_slider.value = 3e-3
    panel.optimizer_dropdown.value = "rmsprop"
    panel.steps_box.value = 30
    panel.controls["loss"].value = "least_squares"
    panel.controls["hidden"].value = 6
    assert panel.settings == {"learning_rate": pytest.approx(3e-3), "optimizer": "rmsprop",
                              "steps": 30, "loss": "least_squares", "hidden": 6}
    assert builder.calls == [], "changing a control must not start a run"

    trainer = panel.train(wait=True)
    assert builder.calls == [{"learning_rate": pytest.approx(3e-3), "optimizer": "rmsprop",
                              "loss": "least_squares", "hidden": 6}]
    assert trainer is builder.trainers[0] is panel.trainer
    assert isinstance(trainer.g_optimizer, keras.optimizers.RMSprop)
    assert float(trainer.g_optimizer.learning_rate) == pytest.approx(3e-3)
    assert trainer.loss.name == "least_squares"
    assert trainer.generator.layers[0].units == 6
    assert (trainer.status, trainer.step) == ("finished", 30)
    text = status_text(panel)
    assert "RMSprop, learning rate 3.0e-03, 30 steps, loss least_squares, hidden 6" in text
    assert "finished after 30 steps" in text


def test_set_takes_good_values(make_panel):
    panel = make_panel()
    assert panel.set(learning_rate=0.01, optimizer="sgd", steps=7, loss="least_squares",
                     hidden=8) is True
    assert panel.lr_slider.value == pytest.approx(0.01)
    assert panel.optimizer_dropdown.value == "sgd"
    assert panel.steps_box.value == 7
    assert panel.controls["loss"].value == "least_squares"
    assert panel.controls["hidden"].value == 8


@pytest.mark.parametrize("bad, named", [
    ({"learning_rate": 0}, "0"),
    ({"learning_rate": 2.0}, "2.0"),
    ({"learning_rate": 1e-7}, "1e-07"),          # outside this panel's slider
    ({"learning_rate": float("nan")}, "nan"),
    ({"learning_rate": "fast"}, "'fast'"),
    ({"optimizer": "adagrad"}, "'adagrad'"),
    ({"optimizer": "adam_gan"}, "'adam_gan'"),   # known to helpers.optim, not offered here
    ({"steps": 0}, "0"),
    ({"steps": 2.5}, "2.5"),
    ({"steps": 10 ** 9}, str(10 ** 9)),
    ({"loss": "hinge"}, "'hinge'"),
    ({"hidden": 100}, "100"),                    # the slider would clamp it silently
    ({"hidden": "wide"}, "'wide'"),              # the slider would raise a TraitError
    ({"colour": "red"}, "'colour'"),
    # one bad value among good ones: none of them is taken
    ({"learning_rate": 0.01, "steps": 7, "optimizer": "adagrad"}, "'adagrad'"),
])
def test_set_refuses_bad_values_in_the_status(make_panel, bad, named):
    builder = Builder()
    panel = make_panel(builder)
    before = panel.settings

    assert panel.set(**bad) is False  # no exception: the message goes to the panel

    assert panel.settings == before
    text = status_text(panel)
    assert ERROR_COLOR in panel.status.value
    assert named in text, f"the message should name the bad value: {text}"
    assert any(key in text for key in bad), f"the message should name the setting: {text}"
    assert builder.calls == []


def test_constructor_refuses_bad_arguments():
    with pytest.raises(ValueError, match="adagrad"):
        TrainingPanel(Builder(), draw, optimizers=("adam", "adagrad"))
    with pytest.raises(ValueError, match="'sgd' is not among"):
        TrainingPanel(Builder(), draw, optimizer="sgd", optimizers=("adam",))
    with pytest.raises(ValueError, match="outside lr_range"):
        TrainingPanel(Builder(), draw, learning_rate=0.5, lr_range=(1e-4, 1e-1))
    with pytest.raises(ValueError, match="steps"):
        TrainingPanel(Builder(), draw, steps=0)


# --- Train, Stop, Reset ----------------------------------------------------------

def test_train_builds_a_fresh_run_and_redraws_the_image(make_panel):
    builder = Builder()
    drawn = []

    def recording_draw(fig, panel):
        drawn.append((panel.trainer, panel.trainer.step))
        draw(fig, panel)

    panel = make_panel(builder, recording_draw)
    assert png(panel) == b""

    panel.train_button.click()
    first = panel.wait(60)
    assert not panel.running
    assert first is builder.trainers[0] and (first.status, first.step) == ("finished", 40)
    assert drawn and drawn[-1] == (first, 40), "the picture must show the end of the run"
    first_png = png(panel)
    assert first_png.startswith(PNG_MAGIC)
    assert panel.progress.value == 40
    assert (panel.train_button.disabled, panel.stop_button.disabled) == (False, True)

    assert panel.set(learning_rate=0.01)
    panel.train_button.click()
    second = panel.wait(60)
    assert second is builder.trainers[1] and second is not first
    assert second.generator is not first.generator
    assert second.step == 40, "a new run starts from step 0, not where the last one ended"
    assert first.step == 40, "the earlier run is left as it was"
    assert panel.runs == [first, second]
    assert drawn[-1] == (second, 40)
    assert png(panel).startswith(PNG_MAGIC) and png(panel) != first_png
    assert "Run 2 (Adam, learning rate 1.0e-02, 40 steps" in status_text(panel)


def test_a_slow_picture_is_drawn_less_often(make_panel):
    calls = []

    def slow_draw(fig, panel):
        calls.append(panel.trainer.step)
        time.sleep(0.2)
        draw(fig, panel)

    # 80 chunks and no minimum pause: drawing after every chunk would take 16 s
    panel = make_panel(Builder(), slow_draw, steps=400, chunk=5, redraw_every=0.0)
    trainer = panel.train(wait=True)
    assert (trainer.status, trainer.step) == ("finished", 400)
    assert calls[0] == 5 and calls[-1] == 400, "the first chunk and the end are drawn"
    assert len(calls) <= 20, f"drew {len(calls)} times in 80 chunks; drawing should pause " \
                             "for twice as long as a picture takes"


def test_stop_mid_run_keeps_history_and_weights(make_panel):
    builder = Builder()
    panel = make_panel(builder, steps=100_000)
    panel.train_button.click()
    assert panel.running and not panel.stop_button.disabled and panel.train_button.disabled
    wait_for(lambda: builder.trainers and builder.trainers[0].step >= 60,
             what="the run to pass step 60")

    assert panel.train() is None, "a second Train while one runs must be refused"
    assert "already training" in status_text(panel)
    assert len(builder.calls) == 1

    panel.stop_button.click()
    trainer = panel.wait(60)
    assert not panel.running, "Stop did not end the run within 60 s"
    assert trainer.status == "stopped"
    assert 60 <= trainer.step < 100_000
    assert len(trainer.history["d_loss"]) == trainer.step
    assert np.all(np.isfinite(trainer.history["g_loss"]))
    trained = [w.numpy() for w in trainer.generator.weights]
    assert any(not np.array_equal(now, start)
               for now, start in zip(trained, builder.initial_weights[0])), \
        "the stopped run's generator should keep its trained weights"
    assert panel.runs == [trainer] and panel.trainer is trainer
    assert f"stopped after {trainer.step} steps" in status_text(panel)
    assert png(panel).startswith(PNG_MAGIC)
    assert (panel.train_button.disabled, panel.stop_button.disabled) == (False, True)

    # the stopped run can be looked at and trained on by hand, as a learner would
    trainer.train(20, progress=False)
    assert trainer.step == len(trainer.history["d_loss"])


def test_stop_while_the_run_is_still_building(make_panel):
    gate = threading.Event()
    builder = Builder(gate=gate)
    panel = make_panel(builder, steps=2_000)
    panel.train()
    wait_for(lambda: "building" in status_text(panel), what="the run to start building")
    panel.stop()
    gate.set()
    trainer = panel.wait(60)
    assert not panel.running
    assert trainer.status == "stopped" and trainer.step == 0, \
        "a Stop pressed while build() runs must still stop the run"
    assert "stopped after 0 steps" in status_text(panel)


def test_reset_restores_the_defaults_and_forgets_the_runs(make_panel):
    builder = Builder()
    panel = make_panel(builder)
    assert panel.set(learning_rate=0.01, optimizer="sgd", steps=25, loss="least_squares",
                     hidden=8)
    panel.train(wait=True)
    assert panel.runs and png(panel).startswith(PNG_MAGIC)

    panel.reset_button.click()
    assert panel.settings == DEFAULTS
    assert panel.runs == [] and panel.trainer is None
    assert png(panel) == b"" and panel.progress.value == 0
    assert "Reset" in status_text(panel)

    # Reset during a run stops it first
    panel.set(steps=100_000)
    panel.train()
    wait_for(lambda: len(builder.trainers) == 2 and builder.trainers[1].step > 0,
             what="the second run to start")
    panel.reset()
    assert not panel.running
    assert builder.trainers[1].status == "stopped"
    assert panel.settings == DEFAULTS and panel.runs == [] and panel.trainer is None


# --- failures shown in the panel --------------------------------------------------

def test_an_exception_in_build_shows_in_the_status(make_panel):
    def broken_build(**settings):
        raise ValueError("hidden must be even, got 5")

    panel = make_panel(broken_build)
    assert panel.train(wait=True) is None
    text = status_text(panel)
    assert ERROR_COLOR in panel.status.value
    assert "Run 1 (Adam, learning rate 1.0e-03, 40 steps" in text
    assert "failed: hidden must be even, got 5" in text
    assert "Traceback" in panel.last_error and "ValueError" in panel.last_error
    assert not panel.running and panel.runs == [] and panel.trainer is None
    assert (panel.train_button.disabled, panel.stop_button.disabled) == (False, True)


def test_an_exception_in_draw_shows_in_the_status(make_panel):
    def broken_draw(fig, panel):
        raise RuntimeError("no axes for the critic")

    panel = make_panel(Builder(), broken_draw)
    panel.train(wait=True)
    assert "failed: no axes for the critic" in status_text(panel)
    assert not panel.running
    assert (panel.train_button.disabled, panel.stop_button.disabled) == (False, True)


def test_a_diverging_run_shows_its_message(make_panel, capsys):
    builder = Builder()
    panel = make_panel(builder, steps=200)
    # plain SGD at learning rate 1 on the least-squares loss blows up within a few dozen steps
    assert panel.set(learning_rate=1.0, optimizer="sgd", loss="least_squares")
    trainer = panel.train(wait=True)
    assert trainer.status == "diverged", trainer
    assert trainer.step < 200
    text = status_text(panel)
    assert ERROR_COLOR in panel.status.value
    assert f"diverged after {trainer.step} steps" in text
    assert trainer.message and trainer.message in text
    assert "Try a smaller learning rate" in text
    assert all(np.all(np.isfinite(w.numpy())) for w in trainer.generator.weights), \
        "the last finite weights should have been restored"
    assert png(panel).startswith(PNG_MAGIC), "the diverged run is still drawn"
    assert not panel.running and panel.runs == [trainer]


def test_train_button_reads_a_slider_value_that_arrives_just_after_the_click(make_panel):
    """The browser may deliver the slider's last value after the click on Train;
    the button waits a moment before it reads the controls."""
    build = Builder()
    panel = make_panel(build)
    panel.train_button.click()
    panel.lr_slider.value = 3.2e-3  # lands while the click is settling
    panel.optimizer_dropdown.value = "rmsprop"
    panel.wait()
    assert build.calls[-1]["learning_rate"] == pytest.approx(3.2e-3)
    assert build.calls[-1]["optimizer"] == "rmsprop"
    assert "RMSprop" in panel.status.value and "3.2e-03" in panel.status.value


def test_a_value_set_after_the_click_that_build_refuses_is_reported_in_the_panel(make_panel):
    build = Builder()
    panel = make_panel(build)
    panel.train_button.click()
    panel.controls["loss"].options = ["hinge"]  # arrives while settling; build cannot take it
    panel.wait()
    assert build.calls[-1]["loss"] == "hinge"
    assert "unknown loss 'hinge'" in status_text(panel)
    assert not panel.running and not panel.train_button.disabled
