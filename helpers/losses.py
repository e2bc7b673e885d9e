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


def least_squares_d_loss(real_scores, fake_scores):
    """L_D = 1/2 E_x[(D(x) - 1)^2] + 1/2 E_z[D(G(z))^2]"""
    return 0.5 * _mean(tf.square(real_scores - 1.0)) + 0.5 * _mean(tf.square(fake_scores))


def least_squares_g_loss(fake_scores):
    """L_G = 1/2 E_z[(D(G(z)) - 1)^2]"""
    return 0.5 * _mean(tf.square(fake_scores - 1.0))


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


def _split_minimax(real, fake):
    return d_loss_real(real), d_loss_fake(fake)


LOSSES = {
    "minimax": lambda: GANLoss(minimax_d_loss, minimax_g_loss, "minimax",
                               split_d=_split_minimax),
    "non_saturating": lambda: GANLoss(minimax_d_loss, non_saturating_g_loss,
                                      "non_saturating", split_d=_split_minimax),
    "wasserstein": lambda: GANLoss(wasserstein_d_loss, wasserstein_g_loss,
                                   "wasserstein", uses_sigmoid=False),
    "least_squares": lambda: GANLoss(least_squares_d_loss, least_squares_g_loss,
                                     "least_squares", uses_sigmoid=False),
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
