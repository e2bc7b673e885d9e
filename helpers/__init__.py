"""GAN Classroom helpers: the small library every notebook imports.

One module per idea:

- ``data``      samplers for real data and for noise
- ``models``    the networks the chapters build
- ``losses``    GAN objectives, one function per equation
- ``optim``     optimizers chosen by name, with checked learning rates
- ``training``  the compiled GAN trainer, its history and callbacks
- ``metrics``   distances between real and generated samples
- ``plots``     densities, decision boundaries, loss curves, animations
- ``widgets``   the training panel (learning rate, optimizer, Train/Stop/Reset)
- ``colab``     where the repository lives, for the setup cell and the badge
- ``checkpoints`` weight files with checked loading
- ``flops``     a step's arithmetic and the CPU's matmul rate (benchmarks)

and one module per notebook experiment: ``gaussian1d`` (01), ``keras_classic``
and ``vectors`` (02), ``mnist``, ``evaluator`` and ``mnist_gan`` (03, and the
data and digit evaluator the other image notebooks use), ``faces`` and
``face_models`` (04), ``dcgan`` (05).
"""
import logging
import os

# Keep TensorFlow's C++ start-up chatter out of the notebooks. This only filters
# log lines; it does not switch oneDNN off (that would make training slower).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


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
