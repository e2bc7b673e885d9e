"""Which devices a training run uses: one (the default), or several under
``tf.distribute.MirroredStrategy``.

``make_strategy(devices)`` picks:

- ``devices=None``: every GPU there is, mirrored when there are two or more;
  with one GPU or none, no strategy (TensorFlow puts the step on the GPU by
  itself, or on the CPU);
- ``devices=N``: N GPUs when there are at least N; on a machine without a GPU,
  N logical CPU devices. A CPU can only be split before TensorFlow's first op,
  so ``helpers`` does it when it starts TensorFlow with the environment
  variable ``GAN_CLASSROOM_CPU_DEVICES=N``. The N devices share the same cores:
  this tests the distributed path, it does not make a CPU faster.

A trainer given the strategy (``GANTrainer(..., strategy=s)``) runs the same
step on each device with ``batch_size / N`` examples and sums the gradients.
"""
import contextlib

import tensorflow as tf


def scope(strategy):
    """``strategy.scope()``, or a context that does nothing when ``strategy``
    is None (one device): build models and optimizers under it."""
    return contextlib.nullcontext() if strategy is None else strategy.scope()


def describe(strategy):
    """One line naming the devices a run uses."""
    if strategy is None:
        gpus = tf.config.list_logical_devices("GPU")
        return f"one device ({gpus[0].name if gpus else 'CPU'})"
    names = ", ".join(strategy.extended.worker_devices)
    return f"{strategy.num_replicas_in_sync} devices mirrored ({names})"


def make_strategy(devices=None):
    """A ``MirroredStrategy`` over ``devices`` devices, or None for one device
    (see the module's docstring)."""
    if devices is not None and (isinstance(devices, bool) or not isinstance(devices, int)
                                or devices < 1):
        raise ValueError(f"devices must be a positive integer or None, got {devices!r}")
    gpus = tf.config.list_physical_devices("GPU")
    if devices is None:
        devices = max(1, len(gpus))
    if devices == 1:
        return None
    if len(gpus) >= devices:
        names = [f"/gpu:{i}" for i in range(devices)]
        return tf.distribute.MirroredStrategy(names)
    if gpus:
        raise ValueError(f"{devices} devices asked for, but this machine has {len(gpus)} GPU(s)")
    logical = tf.config.list_logical_devices("CPU")
    if len(logical) < devices:
        from . import CPU_DEVICES_VARIABLE

        raise RuntimeError(
            f"{devices} devices asked for, but this machine has no GPU and TensorFlow sees "
            f"{len(logical)} CPU device(s). A CPU can only be split before TensorFlow starts: "
            f"set {CPU_DEVICES_VARIABLE}={devices} in the environment before importing helpers "
            "(it tests the distributed path; it does not make the CPU faster)")
    return tf.distribute.MirroredStrategy([d.name for d in logical[:devices]])


def cpu_has_bfloat16_units(cpuinfo="/proc/cpuinfo"):
    """True when the processor does bfloat16 arithmetic in hardware (the
    ``avx512_bf16`` or ``amx_bf16`` flags Linux reports). Elsewhere TensorFlow
    emulates bfloat16 on a CPU, which is slower than float32; False when the
    flags cannot be read."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return bool({"avx512_bf16", "amx_bf16"} & set(line.split(":", 1)[-1].split()))
    except OSError:
        pass
    return False


def fast_precision():
    """``"mixed_bfloat16"`` where a run would be on a CPU with bfloat16 units
    (no GPU), else ``"float32"`` (a GPU, or a CPU that would emulate bfloat16)."""
    if tf.config.list_physical_devices("GPU") or not cpu_has_bfloat16_units():
        return "float32"
    return "mixed_bfloat16"


#: ``precision`` of a model: float32 everywhere, or Keras' mixed bfloat16 policy
#: (bfloat16 arithmetic, float32 weights; fast where the processor has bfloat16
#: units); ``"auto"`` picks the faster of the two here (:func:`fast_precision`)
PRECISIONS = ("float32", "mixed_bfloat16")


def resolve_precision(precision):
    """``precision`` itself, or for ``"auto"`` the one this machine runs faster."""
    if precision == "auto":
        return fast_precision()
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS} or 'auto', got {precision!r}")
    return precision


@contextlib.contextmanager
def precision_policy(precision):
    """Models built inside ``with precision_policy(p):`` use the dtype policy
    ``p`` (after :func:`resolve_precision`); Keras' global policy is restored
    afterwards, so models built elsewhere keep theirs. Yields the resolved name."""
    import keras

    precision = resolve_precision(precision)
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        yield precision
    finally:
        keras.config.set_dtype_policy(before)
