"""The MNIST networks of the GAN-variants chapter (DCGAN, CGAN, WGAN, LSGAN, ACGAN).

One generator builder and one discriminator builder serve all five variants,
as in the chapter; options switch on what each variant needs:

==========  ======================================  ==========================================
variant     generator                               discriminator
==========  ======================================  ==========================================
DCGAN       ``dcgan_generator()``                   ``dcgan_discriminator()``
CGAN        ``num_classes=10`` (z and label)        ``num_classes=10, conditional=True``
WGAN        as DCGAN                                as DCGAN (a linear critic score)
LSGAN       as DCGAN                                as DCGAN (a linear score)
ACGAN       ``num_classes=10`` (z and label)        ``num_classes=10`` (returns source and
                                                    class logits)
==========  ======================================  ==========================================

Generator: Dense -> 7x7 feature map -> four BatchNorm-ReLU-Conv2DTranspose
blocks (filters 128, 64, 32, 1; the first two double the size, 7 -> 14 -> 28)
-> output activation. Discriminator: four LeakyReLU(0.2)-Conv2D blocks
(filters 32, 64, 128, 256; strides 2, 2, 2, 1) -> Flatten -> Dense(1).

Every discriminator returns a *logit* (no sigmoid): the losses in
``helpers.losses`` apply the sigmoid where the chapter's loss needs one, and
WGAN and LSGAN use the linear score directly. Class labels are integer digits
0-9 (no one-hot vectors to build): the models one-hot encode them inside.

Ready to train: ``make_variant_trainer(variant, images, labels)`` returns a
:class:`helpers.training.GANTrainer` with the variant's loss, optimizer,
critic steps and clipping (:data:`CHAPTER_SETTINGS`, :data:`CLASSROOM_SETTINGS`);
``generate_digits`` draws from a generator, ``score_generator`` grades it with
the digit evaluator, and ``load_generator`` loads a shipped or saved generator
after checking the file. ``forward_flops``/``step_flops`` count the arithmetic
of a step (for ``benchmarks/bench_variants.py``).
"""
import json as _json
import os as _os

import keras
import numpy as np
from keras import layers

from ..flops import forward_flops, step_flops  # noqa: F401  (re-exported)
from ..validation import check_positive_int

#: the chapter's widths
GENERATOR_FILTERS = (128, 64, 32, 1)
DISCRIMINATOR_FILTERS = (32, 64, 128, 256)
LATENT_DIM = 100
IMAGE_SIZE = 28
OUTPUT_ACTIVATIONS = ("tanh", "sigmoid", None)


def _check_filters(name, filters, last=None):
    filters = tuple(filters)
    if len(filters) != 4 or not all(isinstance(f, int) and f > 0 for f in filters):
        raise ValueError(f"{name} must be four positive integers, got {filters!r}")
    if last is not None and filters[-1] != last:
        raise ValueError(f"{name} must end in {last} (one image channel), got {filters!r}")
    return filters


def _check_classes(num_classes):
    if num_classes is None:
        return None
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2 or None, got {num_classes!r}")
    return num_classes


def _label_input(num_classes):
    """A model input for integer class labels, and its one-hot encoding."""
    label = keras.Input((), dtype="int32", name="label")
    return label, layers.CategoryEncoding(num_classes, output_mode="one_hot",
                                          name="label_one_hot")(label)


def dcgan_generator(latent_dim=LATENT_DIM, num_classes=None, filters=GENERATOR_FILTERS,
                    kernel_size=5, activation="tanh", name=None):
    """The chapter's generator, 28x28x1 images from noise (and a class label).

    ``num_classes`` adds a second input, an integer label, one-hot encoded and
    concatenated to z (CGAN and ACGAN). ``activation`` is the output's:
    ``"tanh"`` for images in [-1, 1], ``"sigmoid"`` (the chapter's) for [0, 1],
    ``None`` for none.
    """
    latent_dim = check_positive_int("latent_dim", latent_dim)
    kernel_size = check_positive_int("kernel_size", kernel_size)
    num_classes = _check_classes(num_classes)
    filters = _check_filters("filters", filters, last=1)
    if activation not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"activation must be one of {OUTPUT_ACTIVATIONS}, got {activation!r}")

    z = keras.Input((latent_dim,), name="z")
    inputs = [z]
    x = z
    if num_classes:
        label, one_hot = _label_input(num_classes)
        inputs.append(label)
        x = layers.Concatenate(name="z_and_label")([z, one_hot])
    side = IMAGE_SIZE // 4
    x = layers.Dense(side * side * filters[0], name="project")(x)
    x = layers.Reshape((side, side, filters[0]))(x)
    for i, f in enumerate(filters):
        # the first two blocks double the size (7 -> 14 -> 28), the last two keep it
        x = layers.BatchNormalization(name=f"bn{i + 1}")(x)
        x = layers.ReLU()(x)
        x = layers.Conv2DTranspose(f, kernel_size, strides=2 if i < 2 else 1, padding="same",
                                   name=f"deconv{i + 1}")(x)
    if activation is not None:
        # float32 even under a mixed policy: images leave the generator in float32
        x = layers.Activation(activation, name="image", dtype="float32")(x)
    default = "cgan_generator" if num_classes else "generator"
    return keras.Model(inputs if num_classes else z, x, name=name or default)


def dcgan_discriminator(num_classes=None, conditional=False, filters=DISCRIMINATOR_FILTERS,
                        kernel_size=5, activation=None, batch_norm=False, name=None):
    """The chapter's discriminator (or WGAN critic) for 28x28x1 images.

    - ``conditional=True`` (with ``num_classes``): CGAN. A second input takes
      the label; it is one-hot encoded, mapped by a Dense layer to a 28x28 map
      and stacked onto the image as a second channel.
    - ``num_classes`` without ``conditional``: ACGAN. The model returns
      ``(source_logit, class_logits)``; the class head is Dense(filters[2]) ->
      Dense(num_classes), on the same features as the source output.

    ``activation`` must be ``None`` or ``"linear"``: the chapter puts a sigmoid
    here, but in this project the sigmoid lives inside the loss, where it is
    computed stably from the logit.

    ``batch_norm=True`` puts a BatchNormalization layer before the LeakyReLU
    of every block after the first (the chapter's experiment: its listing
    leaves BN out because "the network does not converge with BN").
    """
    kernel_size = check_positive_int("kernel_size", kernel_size)
    num_classes = _check_classes(num_classes)
    filters = _check_filters("filters", filters)
    if activation not in (None, "linear"):
        raise ValueError(
            f"activation must be None or 'linear', got {activation!r}: discriminators here "
            "return logits and the losses in helpers.losses apply the sigmoid themselves")
    if conditional and not num_classes:
        raise ValueError("a conditional discriminator needs num_classes (e.g. 10)")

    image = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="image")
    inputs = [image]
    x = image
    if conditional:
        label, y = _label_input(num_classes)
        inputs.append(label)
        y = layers.Dense(IMAGE_SIZE * IMAGE_SIZE, name="label_map")(y)
        y = layers.Reshape((IMAGE_SIZE, IMAGE_SIZE, 1))(y)
        x = layers.Concatenate(name="image_and_label")([image, y])
    for i, f in enumerate(filters):
        # the first three blocks halve the size (28 -> 14 -> 7 -> 4), the last keeps it
        if batch_norm and i > 0:
            x = layers.BatchNormalization(name=f"d_bn{i + 1}")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        x = layers.Conv2D(f, kernel_size, strides=2 if i < 3 else 1, padding="same",
                          name=f"conv{i + 1}")(x)
    features = layers.Flatten()(x)
    source = layers.Dense(1, name="source", dtype="float32")(features)  # float32 scores
    if num_classes and not conditional:
        hidden = layers.Dense(filters[2], name="class_hidden")(features)
        classes = layers.Dense(num_classes, name="class_logits", dtype="float32")(hidden)
        return keras.Model(image, [source, classes], name=name or "acgan_discriminator")
    default = "cgan_discriminator" if conditional else "discriminator"
    return keras.Model(inputs if conditional else image, source, name=name or default)


def count_params(model):
    """Number of weights in ``model`` (trainable and not)."""
    return int(sum(int(w.numpy().size) for w in model.weights))


# --- the five variants, ready to train ----------------------------------------

VARIANTS = ("dcgan", "cgan", "wgan", "lsgan", "acgan")

#: the chapter's widths and a quarter of them (16 times fewer multiply-adds in
#: the big layers), which is what fits a CPU budget of seconds per variant
WIDTHS = {
    "chapter": {"generator": GENERATOR_FILTERS, "discriminator": DISCRIMINATOR_FILTERS},
    "classroom": {"generator": (32, 16, 8, 1), "discriminator": (8, 16, 32, 64)},
}

#: what each variant trains with in the chapter: loss, optimizer, the generator's
#: and the discriminator's learning rate, critic steps per generator step and
#: weight clipping. (The chapter builds RMSprop with ``lr=`` and ``decay=``, which
#: Keras 3 refuses or ignores; its decay of 6e-8 per step changes nothing within
#: 40,000 steps, so it is left out.)
CHAPTER_SETTINGS = {
    "dcgan": dict(loss="non_saturating", optimizer="rmsprop", learning_rate=1e-4,
                  d_learning_rate=2e-4, d_steps=1, clip_value=None),
    "cgan": dict(loss="non_saturating", optimizer="rmsprop", learning_rate=1e-4,
                 d_learning_rate=2e-4, d_steps=1, clip_value=None),
    "wgan": dict(loss="wasserstein", optimizer="rmsprop", learning_rate=5e-5,
                 d_learning_rate=5e-5, d_steps=5, clip_value=0.01),
    "lsgan": dict(loss="least_squares", optimizer="rmsprop", learning_rate=1e-4,
                  d_learning_rate=2e-4, d_steps=1, clip_value=None),
    "acgan": dict(loss="acgan", optimizer="rmsprop", learning_rate=1e-4,
                  d_learning_rate=2e-4, d_steps=1, clip_value=None),
}

#: variants whose generator takes a class label
CONDITIONAL = ("cgan", "acgan")


def check_variant(variant):
    if variant not in VARIANTS:
        raise ValueError(f"unknown GAN variant {variant!r}; choose one of {VARIANTS}")
    return variant


def check_widths(widths):
    """``"chapter"``, ``"classroom"`` or a dict with ``generator`` and
    ``discriminator`` filters -> that dict (checked)."""
    if isinstance(widths, str):
        if widths not in WIDTHS:
            raise ValueError(f"widths must be one of {sorted(WIDTHS)} or a dict, got {widths!r}")
        widths = WIDTHS[widths]
    if not isinstance(widths, dict) or set(widths) != {"generator", "discriminator"}:
        raise ValueError("widths must be a dict with the keys 'generator' and "
                         f"'discriminator', got {widths!r}")
    return {"generator": _check_filters("generator filters", widths["generator"], last=1),
            "discriminator": _check_filters("discriminator filters", widths["discriminator"])}


def variant_generator(variant, widths="classroom", activation="tanh"):
    """The generator of one variant (a label input for CGAN and ACGAN)."""
    variant = check_variant(variant)
    w = check_widths(widths)
    return dcgan_generator(num_classes=10 if variant in CONDITIONAL else None,
                           filters=w["generator"], activation=activation,
                           name=f"{variant}_generator")


def variant_discriminator(variant, widths="classroom", batch_norm=False):
    """The discriminator (WGAN: critic) of one variant; ``batch_norm``: see
    :func:`dcgan_discriminator`."""
    variant = check_variant(variant)
    w = check_widths(widths)
    common = dict(filters=w["discriminator"], batch_norm=bool(batch_norm))
    if variant == "cgan":
        return dcgan_discriminator(num_classes=10, conditional=True,
                                   name="cgan_discriminator", **common)
    if variant == "acgan":
        return dcgan_discriminator(num_classes=10, name="acgan_discriminator", **common)
    name = "wgan_critic" if variant == "wgan" else f"{variant}_discriminator"
    return dcgan_discriminator(name=name, **common)


def make_variant_trainer(variant, images, labels=None, *, widths="classroom",
                         batch_size=64, seed=0, strategy=None, d_batch_norm=False,
                         r1_weight=None, precision="float32", **overrides):
    """A :class:`helpers.training.GANTrainer` for one variant with the chapter's
    settings (:data:`CHAPTER_SETTINGS`); keyword arguments override them
    (``learning_rate``, ``optimizer``, ``d_steps``, ``clip_value``, ...).

    ``images``: (n, 28, 28, 1) in [-1, 1]; ``labels`` (integers 0-9) are needed
    by CGAN and ACGAN. The noise is U(-1, 1) in 100 dimensions, as in the chapter.
    ``strategy`` (see :mod:`helpers.devices`): build both networks on its
    devices and train each step across them. ``d_batch_norm=True``: batch
    normalisation in the discriminator (:func:`dcgan_discriminator`).
    ``r1_weight``: the R1 penalty on D's gradient at real digits (see
    :class:`helpers.training.GANTrainer`). ``precision``: ``"float32"``,
    ``"mixed_bfloat16"`` or ``"auto"`` (:func:`helpers.devices.resolve_precision`)
    for these two models only; the trainer's ``precision`` says which one it was.
    """
    import numpy as np

    from ..data import ArraySampler, NoiseSampler
    from ..devices import precision_policy, scope
    from ..training import GANTrainer

    variant = check_variant(variant)
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 1):
        raise ValueError(f"images must have shape (n, 28, 28, 1), got {images.shape}")
    if images.min() < -1.0 - 1e-6 or images.max() > 1.0 + 1e-6:
        raise ValueError("images must lie in [-1, 1] (load_mnist(scale='tanh')), "
                         f"got {images.min():.3g}..{images.max():.3g}")
    if variant in CONDITIONAL and labels is None:
        raise ValueError(f"{variant} is conditioned on the digit: pass its labels")
    settings = dict(CHAPTER_SETTINGS[variant])
    unknown = set(overrides) - set(settings)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(settings)}")
    settings.update(overrides)
    if "learning_rate" in overrides and "d_learning_rate" not in overrides:
        # keep the chapter's ratio between D's and G's learning rates
        ratio = CHAPTER_SETTINGS[variant]["d_learning_rate"] / \
            CHAPTER_SETTINGS[variant]["learning_rate"]
        settings["d_learning_rate"] = min(1.0, overrides["learning_rate"] * ratio)
    keras.utils.set_random_seed(seed)
    with scope(strategy), precision_policy(precision) as precision:
        generator = variant_generator(variant, widths)
        discriminator = variant_discriminator(variant, widths, batch_norm=d_batch_norm)
    data = ArraySampler(images, None if labels is None else np.asarray(labels, np.int32),
                        num_classes=None if labels is None else 10)
    trainer = GANTrainer(generator, discriminator, data, NoiseSampler(LATENT_DIM, kind="uniform"),
                         batch_size=batch_size, seed=seed, strategy=strategy,
                         r1_weight=r1_weight, **settings)
    trainer.precision = precision
    return trainer


def generate_digits(generator, n=None, labels=None, seed=0):
    """Images from a trained generator (a conditional one needs ``labels``).

    ``labels`` may be one digit (``n`` copies) or one label per image.
    """
    import numpy as np

    conditional = len(generator.inputs) == 2
    if labels is not None:
        labels = np.asarray(labels)
        if n is None:
            n = labels.size
        labels = np.broadcast_to(labels.reshape(-1) if labels.ndim else labels, (n,))
        if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 or labels.max() > 9:
            raise ValueError(f"labels must be digits 0-9, got {np.unique(labels)[:10]!r}")
    if n is None:
        raise ValueError("give n (how many images) or labels")
    n = check_positive_int("n", int(n))
    if conditional and labels is None:
        raise ValueError("this generator is conditional: say which digits (labels=...)")
    if labels is not None and not conditional:
        raise ValueError(f"the generator {generator.name!r} takes no labels (it is not "
                         "conditional); leave labels=None")
    rng = np.random.default_rng(seed)
    z = rng.uniform(-1.0, 1.0, size=(n, generator.inputs[0].shape[-1])).astype(np.float32)
    inputs = [z, labels.astype(np.int32)] if conditional else z
    return np.asarray(generator.predict(inputs, batch_size=500, verbose=0))


# --- the longer-trained generators that ship with the repository ---------------

ASSETS = _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))), "assets")
#: budget, settings and measured scores of the shipped generators
#: (written by ``scripts/train_variants.py``)
MANIFEST_PATH = _os.path.join(ASSETS, "gan_variants.json")


def shipped_path(variant, assets=None):
    """Where the shipped generator of ``variant`` lives."""
    return _os.path.join(assets or ASSETS, f"{check_variant(variant)}_generator.weights.h5")


def load_manifest(path=None):
    """The record of the shipped generators: how long they trained and their scores."""
    path = _os.fspath(path or MANIFEST_PATH)
    if not _os.path.isfile(path):
        raise FileNotFoundError(
            f"no record of the trained generators at {path!r}; make them with "
            "`python scripts/train_variants.py`")
    with open(path) as f:
        manifest = _json.load(f)
    if not isinstance(manifest, dict) or "variants" not in manifest:
        raise ValueError(f"{path!r} is not a record written by scripts/train_variants.py")
    return manifest


def load_generator(variant, path=None, widths=None, manifest=None, assets=None):
    """A trained generator of ``variant``, checked before it is used.

    Without ``path``: the generator that ships with the repository; its file
    must match the SHA-256 and the widths recorded in the manifest. With
    ``path``: your own file from :func:`helpers.checkpoints.save_weights`,
    built with ``widths`` (default ``"classroom"``). A missing file raises
    FileNotFoundError, a file for another variant or size ValueError.
    """
    from ..checkpoints import load_weights

    variant = check_variant(variant)
    if path is None:
        record = (manifest or load_manifest())["variants"].get(variant)
        if record is None:
            raise ValueError(f"no shipped generator for {variant!r} in the manifest")
        widths = record["widths"] if widths is None else widths
        generator = variant_generator(variant, widths)
        return load_weights(generator, shipped_path(variant, assets), sha256=record["sha256"])
    generator = variant_generator(variant, "classroom" if widths is None else widths)
    return load_weights(generator, path)


# --- one way to train and grade them all ----------------------------------------

#: the settings the notebook and ``scripts/train_variants.py`` train with.
#: WGAN keeps the chapter's (RMSprop 5e-5, five critic steps, clipping at 0.01:
#: its algorithm). The others use Adam with beta_1 = 0.5 at 2e-4 for both
#: networks (the DCGAN paper's choice) instead of the chapter's RMSprop
#: 1e-4 / 2e-4: measured here on the classroom widths, after 400 steps at batch
#: 32 Adam gave 28% readable DCGAN digits and the chapter's RMSprop 4%.
CLASSROOM_SETTINGS = {
    variant: (dict(CHAPTER_SETTINGS[variant]) if variant == "wgan" else
              dict(CHAPTER_SETTINGS[variant], optimizer="adam_gan", learning_rate=2e-4,
                   d_learning_rate=2e-4))
    for variant in VARIANTS
}

#: what ``scripts/train_variants.py`` trains the shipped generators with. A long
#: run needs more than the short table: with the table's settings DCGAN's digits
#: stopped improving at about 55% readable after 3,000 steps, so D also pays the
#: R1 penalty on its gradient at real digits (weight 5, as in notebook 03) and
#: both networks learn at 4e-4. WGAN keeps its algorithm (clipping, five critic
#: steps, RMSprop) at a rate the clipped critic can follow on this budget.
SHIPPED_SETTINGS = {
    variant: (dict(CLASSROOM_SETTINGS[variant], learning_rate=2e-4, d_learning_rate=2e-4)
              if variant == "wgan" else
              dict(CLASSROOM_SETTINGS[variant], learning_rate=4e-4, d_learning_rate=4e-4,
                   r1_weight=5.0))
    for variant in VARIANTS
}
#: the shipped generators' budget: generator steps (WGAN: each with five critic
#: steps) and batch size
SHIPPED_BUDGET = {"steps": 8000, "wgan_steps": 6000, "batch_size": 64}

#: how generators are graded: this many images (digits 0-9 in turn for the
#: conditional ones) from this noise seed
SCORE_N = 2000
SCORE_SEED = 2024


def score_generator(generator, evaluator, n=SCORE_N, seed=SCORE_SEED):
    """The evaluator's scores of ``n`` images from ``generator`` (for a
    conditional generator the digits 0-9 are asked for in turn and
    ``label_accuracy`` says how often the asked-for digit came out)."""
    import numpy as np

    conditional = len(generator.inputs) == 2
    labels = np.arange(n) % 10 if conditional else None
    images = generate_digits(generator, n=n, labels=labels, seed=seed)
    return evaluator.scores(images, labels)


# --- the notebook's experiment: recipe, run, check ----------------------------------

NAME = "variants"

#: notebook 05's short runs: every variant with :data:`CLASSROOM_SETTINGS`,
#: this many generator steps at this batch size
RECIPE = {"steps": 300, "batch_size": 32}

#: the notebook's lesson: after the short budget ACGAN follows its label this
#: much more often than CGAN (label accuracy, 2,000 digits asked for 0-9 in turn)
LABEL_GAP_AT_LEAST = 0.20


def check(metrics):
    """What is wrong with a run's metrics (empty: the lesson of notebook 05 holds)."""
    problems = []
    gap = metrics["acgan_label_accuracy"] - metrics["cgan_label_accuracy"]
    if gap < LABEL_GAP_AT_LEAST:
        problems.append(f"ACGAN follows its label only {gap:+.0%} more often than CGAN "
                        f"(at least {LABEL_GAP_AT_LEAST:+.0%} expected)")
    return problems


#: WGAN with a gradient penalty instead of clipping (Gulrajani et al. 2017):
#: the same critic, five critic steps and budget as WGAN, no clip, and the
#: table's Adam (beta_1 = 0.5) at 2e-4 for both networks
WGAN_GP_SETTINGS = dict(loss="wasserstein_gp", clip_value=None, optimizer="adam_gan",
                        learning_rate=2e-4, d_learning_rate=2e-4)

#: what the notebook asserts of WGAN-GP against the clipped WGAN on one budget:
#: its Frechet distance at most this share of the clipped run's ...
GP_FID_RATIO_AT_MOST = 0.6
#: ... at least this many more readable digits ...
GP_READABLE_GAIN_AT_LEAST = 0.05
#: ... and its distance estimate, E f(x) - E f(G(z)), falling over the run to
#: at most this share of where it started (mean of the first and last 50 steps)
GP_DISTANCE_DROP_AT_MOST = 0.6


def distance_drop(trainer, window=50):
    """Mean of the critic's distance estimate over the last ``window`` steps
    divided by its mean over the first ``window`` (below 1: it fell)."""
    import numpy as np

    w = np.asarray(trainer.history["w_estimate"], dtype=float)
    window = max(1, min(window, len(w) // 2))
    return float(np.mean(w[-window:]) / np.mean(w[:window]))


def wgan_gp_metrics(gp_trainer, gp_scores, wgan_scores):
    """The numbers the WGAN-GP lesson asserts, from a WGAN-GP run and the
    scores of a clipped WGAN trained on the same budget."""
    return {"wgan_gp_readable": gp_scores["readable"], "wgan_gp_fid": gp_scores["fid"],
            "wgan_gp_fid_ratio": gp_scores["fid"] / wgan_scores["fid"],
            "wgan_gp_readable_gain": gp_scores["readable"] - wgan_scores["readable"],
            "wgan_gp_distance_drop": distance_drop(gp_trainer)}


def check_wgan_gp(metrics):
    """What is wrong with the WGAN-GP comparison (empty: the lesson holds)."""
    problems = []
    if metrics["wgan_gp_fid_ratio"] > GP_FID_RATIO_AT_MOST:
        problems.append(f"WGAN-GP's Frechet distance is {metrics['wgan_gp_fid_ratio']:.0%} of the "
                        f"clipped WGAN's (at most {GP_FID_RATIO_AT_MOST:.0%} expected)")
    if metrics["wgan_gp_readable_gain"] < GP_READABLE_GAIN_AT_LEAST:
        problems.append(f"WGAN-GP reads only {metrics['wgan_gp_readable_gain']:+.0%} more often "
                        f"than the clipped WGAN (at least {GP_READABLE_GAIN_AT_LEAST:+.0%} expected)")
    if metrics["wgan_gp_distance_drop"] > GP_DISTANCE_DROP_AT_MOST:
        problems.append(f"WGAN-GP's distance estimate ended at {metrics['wgan_gp_distance_drop']:.0%}"
                        f" of its start (at most {GP_DISTANCE_DROP_AT_MOST:.0%} expected)")
    return problems


#: the chapter's batch-normalisation experiment (DCGAN with BN before each
#: LeakyReLU of its discriminator, same budget): its readable share at most
#: this share of plain DCGAN's ...
BN_READABLE_RATIO_AT_MOST = 0.5
#: ... and its Frechet distance at least this multiple of plain DCGAN's
BN_FID_RATIO_AT_LEAST = 1.3


def batch_norm_metrics(bn_scores, plain_scores):
    """The numbers the batch-normalisation lesson asserts, from the scores of a
    DCGAN with BN in D and of plain DCGAN trained on the same budget."""
    return {"dcgan_bn_readable": bn_scores["readable"], "dcgan_bn_fid": bn_scores["fid"],
            "dcgan_bn_readable_ratio": bn_scores["readable"] / max(plain_scores["readable"], 1e-9),
            "dcgan_bn_fid_ratio": bn_scores["fid"] / plain_scores["fid"]}


def check_batch_norm(metrics):
    """What is wrong with the batch-normalisation comparison (empty: the lesson holds)."""
    problems = []
    if metrics["dcgan_bn_readable_ratio"] > BN_READABLE_RATIO_AT_MOST:
        problems.append(f"with BN in D, DCGAN keeps {metrics['dcgan_bn_readable_ratio']:.0%} of its "
                        f"readable digits (at most {BN_READABLE_RATIO_AT_MOST:.0%} expected)")
    if metrics["dcgan_bn_fid_ratio"] < BN_FID_RATIO_AT_LEAST:
        problems.append(f"with BN in D, DCGAN's Frechet distance is only "
                        f"{metrics['dcgan_bn_fid_ratio']:.2f}x plain DCGAN's (at least "
                        f"{BN_FID_RATIO_AT_LEAST}x expected)")
    return problems


#: sample evolution: this many digits (0-9 in turn for CGAN and ACGAN) are drawn
#: from fixed noise every so many steps and graded; the first ten are kept
EVOLUTION_N = 200
EVOLUTION_SEED = 7


def evolution_recorder(evaluator, every=75, n=EVOLUTION_N, seed=EVOLUTION_SEED):
    """A callback that records, at the start, every ``every`` steps and at the
    end, ten digits from fixed noise and the evaluator's readable share of ``n``
    (``recorder.steps``, ``recorder.frames``: dicts with ``images`` and
    ``readable``). Drawing them changes nothing in the run."""
    import numpy as np

    from ..evaluator import READABLE_PROBABILITY
    from ..training import FrameRecorder

    n = check_positive_int("n", n)
    if n < 10:
        raise ValueError(f"n must be at least 10 (ten digits are kept), got {n}")

    def grab(trainer):
        conditional = len(trainer.generator.inputs) == 2
        labels = np.arange(n) % 10 if conditional else None
        images = generate_digits(trainer.generator, n=n, labels=labels, seed=seed)
        readable = float(np.mean(evaluator.predict(images).max(axis=1) >= READABLE_PROBABILITY))
        return {"images": images[:10], "readable": readable}

    return FrameRecorder(grab, every=every)


def train_wgan_gp(seed=0, steps=RECIPE["steps"], batch_size=RECIPE["batch_size"], digits=None,
                  progress=True, callbacks=(), **settings):
    """Train WGAN's networks with the gradient penalty (:data:`WGAN_GP_SETTINGS`,
    ``settings`` override them); returns its trainer."""
    return train_variant("wgan", seed=seed, steps=steps, batch_size=batch_size, digits=digits,
                         progress=progress, callbacks=callbacks,
                         **{**WGAN_GP_SETTINGS, **settings})


def train_variant(variant, seed=0, steps=RECIPE["steps"], batch_size=RECIPE["batch_size"],
                  digits=None, progress=True, callbacks=(), **settings):
    """Train one variant from scratch with :data:`CLASSROOM_SETTINGS` (``settings``
    override them); returns its trainer."""
    from ..datasets import load_mnist

    variant = check_variant(variant)
    if digits is None:
        digits = load_mnist(verbose=False)
    trainer = make_variant_trainer(variant, digits.x, digits.y, batch_size=batch_size,
                                   seed=seed, **{**CLASSROOM_SETTINGS[variant], **settings})
    trainer.train(check_positive_int("steps", steps), callbacks=callbacks, progress=progress,
                  desc=variant)
    return trainer


def run(seed=0, steps=None, progress=True, callbacks=(), digits=None, evaluator=None,
        variants=VARIANTS, **overrides):
    """Train every variant on the short budget for one seed and grade 2,000
    digits of each; returns a :class:`helpers.experiments.Result` whose
    ``trainer`` is a dict variant -> trainer and whose samples come from DCGAN.
    With WGAN among the variants, WGAN-GP is trained on the same budget too
    (``trainer["wgan_gp"]``) and compared with it (:func:`check_wgan_gp`); with
    DCGAN, a DCGAN with batch normalisation in D too (``trainer["dcgan_bn"]``,
    :func:`check_batch_norm`)."""
    import time

    from . import Result, with_overrides
    from ..datasets import load_mnist
    from ..evaluator import load_evaluator

    start = time.perf_counter()
    s = with_overrides(RECIPE, overrides)
    steps = s["steps"] if steps is None else check_positive_int("steps", steps)
    variants = [check_variant(v) for v in variants]
    if not set(CONDITIONAL) <= set(variants):
        raise ValueError("the lesson compares CGAN and ACGAN: keep both in variants")
    digits = load_mnist(verbose=False) if digits is None else digits
    evaluator = evaluator or load_evaluator()
    trainers, metrics, scores = {}, {}, {}
    for variant in variants:
        trainers[variant] = train_variant(variant, seed, steps, s["batch_size"], digits,
                                          progress, callbacks)
        scores[variant] = score_generator(trainers[variant].generator, evaluator)
        metrics[f"{variant}_readable"] = scores[variant]["readable"]
        metrics[f"{variant}_fid"] = scores[variant]["fid"]
        if variant in CONDITIONAL:
            metrics[f"{variant}_label_accuracy"] = scores[variant]["label_accuracy"]
    metrics["label_gap"] = metrics["acgan_label_accuracy"] - metrics["cgan_label_accuracy"]
    problems = check(metrics)
    if "wgan" in variants:
        trainers["wgan_gp"] = train_wgan_gp(seed, steps, s["batch_size"], digits, progress,
                                            callbacks)
        scores["wgan_gp"] = score_generator(trainers["wgan_gp"].generator, evaluator)
        metrics.update(wgan_gp_metrics(trainers["wgan_gp"], scores["wgan_gp"], scores["wgan"]))
        problems += check_wgan_gp(metrics)
    if "dcgan" in variants:
        trainers["dcgan_bn"] = train_variant("dcgan", seed, steps, s["batch_size"], digits,
                                             progress, callbacks, d_batch_norm=True)
        scores["dcgan_bn"] = score_generator(trainers["dcgan_bn"].generator, evaluator)
        metrics.update(batch_norm_metrics(scores["dcgan_bn"], scores["dcgan"]))
        problems += check_batch_norm(metrics)
    first = trainers[variants[0]]
    return Result(NAME, seed, steps, metrics, problems, time.perf_counter() - start,
                  trainer=trainers, extra={"scores": scores},
                  sampler=lambda n, s_: generate_digits(
                      first.generator, n=n,
                      labels=(np.arange(n) % 10 if variants[0] in CONDITIONAL else None),
                      seed=s_))
