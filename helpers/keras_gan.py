"""A GAN as a ``keras.Model`` with its own ``train_step``: today's Keras idiom.

:class:`GAN` holds a generator and a discriminator (any pair whose shapes fit),
two optimizers and a loss object from :mod:`helpers.losses`. One call of
``train_step`` is one step of the game: a discriminator update on a real batch
and a generated batch, then a generator update on fresh noise, each
differentiated with respect to its own network's variables only. So there is no
``trainable`` flag to set and no combined model to build (compare
:mod:`helpers.keras_classic`), and ``fit`` does the rest: epochs, callbacks,
``steps_per_execution``::

    gan = GAN(generator, discriminator, noise="uniform", seed=0)
    gan.compile(d_optimizer=make_optimizer("rmsprop", 5e-4),
                g_optimizer=make_optimizer("rmsprop", 5e-4), loss="non_saturating")
    history = gan.fit(real_batches, epochs=30, steps_per_epoch=100,
                      steps_per_execution=100, callbacks=[SampleCallback(every=5)])

``fit`` reports the losses the loss object names (for the non-saturating loss
``d_loss``, ``d_loss_real``, ``d_loss_fake`` and ``g_loss``), averaged over each
epoch. ``train_on_batch`` returns running means too: Keras 3.15 resets them at
every call, Keras 3.13 does not, so call ``reset_metrics()`` first to get one
step's own losses on either.

The noise comes from a ``keras.random.SeedGenerator``, so two models built with
the same seed draw the same noise. :class:`Replay` hands out prepared batches
instead; fed the same batches, this model and
:class:`helpers.training.GANTrainer` compute the same losses (the notebook and
``tests/test_keras_gan.py`` check it).
"""
import keras
import numpy as np
import tensorflow as tf

from .data import Sampler
from .losses import get_loss
from .progress import ProgressBar
from .validation import check_positive_int

NOISE_KINDS = ("uniform", "normal")


def _input_dim(model, what):
    shape = getattr(model, "input_shape", None)
    if not isinstance(shape, tuple) or len(shape) != 2 or shape[1] is None:
        raise ValueError(f"the {what} must be a built model with one flat input of shape "
                         f"(batch, n); got input shape {shape!r}")
    return int(shape[1])


def _output_dim(model, what):
    shape = getattr(model, "output_shape", None)
    if not isinstance(shape, tuple) or len(shape) < 2:
        raise ValueError(f"the {what} must be a built model with one output; "
                         f"got output shape {shape!r}")
    return tuple(shape[1:])


class Replay(Sampler):
    """Prepared batches handed out one after another, in compiled code too.

    ``batches`` has shape ``(k, batch_size, ...)``; each draw returns the next
    one (after the last, the first again). Used as the noise of a :class:`GAN`
    (``noise=Replay(z)``) or as a sampler of :class:`helpers.training.GANTrainer`
    (``data=Replay(x)``), it lets two training loops see exactly the same data.
    :meth:`rewind` starts again from the first batch (GANTrainer draws two
    examples when it is built, to check shapes).
    """

    def __init__(self, batches):
        batches = np.asarray(batches, dtype=np.float32)
        if batches.ndim < 3 or len(batches) == 0:
            raise ValueError(f"batches must have shape (k, batch_size, ...) with k >= 1, "
                             f"got shape {batches.shape}")
        if not np.all(np.isfinite(batches)):
            raise ValueError("batches contain NaN or infinite values")
        self.batches = tf.constant(batches)
        self.count = len(batches)
        self.batch_size = batches.shape[1]
        self.index = tf.Variable(0, dtype=tf.int64, trainable=False)

    def rewind(self):
        """Hand out the first batch next."""
        self.index.assign(0)

    def next(self):
        i = self.index.assign_add(1) - 1
        return tf.gather(self.batches, i % self.count)

    def sample(self, n, rng=None):
        """The next batch (``n`` and ``rng`` are ignored: the batches are ready)."""
        return self.next()

    def __call__(self, n, seed_generator=None):
        return self.next()

    def __repr__(self):
        return f"Replay({self.count} batches of shape {tuple(self.batches.shape[1:])})"


class GAN(keras.Model):
    """A generator and a discriminator trained as one ``keras.Model``.

    ``noise`` is ``"uniform"`` (entries on [-noise_scale, noise_scale], the
    Keras chapter's U(-1, 1)), ``"normal"`` (N(0, noise_scale**2)) or a
    callable ``noise(n, seed_generator)`` returning ``n`` noise vectors (e.g. a
    :class:`Replay`). ``seed`` seeds the model's ``keras.random.SeedGenerator``.
    The discriminator returns a logit (or a critic score for the Wasserstein
    loss), one per example.
    """

    def __init__(self, generator, discriminator, noise="normal", noise_scale=1.0, seed=None,
                 name="gan", **kwargs):
        super().__init__(name=name, **kwargs)
        self.noise_dim = _input_dim(generator, "generator")
        d_in = _input_dim(discriminator, "discriminator")
        g_out = _output_dim(generator, "generator")
        if g_out != (d_in,):
            raise ValueError(f"the generator's output has shape {g_out} but the "
                             f"discriminator expects ({d_in},)")
        if not (callable(noise) or noise in NOISE_KINDS):
            raise ValueError(f"noise must be one of {NOISE_KINDS} or a callable "
                             f"noise(n, seed_generator), got {noise!r}")
        if not (np.isfinite(noise_scale) and noise_scale > 0):
            raise ValueError(f"noise_scale must be a positive number, got {noise_scale!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
        self.generator = generator
        self.discriminator = discriminator
        self.noise = noise
        self.noise_scale = float(noise_scale)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_names = ()

    def compile(self, d_optimizer, g_optimizer, loss="non_saturating", **kwargs):
        """Store what a step needs: two optimizers and a loss from :mod:`helpers.losses`
        (a name such as ``"non_saturating"`` or a loss object)."""
        super().compile(**kwargs)
        if d_optimizer is g_optimizer:
            raise ValueError("the generator and the discriminator need two optimizer objects")
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise ValueError(f"{name} must be a keras optimizer, got {opt!r}")
        self.gan_loss = get_loss(loss)
        if getattr(self.gan_loss, "penalty_weight", None) or self.gan_loss.name == "acgan":
            raise ValueError(f"{self.gan_loss!r} needs more than this step computes "
                             "(a gradient penalty or class labels); train it with "
                             "helpers.training.GANTrainer")
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        # the names the loss reports, read once from a dummy call
        logit = tf.zeros((1, 1))
        names = list(self.gan_loss.discriminator(logit, logit)) + \
            list(self.gan_loss.generator(logit))
        self.loss_names = tuple(dict.fromkeys(names))
        self.trackers = {n: keras.metrics.Mean(name=n) for n in self.loss_names}

    @property
    def metrics(self):
        # listed here, they are reset by fit() at the start of every epoch
        return list(getattr(self, "trackers", {}).values())

    def draw_noise(self, n, seed_generator=None):
        """``n`` noise vectors from the model's seed generator (or the one given)."""
        seed_generator = self.seed_generator if seed_generator is None else seed_generator
        if callable(self.noise):
            return self.noise(n, seed_generator)
        shape = (n, self.noise_dim)
        if self.noise == "uniform":
            return keras.random.uniform(shape, -self.noise_scale, self.noise_scale,
                                        seed=seed_generator)
        return keras.random.normal(shape, stddev=self.noise_scale, seed=seed_generator)

    def train_step(self, data):
        real, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        n = tf.shape(real)[0]

        # The discriminator's update. The generator only supplies the fakes;
        # its weights are not in this tape's sources, so they stay as they are.
        fake = self.generator(self.draw_noise(n), training=True)
        d_vars = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            logs = dict(self.gan_loss.discriminator(self.discriminator(real, training=True),
                                                    self.discriminator(fake, training=True)))
        grads = tape.gradient(logs["d_loss"], d_vars)
        self.d_optimizer.apply_gradients(zip(grads, d_vars))

        # The generator's update, on fresh noise. D is evaluated, not trained.
        g_vars = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.generator(self.draw_noise(n), training=True)
            logs.update(self.gan_loss.generator(self.discriminator(fake, training=True)))
        grads = tape.gradient(logs["g_loss"], g_vars)
        self.g_optimizer.apply_gradients(zip(grads, g_vars))

        for name, tracker in self.trackers.items():
            tracker.update_state(logs[name])
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def generate(self, n, seed=None):
        """``n`` generated samples as a NumPy array; ``seed`` gives repeatable noise."""
        n = check_positive_int("n", n)
        generator = None if seed is None else keras.random.SeedGenerator(seed)
        z = self.draw_noise(n, generator)
        return keras.ops.convert_to_numpy(self.generator(z, training=False))


class SampleCallback(keras.callbacks.Callback):
    """Every ``every`` epochs, the generator's output on the same fixed noise.

    The samples are kept in ``frames`` (a list of ``(step, samples)`` pairs,
    step 0 before training) and, when ``draw`` is given, handed to
    ``draw(step, samples, logs)`` too, e.g. to update a plot while ``fit``
    runs. Fixed noise makes the frames comparable: the change from one frame
    to the next is the generator's learning, not new noise.
    """

    def __init__(self, every=1, n=500, seed=1234, draw=None):
        super().__init__()
        self.every = check_positive_int("every", every)
        self.n = check_positive_int("n", n)
        if draw is not None and not callable(draw):
            raise ValueError(f"draw must be a function draw(step, samples, logs), got {draw!r}")
        self.seed = seed
        self.draw = draw
        self.frames = []
        #: training steps seen so far (over every fit this callback took part in)
        self.steps_seen = 0
        self._epochs = 0
        self._z = None

    def _grab(self, logs):
        samples = keras.ops.convert_to_numpy(self.model.generator(self._z, training=False))
        self.frames.append((self.steps_seen, samples))
        if self.draw is not None:
            self.draw(self.steps_seen, samples, dict(logs or {}))

    def on_train_begin(self, logs=None):
        if self._z is None:
            self._z = self.model.draw_noise(self.n, keras.random.SeedGenerator(self.seed))
        if not self.frames:
            self._grab(logs)

    def on_epoch_end(self, epoch, logs=None):
        self.steps_seen += self.params["steps"]
        self._epochs += 1
        if self._epochs % self.every == 0:
            self._grab(logs)

    @property
    def steps(self):
        return [s for s, _ in self.frames]


class ProgressCallback(keras.callbacks.Callback):
    """A progress bar over ``fit``'s epochs that leaves nothing behind when it ends
    (:class:`helpers.progress.ProgressBar`)."""

    def __init__(self, desc="fit"):
        super().__init__()
        self.desc = desc
        self._bar = None

    def on_train_begin(self, logs=None):
        self._bar = ProgressBar(self.params.get("epochs"), self.desc)

    def on_epoch_end(self, epoch, logs=None):
        if self._bar is not None:
            self._bar.update(1)

    def on_train_end(self, logs=None):
        if self._bar is not None:
            self._bar.close()
            self._bar = None
