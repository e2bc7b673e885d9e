"""The trainer's distributed path, checked on two logical CPU devices.

Run by tests/test_distributed.py in a fresh process (the CPU can only be split
before TensorFlow starts), with GAN_CLASSROOM_CPU_DEVICES=2:

    GAN_CLASSROOM_CPU_DEVICES=2 python tests/distributed_check.py

It prints one JSON object with what it measured and exits non-zero when a
check fails.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import helpers  # noqa: E402,F401  (first: it splits the CPU before TensorFlow starts)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from helpers.data import ArraySampler, NoiseSampler  # noqa: E402
from helpers.devices import describe, make_strategy, scope  # noqa: E402
from helpers.training import GANTrainer  # noqa: E402


def tiny_pair(seed):
    """G ignores its noise (it scales it by 0), so every step is deterministic and
    one device and two must give the same weights."""
    keras.utils.set_random_seed(seed)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Rescaling(0.0),
                          keras.layers.Dense(4, bias_initializer=keras.initializers.Constant(0.3))])
    d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh"),
                          keras.layers.Dense(1)])
    return g, d


def deterministic_weights(strategy, steps=5):
    data = ArraySampler(np.tile(np.array([[1.0, -0.5, 0.25, 2.0]], np.float32), (32, 1)))
    with scope(strategy):
        g, d = tiny_pair(1)
    t = GANTrainer(g, d, data, NoiseSampler(2), optimizer="sgd", learning_rate=0.1,
                   batch_size=16, strategy=strategy)
    t.train(steps, progress=False, chunk=steps)
    weights = [w.numpy() for w in d.trainable_weights] + [g.trainable_weights[1].numpy()]
    return weights, t.history["d_loss"]


def main():
    strategy = make_strategy(2)
    out = {"devices": describe(strategy), "replicas": strategy.num_replicas_in_sync}

    # 1. the same update as one device: the replicas' gradients add up to the
    #    gradient of the mean loss over the whole batch (not N times it)
    one, one_loss = deterministic_weights(None)
    two, two_loss = deterministic_weights(strategy)
    out["max_weight_difference"] = max(float(np.abs(a - b).max()) for a, b in zip(one, two))
    out["max_loss_difference"] = float(np.abs(one_loss - two_loss).max())
    out["weights_moved"] = max(float(np.abs(a - b).max())
                               for a, b in zip(one, deterministic_weights(None, steps=1)[0]))

    # 2. a real variant (WGAN: clipping, five critic steps), mirrored
    from helpers.datasets import load_mnist
    from helpers.experiments import variants

    mnist = load_mnist(verbose=False)
    t = variants.make_variant_trainer("wgan", mnist.x[:512], None, batch_size=16, seed=0,
                                      strategy=strategy, **variants.CLASSROOM_SETTINGS["wgan"])
    t.train(4, progress=False, chunk=2)
    out["wgan_status"] = t.status
    out["wgan_finite"] = bool(all(np.all(np.isfinite(t.history[k])) for k in t.history.keys()))
    out["replica_batch"] = t.replica_batch
    copies_equal = True
    for w in t.generator.trainable_weights + t.discriminator.trainable_weights:
        parts = [p.numpy() for p in strategy.experimental_local_results(w.value)]
        copies_equal &= len(parts) == 2 and all(np.array_equal(parts[0], p) for p in parts[1:])
    out["mirrored_copies_equal"] = bool(copies_equal)
    out["critic_max_abs_weight"] = max(float(np.abs(w.numpy()).max())
                                       for w in t.discriminator.trainable_weights)
    out["clip_value"] = t.clip_value

    # 3. each device draws its own examples (not the same half-batch twice)
    draws = strategy.run(tf.function(lambda: t.data.sample(t.replica_batch, t.rng)))
    a, b = (x.numpy() for x in strategy.experimental_local_results(draws))
    out["replicas_draw_different_examples"] = bool(not np.array_equal(a, b))

    # 4. what the trainer refuses: a batch that does not split, models built
    #    outside the strategy (their weights would not be mirrored)
    refusals = []
    for kwargs, build_inside in (({"batch_size": 15}, True), ({"batch_size": 16}, False)):
        with scope(strategy if build_inside else None):
            g, d = tiny_pair(2)
        try:
            GANTrainer(g, d, ArraySampler(np.zeros((32, 4), np.float32)), NoiseSampler(2),
                       strategy=strategy, **kwargs)
            refusals.append("accepted")
        except ValueError as e:
            refusals.append(str(e))
    out["refusals"] = refusals

    checks = [out["max_weight_difference"] < 1e-5, out["max_loss_difference"] < 1e-5,
              out["weights_moved"] > 1e-3, out["wgan_status"] == "finished", out["wgan_finite"],
              out["replica_batch"] == 8, out["mirrored_copies_equal"],
              out["critic_max_abs_weight"] <= out["clip_value"] + 1e-7,
              out["replicas_draw_different_examples"],
              "cannot be split over 2 devices" in refusals[0], "strategy.scope()" in refusals[1]]
    out["ok"] = all(checks)
    print(json.dumps(out))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
