"""The GAN trainer every notebook uses.

One discriminator update (or ``d_steps`` of them, for a WGAN critic) and one
generator update make a *step*. Steps run inside a compiled ``tf.function`` in
chunks, so Python is visited only between chunks: that is where callbacks draw,
the history grows, a Stop request is honoured and the run is checked for NaN.

A run that diverges (a loss or a weight turns NaN or infinite) stops with a
message, keeps its history up to the last finite step, and restores the weights
it had at the last check that was still finite.
"""
import math
import time

import numpy as np
import tensorflow as tf

from .data import Sampler, make_rng
from .devices import scope
from .losses import get_loss, gradient_penalty, r1_penalty
from .losses import source_output as _source
from .optim import make_optimizer
from .progress import ProgressBar
from .validation import check_positive_int, check_learning_rate, check_positive_number


MAX_STEPS = 10_000_000


class TrainingDiverged(RuntimeError):
    """Raised (with ``on_nan="raise"``) when a loss or weight became NaN/inf."""


class History:
    """Per-step records of a run: ``history["d_loss"]`` is a NumPy array."""

    def __init__(self):
        self._chunks = {}
        self._cache = {}
        self.steps = 0

    def extend(self, logs):
        lengths = {len(v) for v in logs.values()}
        if len(lengths) != 1:
            raise ValueError(f"history columns of unequal length: {lengths}")
        n = lengths.pop()
        for key, values in logs.items():
            if key not in self._chunks:  # a column that starts late is padded
                self._chunks[key] = [np.full(self.steps, np.nan, np.float32)]
            self._chunks[key].append(np.asarray(values, np.float32))
        for key in self._chunks:
            if key not in logs:
                self._chunks[key].append(np.full(n, np.nan, np.float32))
        self.steps += n
        self._cache.clear()

    def __getitem__(self, key):
        if key not in self._chunks:
            raise KeyError(f"no column {key!r} in the history; columns: {self.keys()}")
        if key not in self._cache:
            self._cache[key] = np.concatenate(self._chunks[key])
        return self._cache[key]

    def __contains__(self, key):
        return key in self._chunks

    def __len__(self):
        return self.steps

    def keys(self):
        return list(self._chunks)

    def last(self, key, n=1):
        """Mean of the last ``n`` recorded values of a column."""
        values = self[key]
        return float(np.mean(values[-n:])) if len(values) else float("nan")

    def to_frame(self):
        import pandas as pd

        frame = pd.DataFrame({k: self[k] for k in self.keys()})
        frame.index = np.arange(1, len(frame) + 1)
        frame.index.name = "step"
        return frame

    def __repr__(self):
        return f"History(steps={self.steps}, columns={self.keys()})"


class Callback:
    """Hooks a notebook uses to draw or record while a run trains."""

    def on_train_begin(self, trainer):
        pass

    def on_chunk_end(self, trainer, logs):
        """Called after each compiled chunk; ``logs`` holds the last values."""

    def on_train_end(self, trainer):
        pass


class LambdaCallback(Callback):
    """Call ``fn(trainer, logs)`` at most once every ``every`` steps."""

    def __init__(self, fn, every=1):
        self.fn = fn
        self.every = check_positive_int("every", every)
        self._next = 0

    def on_train_begin(self, trainer):
        self._next = trainer.step + self.every

    def on_chunk_end(self, trainer, logs):
        if trainer.step >= self._next:
            self._next = trainer.step + self.every
            self.fn(trainer, logs)


class FrameRecorder(Callback):
    """Record ``fn(trainer)`` every ``every`` steps (frames for an animation)."""

    def __init__(self, fn, every=50):
        self.fn = fn
        self.every = check_positive_int("every", every)
        self.frames = []
        self.steps = []

    def _grab(self, trainer):
        self.frames.append(self.fn(trainer))
        self.steps.append(trainer.step)

    def on_train_begin(self, trainer):
        if not self.steps or self.steps[-1] != trainer.step:
            self._grab(trainer)

    def on_chunk_end(self, trainer, logs):
        if trainer.step - self.steps[-1] >= self.every:
            self._grab(trainer)

    def on_train_end(self, trainer):
        if self.steps[-1] != trainer.step:
            self._grab(trainer)


def _takes_labels(model):
    inputs = getattr(model, "inputs", None)
    return inputs is not None and len(inputs) == 2


def _feature_shape(model, attr):
    """Shape (without the batch axis) of a model's first input or output, if known."""
    tensors = getattr(model, attr, None)
    if not tensors:
        return None
    try:
        return tuple(tensors[0].shape[1:])
    except (AttributeError, TypeError):
        return None




class GANTrainer:
    """Train a generator against a discriminator with a compiled step.

    Parameters
    ----------
    generator, discriminator : keras.Model
        The discriminator returns a logit (or a critic score, for WGAN); it may
        also return class logits as a second output (ACGAN). A model with two
        inputs takes class labels as its second input (CGAN, ACGAN's G).
    data, noise : helpers.data.Sampler
        Where real batches and the generator's noise come from.
    loss : str or loss object
        ``"minimax"``, ``"non_saturating"``, ``"wasserstein"``, ``"wasserstein_gp"``,
        ``"least_squares"``, ``"acgan"``
        or any object with ``discriminator()`` and ``generator()`` methods.
    optimizer, learning_rate : the generator's (and, by default, the discriminator's)
    d_optimizer, d_learning_rate : override them for the discriminator
    batch_size : examples per update, at most the size of the data
    d_steps : discriminator (critic) updates per generator update
    clip_value : clip every discriminator weight to [-c, c] after each update
    decay_every, decay_rate : staircase learning-rate decay (the 1-D chapter)
    on_nan : ``"stop"`` (message, keep history, restore weights) or ``"raise"``
    seed : seeds the noise and data draws of this run
    ema_decay : keep an exponential moving average of the generator's weights,
        ``ema = decay * ema + (1 - decay) * weights`` after every generator
        update, in a copy of the generator (``ema_generator``) that
        :meth:`generate` then draws from. Averaging over the last
        ``1 / (1 - decay)`` updates smooths out the generator's step-to-step
        wobble around the equilibrium; None (default) keeps no average.
    r1_weight : add ``r1_weight / 2 * E[||grad_x D(x)||^2]`` over the real batch
        to the discriminator's loss (:func:`helpers.losses.r1_penalty`); the
        history then also holds ``r1_penalty``. None (default): no penalty.
    strategy : a ``tf.distribute`` strategy (e.g. ``MirroredStrategy``) to
        spread each step over several devices; the two models must have been
        built inside ``strategy.scope()``. Each of the N replicas draws
        ``batch_size / N`` examples and noise vectors, the gradients are summed
        over the replicas (each replica's loss is divided by N, so the update
        is that of the mean loss over the whole batch) and the logged losses
        are averaged. None (default): one device, the one TensorFlow picks.
    """

    def __init__(self, generator, discriminator, data, noise, *, loss="non_saturating",
                 optimizer="adam", learning_rate=1e-3, d_optimizer=None,
                 d_learning_rate=None, batch_size=64, d_steps=1, clip_value=None,
                 decay_every=None, decay_rate=None, on_nan="stop", seed=0,
                 conditional=None, ema_decay=None, strategy=None, r1_weight=None):
        if not isinstance(data, Sampler) or not isinstance(noise, Sampler):
            raise ValueError("data and noise must be helpers.data samplers")
        self.strategy = strategy
        self.replicas = 1 if strategy is None else int(strategy.num_replicas_in_sync)
        if strategy is not None:
            _check_built_in_scope(strategy, generator, discriminator)
        self.generator = generator
        self.discriminator = discriminator
        self.data = data
        self.noise = noise
        self.loss = get_loss(loss)
        self.batch_size = check_positive_int("batch_size", batch_size)
        if data.size is not None and self.batch_size > data.size:
            raise ValueError(
                f"batch_size {batch_size} is larger than the data ({data.size} examples); "
                f"use a batch_size between 1 and {data.size}")
        if self.batch_size % self.replicas:
            raise ValueError(f"batch_size {batch_size} cannot be split over {self.replicas} "
                             f"devices; use a multiple of {self.replicas}")
        self.replica_batch = self.batch_size // self.replicas
        self.d_steps = check_positive_int("d_steps", d_steps, maximum=100)
        if clip_value is not None and not (math.isfinite(clip_value) and clip_value > 0):
            raise ValueError(f"clip_value must be a positive number or None, got {clip_value!r}")
        self.clip_value = clip_value
        if on_nan not in ("stop", "raise"):
            raise ValueError(f"on_nan must be 'stop' or 'raise', got {on_nan!r}")
        self.on_nan = on_nan
        self.seed = seed
        self.ema_decay = _check_ema_decay(ema_decay)
        self.r1_weight = (None if r1_weight is None
                          else check_positive_number("r1_weight", r1_weight))
        self.learning_rate = check_learning_rate(learning_rate)
        self.d_learning_rate = check_learning_rate(
            learning_rate if d_learning_rate is None else d_learning_rate, "d_learning_rate")
        with scope(self.strategy):
            self._make_state(generator, discriminator, optimizer, d_optimizer, decay_every,
                             decay_rate, data, conditional)
        self._check_shapes()
        self.history = History()
        self.status = "new"
        self.message = ""
        self.good_step = 0
        self.stop_requested = False
        self.elapsed = 0.0
        self._chunk_fn = tf.function(
            self._chunk, input_signature=[tf.TensorSpec([], tf.int32)], reduce_retracing=True)

    def _make_state(self, generator, discriminator, optimizer, d_optimizer, decay_every,
                    decay_rate, data, conditional):
        """The variables a run adds to its models (optimizers, average, random
        state), created under the strategy's scope when there is one."""
        self.ema_generator = None
        if self.ema_decay is not None:
            import keras

            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.optimizer_name = optimizer if isinstance(optimizer, str) else type(optimizer).__name__
        self.g_optimizer = make_optimizer(optimizer, self.learning_rate, decay_every, decay_rate)
        self.d_optimizer = make_optimizer(
            optimizer if d_optimizer is None else d_optimizer,
            self.d_learning_rate, decay_every, decay_rate)
        if self.g_optimizer is self.d_optimizer:
            raise ValueError("the generator and the discriminator need two optimizer objects")

        if conditional is None:
            self.g_takes_labels = _takes_labels(generator)
            self.d_takes_labels = _takes_labels(discriminator)
        else:
            self.g_takes_labels = self.d_takes_labels = bool(conditional)
        self.num_classes = data.num_classes
        if (self.g_takes_labels or self.d_takes_labels) and not self.num_classes:
            raise ValueError("a model takes class labels but the data sampler has none")

        self.rng = make_rng(self.seed)
        self.g_optimizer.build(generator.trainable_variables)
        self.d_optimizer.build(discriminator.trainable_variables)

    def _check_shapes(self):
        """Refuse samplers and models that do not fit together, before tracing."""
        rng = make_rng(0)
        real = self.data.sample(2, rng)
        x = real[0] if isinstance(real, tuple) else real
        z = self.noise.sample(2, rng)
        pairs = [("the noise sampler's samples", z.shape[1:], "the generator's input",
                  _feature_shape(self.generator, "inputs")),
                 ("the data sampler's samples", x.shape[1:], "the discriminator's input",
                  _feature_shape(self.discriminator, "inputs")),
                 ("the generator's output", _feature_shape(self.generator, "outputs"),
                  "the discriminator's input", _feature_shape(self.discriminator, "inputs"))]
        for what, shape, where, expected in pairs:
            if shape is None or expected is None:
                continue
            shape = tuple(shape)
            if len(shape) != len(expected) or any(
                    e is not None and s is not None and e != s for s, e in zip(shape, expected)):
                raise ValueError(f"wrong sample shape: {what} have shape {shape} but "
                                 f"{where} expects {expected}")

    # --- the compiled part ---------------------------------------------------
    def _fake_labels(self):
        return self.rng.uniform((self.replica_batch,), 0, self.num_classes, dtype=tf.int32)

    def _generate(self, z, labels, training):
        if self.g_takes_labels:
            return self.generator([z, labels], training=training)
        return self.generator(z, training=training)

    def _discriminate(self, x, labels, training):
        if self.d_takes_labels:
            return self.discriminator([x, labels], training=training)
        return self.discriminator(x, training=training)

    def _probability(self, out):
        out = tf.cast(_source(out), tf.float32)
        return tf.reduce_mean(tf.sigmoid(out) if self.loss.uses_sigmoid else out)

    def _d_update(self):
        real = self.data.sample(self.replica_batch, self.rng)
        x_real, y_real = real if isinstance(real, tuple) else (real, None)
        y_fake = self._fake_labels() if self.num_classes else None
        z = self.noise.sample(self.replica_batch, self.rng)
        # G only supplies inputs here: its weights are not in this tape's sources.
        x_fake = self._generate(z, y_fake, training=True)
        d_vars = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            if self.r1_weight is None:
                real_out = self._discriminate(x_real, y_real, training=True)
            else:
                r1, real_out = r1_penalty(
                    lambda x: self._discriminate(x, y_real, training=True), x_real)
            fake_out = self._discriminate(x_fake, y_fake, training=True)
            logs = dict(self.loss.discriminator(real_out, fake_out, y_real, y_fake))
            if self.r1_weight is not None:
                logs["r1_penalty"] = r1
                logs["d_loss"] = logs["d_loss"] + 0.5 * self.r1_weight * r1
            penalty_weight = getattr(self.loss, "penalty_weight", None)
            if penalty_weight:
                # one mixing weight per example, broadcast over its other axes
                eps = self.rng.uniform([self.replica_batch] + [1] * (len(x_real.shape) - 1))
                penalty = gradient_penalty(
                    lambda x: _source(self._discriminate(x, y_real, training=True)),
                    x_real, x_fake, eps)
                logs["w_estimate"] = -logs["d_loss"]
                logs["gradient_penalty"] = penalty
                logs["d_loss"] = logs["d_loss"] + penalty_weight * penalty
            share = self._replica_share(logs["d_loss"])
        grads = tape.gradient(share, d_vars)
        self.d_optimizer.apply_gradients(zip(grads, d_vars))
        if self.clip_value is not None:
            for w in d_vars:
                w.assign(tf.clip_by_value(w, -self.clip_value, self.clip_value))
        logs["d_real"] = self._probability(real_out)
        logs["d_fake"] = self._probability(fake_out)
        return logs

    def _g_update(self):
        y_fake = self._fake_labels() if self.num_classes else None
        z = self.noise.sample(self.replica_batch, self.rng)
        g_vars = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            x_fake = self._generate(z, y_fake, training=True)
            # D is only evaluated here: its weights are not in this tape's sources.
            fake_out = self._discriminate(x_fake, y_fake, training=True)
            logs = dict(self.loss.generator(fake_out, y_fake))
            share = self._replica_share(logs["g_loss"])
        grads = tape.gradient(share, g_vars)
        self.g_optimizer.apply_gradients(zip(grads, g_vars))
        if self.ema_generator is not None:
            d = self.ema_decay
            for average, w in zip(self.ema_generator.weights, self.generator.weights):
                average.assign(d * average + (1.0 - d) * w)
        return logs

    def _replica_share(self, loss):
        """The part of ``loss`` whose gradient one replica contributes: the
        optimizer sums the replicas' gradients, so each takes 1/N of its loss.
        Computed inside the tape: a division made after it is not recorded."""
        return loss if self.replicas == 1 else loss / self.replicas

    def _replica_step(self):
        for _ in range(self.d_steps):
            d_logs = self._d_update()
        g_logs = self._g_update()
        logs = {**d_logs, **g_logs}
        return {k: tf.cast(v, tf.float32) for k, v in logs.items()}

    def _step(self):
        if self.strategy is None:
            return self._replica_step()
        per_replica = self.strategy.run(self._replica_step)
        return {k: self.strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None)
                for k, v in per_replica.items()}

    def _chunk(self, n):
        first = self._step()
        arrays = {k: tf.TensorArray(tf.float32, size=n).write(0, v) for k, v in first.items()}
        for i in tf.range(1, n):
            logs = self._step()
            arrays = {k: arrays[k].write(i, logs[k]) for k in arrays}
        return {k: a.stack() for k, a in arrays.items()}

    # --- the Python part -----------------------------------------------------
    @property
    def step(self):
        """Number of steps recorded so far."""
        return self.history.steps

    def _variables(self):
        ema = list(self.ema_generator.weights) if self.ema_generator is not None else []
        return (list(self.generator.weights) + list(self.discriminator.weights)
                + list(self.g_optimizer.variables) + list(self.d_optimizer.variables) + ema)

    def snapshot(self):
        """A copy of every weight (models and optimizers)."""
        return [v.numpy() for v in self._variables()]

    def restore(self, snapshot):
        variables = self._variables()
        if len(snapshot) != len(variables):
            raise ValueError("snapshot does not belong to this trainer")
        for v, value in zip(variables, snapshot):
            v.assign(value)

    def save_state(self, path):
        """Write everything a run needs to go on later to ``path`` (``.npz``):
        the weights of both models and both optimizers (and the average, if
        any), the random generator's state, the history and the step count.
        The file is written beside ``path`` first and then moved into place,
        so an interrupted save leaves the previous file intact.
        """
        import os

        path = os.fspath(path)
        if not path.endswith(".npz"):
            raise ValueError(f"training-state files end in '.npz', got {path!r}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        arrays = {f"var_{i}": v for i, v in enumerate(self.snapshot())}
        arrays["rng_state"] = self.rng.state.numpy()
        arrays["meta"] = np.array([self.history.steps, self.good_step, self.elapsed], np.float64)
        columns = self.history.keys()
        arrays["columns"] = np.array(columns, dtype=str)
        for i, key in enumerate(columns):
            arrays[f"history_{i}"] = self.history[key]
        tmp = path[:-len(".npz")] + ".partial.npz"
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
        return path

    def load_state(self, path):
        """Go on from a file written by :meth:`save_state`.

        A missing file raises FileNotFoundError; a file from another network
        (other layers, other widths, another optimizer) raises ValueError
        before anything changes, so this trainer keeps what it had.
        """
        import os

        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no training state at {path!r}: nothing to resume")
        with np.load(path) as f:
            data = {k: f[k] for k in f.files}
        variables = self._variables()
        saved = sorted((k for k in data if k.startswith("var_")), key=lambda k: int(k[4:]))
        if len(saved) != len(variables):
            raise ValueError(f"{path!r} holds {len(saved)} weights, this trainer has "
                             f"{len(variables)}: it was saved by another network or optimizer")
        for k, v in zip(saved, variables):
            if tuple(data[k].shape) != tuple(v.shape):
                raise ValueError(f"{path!r} does not fit this trainer: weight {v.name!r} has "
                                 f"shape {tuple(v.shape)}, the file {tuple(data[k].shape)}")
        self.restore([data[k] for k in saved])
        self.rng.reset(data["rng_state"])
        steps, good_step, elapsed = data["meta"]
        self.history = History()
        columns = [str(c) for c in data["columns"]]
        if int(steps):
            self.history.extend({key: data[f"history_{i}"] for i, key in enumerate(columns)})
        self.good_step = int(good_step)
        self.elapsed = float(elapsed)
        self.status = "loaded"
        self.message = f"Resumed at step {self.step} from {path}."
        return self

    def _weights_finite(self):
        return all(np.all(np.isfinite(v.numpy())) for v in
                   list(self.generator.trainable_variables)
                   + list(self.discriminator.trainable_variables))

    def request_stop(self):
        """Ask a running :meth:`train` to stop after the current chunk."""
        self.stop_requested = True

    def set_learning_rate(self, learning_rate, d_learning_rate=None):
        """Change the learning rate(s) of an existing run."""
        lr = check_learning_rate(learning_rate)
        d_lr = check_learning_rate(lr if d_learning_rate is None else d_learning_rate,
                                   "d_learning_rate")
        for opt, value in ((self.g_optimizer, lr), (self.d_optimizer, d_lr)):
            if isinstance(opt._learning_rate, keras_schedule_type()):
                raise ValueError("this run uses a learning-rate schedule; build a new trainer")
            opt.learning_rate = value
        self.learning_rate, self.d_learning_rate = lr, d_lr

    def train(self, steps, callbacks=(), chunk=None, progress=True, desc="training"):
        """Run ``steps`` steps; returns the history.

        Stops early (keeping history and weights) on :meth:`request_stop`, on
        KeyboardInterrupt, or when the run diverges.
        """
        steps = check_positive_int("steps", steps, maximum=MAX_STEPS)
        chunk = check_positive_int("chunk", chunk) if chunk is not None else \
            max(1, min(200, steps // 20 or 1))
        callbacks = list(callbacks)
        self.stop_requested = False
        self.status = "running"
        self.message = ""
        bar = ProgressBar(steps, desc, enabled=progress)
        done = 0
        start = time.perf_counter()
        for cb in callbacks:
            cb.on_train_begin(self)
        try:
            while done < steps:
                if self.stop_requested:
                    self.status = "stopped"
                    self.message = f"Stopped at step {self.step}; history and weights kept."
                    break
                n = min(chunk, steps - done)
                good = self.snapshot()
                logs = {k: v.numpy() for k, v in self._chunk_fn(tf.constant(n, tf.int32)).items()}
                finite_rows = np.all([np.isfinite(v) for v in logs.values()], axis=0)
                if not (finite_rows.all() and self._weights_finite()):
                    self._diverged(logs, finite_rows, good)
                    break
                self.history.extend(logs)
                self.good_step = self.step
                done += n
                bar.update(n)
                last = {k: float(v[-1]) for k, v in logs.items()}
                last["step"] = self.step
                for cb in callbacks:
                    cb.on_chunk_end(self, last)
            else:
                self.status = "finished"
        except KeyboardInterrupt:
            self.status = "stopped"
            self.message = f"Interrupted at step {self.step}; history and weights kept."
        finally:
            self.elapsed += time.perf_counter() - start
            bar.close()
            for cb in callbacks:
                cb.on_train_end(self)
        if self.status == "diverged":
            print(self.message)
            if self.on_nan == "raise":
                raise TrainingDiverged(self.message)
        return self.history

    def _diverged(self, logs, finite_rows, good):
        bad = int(np.argmin(finite_rows)) if not finite_rows.all() else len(finite_rows)
        if bad:
            self.history.extend({k: v[:bad] for k, v in logs.items()})
        bad_cols = [k for k, v in logs.items() if not np.all(np.isfinite(v))] or ["a weight"]
        self.restore(good)
        self.status = "diverged"
        self.message = (
            f"Training diverged at step {self.step + 1}: {', '.join(bad_cols)} became NaN or "
            f"infinite (learning rate {self.learning_rate:g}, optimizer {self.optimizer_name}). "
            f"Stopped; the history of the {self.step} finite steps is kept and the weights "
            f"from step {self.good_step} (the last good ones) are restored. "
            f"Try a smaller learning rate.")

    # --- using the trained models -------------------------------------------
    def generate(self, n, labels=None, seed=None, average=None):
        """``n`` generated samples as a NumPy array (labels for a conditional G).

        With ``ema_decay`` set they come from the averaged generator
        (``average=False``: from the generator being trained).
        """
        n = check_positive_int("n", n)
        use_average = self.ema_generator is not None if average is None else bool(average)
        if use_average and self.ema_generator is None:
            raise ValueError("this trainer keeps no weight average (ema_decay=None)")
        rng = self.rng if seed is None else make_rng(seed)
        z = self.noise.sample(n, rng)
        if self.g_takes_labels:
            if labels is None:
                labels = rng.uniform((n,), 0, self.num_classes, dtype=tf.int32)
            labels = tf.convert_to_tensor(np.broadcast_to(np.asarray(labels), (n,)), tf.int32)
        if use_average:
            inputs = [z, labels] if self.g_takes_labels else z
            return self.ema_generator(inputs, training=False).numpy()
        return self._generate(z, labels, training=False).numpy()

    def discriminate(self, x, labels=None):
        """D's probability that ``x`` is real (or the critic's score)."""
        x = tf.convert_to_tensor(np.asarray(x, np.float32))
        out = _source(self._discriminate(x, labels, training=False))
        return (tf.sigmoid(out) if self.loss.uses_sigmoid else out).numpy()

    def __repr__(self):
        return (f"GANTrainer(loss={getattr(self.loss, 'name', self.loss)!r}, "
                f"optimizer={self.optimizer_name!r}, learning_rate={self.learning_rate:g}, "
                f"batch_size={self.batch_size}, step={self.step}, status={self.status!r})")


def _check_built_in_scope(strategy, *models):
    """Refuse models whose weights live outside ``strategy`` (each replica
    would then update one shared copy, unsynchronised)."""
    for model in models:
        for v in model.weights:
            if not strategy.extended.variable_created_in_scope(getattr(v, "value", v)):
                raise ValueError(f"the weights of {model.name!r} were made outside the strategy: "
                                 "build both models inside `with strategy.scope():` and pass "
                                 "the same strategy to the trainer")


def _check_ema_decay(decay):
    if decay is None:
        return None
    if not (isinstance(decay, (int, float)) and math.isfinite(decay) and 0.0 < decay < 1.0):
        raise ValueError(f"ema_decay must be a number between 0 and 1 (e.g. 0.999) or None, "
                         f"got {decay!r}")
    return float(decay)


def keras_schedule_type():
    import keras

    return keras.optimizers.schedules.LearningRateSchedule


def pretrain_discriminator(discriminator, target_density, steps=1000, batch_size=12,
                           low=-5.0, high=5.0, optimizer="sgd", learning_rate=0.005,
                           seed=0, progress=False):
    """Fit sigmoid(D(x)) to ``target_density(x)`` on x ~ U(low, high) by least squares.

    The 1-D chapter does this before the game starts so that D's first
    gradients already point the generator towards the data.
    Returns the per-step pretraining losses.
    """
    steps = check_positive_int("steps", steps, maximum=MAX_STEPS)
    batch_size = check_positive_int("batch_size", batch_size)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"need finite low < high, got low={low!r}, high={high!r}")
    opt = make_optimizer(optimizer, learning_rate)
    variables = discriminator.trainable_variables
    opt.build(variables)
    rng = np.random.default_rng(seed)
    xs = rng.uniform(low, high, size=(steps, batch_size, 1)).astype(np.float32)
    ys = np.asarray(target_density(xs), np.float32)

    @tf.function
    def run(xs, ys):
        losses = tf.TensorArray(tf.float32, size=tf.shape(xs)[0])
        for i in tf.range(tf.shape(xs)[0]):
            with tf.GradientTape() as tape:
                p = tf.sigmoid(tf.cast(_source(discriminator(xs[i], training=True)), tf.float32))
                loss = tf.reduce_mean(tf.square(p - ys[i]))
            grads = tape.gradient(loss, variables)
            opt.apply_gradients(zip(grads, variables))
            losses = losses.write(i, loss)
        return losses.stack()

    return run(tf.constant(xs), tf.constant(ys)).numpy()
