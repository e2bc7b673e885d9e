"""GAN objectives, one function per equation in the notebooks.

The discriminators in ``helpers.models`` end in a plain linear unit: they return
a *logit* ``l``, and the probability the chapters call ``D(x)`` is ``sigmoid(l)``.
Writing the logs through the logit keeps them finite:

    log D(x)       = -softplus(-l)
    log(1 - D(x))  = -softplus(l)

A loss object bundles the two sides a trainer needs. ``discriminator(...)``
returns a dict with at least ``"d_loss"``; ``generator(...)`` a dict with at
least ``"g_loss"``. Every entry is recorded in the training history, so a loss
can report its parts (``d_loss_real``, ``d_loss_fake``, ...). Both methods also
receive the class labels of the real and generated batch, which conditional
losses use and the others ignore.
"""
import tensorflow as tf


def _mean(x):
    return tf.reduce_mean(tf.cast(x, tf.float32))


# --- the original (minimax) game --------------------------------------------

def d_loss_real(real_logits):
    """-E_x[log D(x)]: the discriminator's cost on real samples."""
    return _mean(tf.nn.softplus(-real_logits))


def d_loss_fake(fake_logits):
    """-E_z[log(1 - D(G(z)))]: the discriminator's cost on generated samples."""
    return _mean(tf.nn.softplus(fake_logits))


def minimax_d_loss(real_logits, fake_logits):
    """L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))]"""
    return d_loss_real(real_logits) + d_loss_fake(fake_logits)


def minimax_g_loss(fake_logits):
    """L_G = E_z[log(1 - D(G(z)))] (minimised by G; saturates when D wins)"""
    return -_mean(tf.nn.softplus(fake_logits))


def non_saturating_g_loss(fake_logits):
    """L_G = -E_z[log D(G(z))] (same fixed point, strong gradients early on)"""
    return _mean(tf.nn.softplus(-fake_logits))


# --- Wasserstein and least squares (used by the later chapters) -------------

def wasserstein_d_loss(real_scores, fake_scores):
    """L_critic = E_z[f(G(z))] - E_x[f(x)]"""
    return _mean(fake_scores) - _mean(real_scores)


def wasserstein_g_loss(fake_scores):
    """L_G = -E_z[f(G(z))]"""
    return -_mean(fake_scores)


def gradient_penalty(critic, real, fake, eps):
    """E[(||grad_x f(x_hat)||_2 - 1)^2] with x_hat = eps * x + (1 - eps) * G(z).

    WGAN-GP's replacement for weight clipping: the critic ``f`` (a callable
    returning one score per example) is pushed towards gradient norm 1 on
    points between real and generated samples, which is where a
    1-Lipschitz optimal critic has it. ``eps`` is one U(0, 1) number per
    example, shaped to broadcast over the samples (e.g. (n, 1, 1, 1)).
    """
    real = tf.cast(real, tf.float32)
    fake = tf.cast(fake, tf.float32)
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        total = tf.reduce_sum(tf.cast(critic(x_hat), tf.float32))
    grads = tape.gradient(total, x_hat)
    axes = list(range(1, len(x_hat.shape)))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + 1e-12)
    return _mean(tf.square(norms - 1.0))


def source_output(out):
    """The real/fake output of a discriminator that may also return class logits."""
    return out[0] if isinstance(out, (list, tuple)) else out


def r1_penalty(discriminator, real):
    """E_x[||grad_x D(x)||_2^2] on real samples x (Mescheder et al., 2018).

    ``discriminator`` is a callable returning one logit per example (or a
    tuple whose first item is that logit, as ACGAN's D returns). The
    trainer adds ``r1_weight / 2`` times this to the discriminator's loss: it
    keeps D flat around the data, so D cannot sharpen without bound at the
    real points (the oscillation that stalls a GAN near its equilibrium), and
    the generator gets smoother gradients. Returns ``(penalty, output)``, the
    callable's whole output on ``real``, so the caller reuses this forward pass.
    """
    real = tf.convert_to_tensor(real)
    with tf.GradientTape() as tape:
        tape.watch(real)
        output = discriminator(real)
        total = tf.reduce_sum(tf.cast(source_output(output), tf.float32))
    grads = tf.cast(tape.gradient(total, real), tf.float32)
    axes = list(range(1, len(grads.shape)))
    return _mean(tf.reduce_sum(tf.square(grads), axis=axes)), output


def least_squares_d_loss(real_scores, fake_scores):
    """L_D = 1/2 E_x[(D(x) - 1)^2] + 1/2 E_z[D(G(z))^2]"""
    return 0.5 * _mean(tf.square(real_scores - 1.0)) + 0.5 * _mean(tf.square(fake_scores))


def least_squares_g_loss(fake_scores):
    """L_G = 1/2 E_z[(D(G(z)) - 1)^2]"""
    return 0.5 * _mean(tf.square(fake_scores - 1.0))


def wasserstein_label_loss(y_label, y_pred):
    """L = -y_label * (1/m) sum_i y_pred_i: the chapter's form, with y_label = +1
    for real and -1 for fake. Its real and fake halves add up to
    :func:`wasserstein_d_loss`; with y_label = +1 on G(z) it is
    :func:`wasserstein_g_loss`."""
    return -tf.cast(y_label, tf.float32) * _mean(y_pred)


# --- the auxiliary classifier (ACGAN) ----------------------------------------

def class_loss(class_logits, labels):
    """-E[log p(c | x)]: cross-entropy of the class head against the true labels."""
    labels = tf.cast(tf.reshape(labels, [-1]), tf.int32)
    return _mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=tf.cast(class_logits, tf.float32)))


def class_accuracy(class_logits, labels):
    """Share of examples whose most likely class is the true label."""
    labels = tf.cast(tf.reshape(labels, [-1]), tf.int32)
    predicted = tf.argmax(class_logits, axis=-1, output_type=tf.int32)
    return _mean(tf.equal(predicted, labels))


def acgan_d_loss(real_source, fake_source, real_classes, fake_classes, real_labels,
                 fake_labels, class_weight=1.0):
    """L_D = -E log D(x) - E log(1 - D(G(z|c))) - E log p(c|x) - E log p(c|G(z|c))"""
    return (minimax_d_loss(real_source, fake_source)
            + class_weight * (class_loss(real_classes, real_labels)
                              + class_loss(fake_classes, fake_labels)))


def acgan_g_loss(fake_source, fake_classes, fake_labels, class_weight=1.0):
    """L_G = -E log D(G(z|c)) - E log p(c|G(z|c))"""
    return non_saturating_g_loss(fake_source) + class_weight * class_loss(fake_classes,
                                                                          fake_labels)


# --- loss objects the trainer plugs in ---------------------------------------

class GANLoss:
    """A pair (discriminator loss, generator loss) for unconditional outputs."""

    #: the name used by :func:`get_loss`
    name = "custom"
    #: True when the discriminator's output is a logit read through a sigmoid
    uses_sigmoid = True

    def __init__(self, d_fn, g_fn, name="custom", uses_sigmoid=True, split_d=None):
        self._d_fn = d_fn
        self._g_fn = g_fn
        self._split_d = split_d
        self.name = name
        self.uses_sigmoid = uses_sigmoid

    def discriminator(self, real_out, fake_out, real_labels=None, fake_labels=None):
        out = {"d_loss": self._d_fn(real_out, fake_out)}
        if self._split_d is not None:
            out["d_loss_real"], out["d_loss_fake"] = self._split_d(real_out, fake_out)
        return out

    def generator(self, fake_out, fake_labels=None):
        return {"g_loss": self._g_fn(fake_out)}

    def __repr__(self):
        return f"GANLoss({self.name!r})"


class WassersteinGPLoss(GANLoss):
    """The Wasserstein loss with a gradient penalty on the critic (WGAN-GP):

        L_critic = E_z[f(G(z))] - E_x[f(x)] + lambda * E[(||grad f(x_hat)||_2 - 1)^2]
        L_G      = -E_z[f(G(z))]

    The trainer computes the penalty (it needs the critic and both batches, see
    :func:`gradient_penalty`) and adds ``penalty_weight`` times it to ``d_loss``;
    the history then also holds ``gradient_penalty`` and ``w_estimate``
    (E f(x) - E f(G(z)), the critic's estimate of the Wasserstein distance).
    No weight clipping is needed.
    """

    def __init__(self, penalty_weight=10.0):
        penalty_weight = float(penalty_weight)
        if not (penalty_weight > 0 and penalty_weight < float("inf")):
            raise ValueError(f"penalty_weight must be a positive number, got {penalty_weight!r}")
        super().__init__(wasserstein_d_loss, wasserstein_g_loss, "wasserstein_gp",
                         uses_sigmoid=False)
        self.penalty_weight = penalty_weight

    def __repr__(self):
        return f"WassersteinGPLoss(penalty_weight={self.penalty_weight:g})"


class ACGANLoss:
    """ACGAN: the non-saturating source loss plus a class loss on both networks.

    The discriminator returns ``(source_logit, class_logits)``. Both sides
    report their parts: ``d_source_loss``, ``d_class_loss`` and
    ``d_class_accuracy`` (on real images); ``g_source_loss``, ``g_class_loss``
    and ``g_class_accuracy`` (D's accuracy on the generated images, i.e. how
    often they show the digit that was asked for). ``class_weight`` scales the
    class terms (1 in the chapter).
    """

    name = "acgan"
    uses_sigmoid = True

    def __init__(self, class_weight=1.0):
        class_weight = float(class_weight)
        if not (class_weight >= 0 and class_weight < float("inf")):
            raise ValueError(f"class_weight must be a finite number >= 0, got {class_weight!r}")
        self.class_weight = class_weight

    @staticmethod
    def _split(out):
        if not isinstance(out, (list, tuple)) or len(out) != 2:
            raise ValueError("ACGAN needs a discriminator that returns "
                             "(source_logit, class_logits)")
        return out

    def discriminator(self, real_out, fake_out, real_labels=None, fake_labels=None):
        if real_labels is None or fake_labels is None:
            raise ValueError("ACGAN needs the class labels of the real and generated batch")
        real_source, real_classes = self._split(real_out)
        fake_source, fake_classes = self._split(fake_out)
        source = minimax_d_loss(real_source, fake_source)
        classes = class_loss(real_classes, real_labels) + class_loss(fake_classes, fake_labels)
        return {"d_loss": source + self.class_weight * classes,
                "d_source_loss": source, "d_class_loss": classes,
                "d_class_accuracy": class_accuracy(real_classes, real_labels)}

    def generator(self, fake_out, fake_labels=None):
        if fake_labels is None:
            raise ValueError("ACGAN needs the class labels of the generated batch")
        fake_source, fake_classes = self._split(fake_out)
        source = non_saturating_g_loss(fake_source)
        classes = class_loss(fake_classes, fake_labels)
        return {"g_loss": source + self.class_weight * classes,
                "g_source_loss": source, "g_class_loss": classes,
                "g_class_accuracy": class_accuracy(fake_classes, fake_labels)}

    def __repr__(self):
        return f"ACGANLoss(class_weight={self.class_weight:g})"


def _split_minimax(real, fake):
    return d_loss_real(real), d_loss_fake(fake)


LOSSES = {
    "minimax": lambda: GANLoss(minimax_d_loss, minimax_g_loss, "minimax",
                               split_d=_split_minimax),
    "non_saturating": lambda: GANLoss(minimax_d_loss, non_saturating_g_loss,
                                      "non_saturating", split_d=_split_minimax),
    "wasserstein": lambda: GANLoss(wasserstein_d_loss, wasserstein_g_loss,
                                   "wasserstein", uses_sigmoid=False),
    "wasserstein_gp": WassersteinGPLoss,
    "least_squares": lambda: GANLoss(least_squares_d_loss, least_squares_g_loss,
                                     "least_squares", uses_sigmoid=False),
    "acgan": ACGANLoss,
}


def get_loss(loss):
    """Return a loss object from a name in :data:`LOSSES` (or pass one through)."""
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {sorted(LOSSES)}")
        return LOSSES[loss]()
    if hasattr(loss, "discriminator") and hasattr(loss, "generator"):
        return loss
    raise ValueError(
        f"loss must be a name in {sorted(LOSSES)} or an object with "
        f"discriminator() and generator() methods, got {loss!r}"
    )
