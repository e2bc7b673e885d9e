"""GAN Classroom helpers: the small library every notebook imports.

The library, one module per idea:

- ``data``        samplers for real data and for noise (1-D, vectors, rings, arrays)
- ``datasets``    MNIST and faces, online or offline
- ``models``      small dense networks and minibatch discrimination
- ``losses``      GAN objectives, one function per equation
- ``optim``       optimizers chosen by name, with checked learning rates
- ``training``    the compiled GAN trainer, its history and callbacks
- ``keras_gan``   the same game as a ``keras.Model`` with its own ``train_step``
- ``keras_classic`` the chapters' Keras 2 idiom (combined model, ``trainable``) in Keras 3
- ``metrics``     distances between real and generated samples
- ``evaluator``   a digit classifier that grades generated MNIST digits
- ``plots``       densities, decision boundaries, loss curves, image grids, animations
- ``widgets``     the training panel (learning rate, optimizer, Train/Stop/Reset)
- ``checkpoints`` weight files with checked loading
- ``flops``       a step's arithmetic and the CPU's matmul rate (benchmarks)
- ``colab``       where the repository lives, for the setup cell and the badge

and, on top of it, ``helpers.experiments``: one module per notebook with its
recipe, ``run(seed, ...)`` and the lesson it asserts
(``python -m helpers.experiments NAME --seed N``).

Importing ``helpers`` imports TensorFlow with its start-up log silenced, so
neither a notebook nor a command prints TensorFlow's banner.
"""
import logging
import os

# Keep TensorFlow's C++ start-up chatter out of the notebooks. This only filters
# log lines; it does not switch oneDNN off (that would make training slower).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_tensorflow_quietly():
    """Import TensorFlow and run one op with the process's stderr pointed at
    /dev/null: its C++ start-up lines (the oneDNN notice, CPU features) are
    written straight to file descriptor 2 before any log level applies, and
    in Jupyter they would land in a cell's output. Python errors are not
    affected: they are raised as usual once stderr is back."""
    import sys

    if "tensorflow" in sys.modules:
        return
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some embedded interpreters)
        import tensorflow  # noqa: F401
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        import tensorflow as tf

        _split_cpu(tf)
        tf.constant(0.0) + 1.0  # the first op prints a second notice
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


#: set to N (> 1) to split the CPU into N logical devices when helpers starts
#: TensorFlow, so the distributed path (``helpers.devices``) can run on a laptop
CPU_DEVICES_VARIABLE = "GAN_CLASSROOM_CPU_DEVICES"


def _split_cpu(tf):
    """Split the CPU into logical devices, if asked to: this must happen before
    TensorFlow's first op, which is why it lives here."""
    value = os.environ.get(CPU_DEVICES_VARIABLE, "").strip()
    if not value:
        return
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{CPU_DEVICES_VARIABLE} must be a positive integer, got {value!r}")
    if int(value) > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(int(value))])


_import_tensorflow_quietly()


class _DropRetracingNotice(logging.Filter):
    """Every fresh trainer compiles its own step, so a notebook that retrains
    (the panel, a seed sweep) triggers TensorFlow's "retracing" notice, which is
    expected here and only confuses a learner."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(_DropRetracingNotice())

__version__ = "0.1.0"


def seed_everything(seed):
    """Seed Python, NumPy and TensorFlow/Keras so a run can be repeated exactly."""
    import keras

    if not isinstance(seed, (int,)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    keras.utils.set_random_seed(seed)
    return seed
