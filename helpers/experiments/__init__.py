"""One experiment per notebook: its recipe, its models, ``run(seed, ...)`` and the
lesson it asserts.

=============  ========  ==================================================
name           notebook  what ``run`` trains and what ``check`` asks of it
=============  ========  ==================================================
``gaussian1d``  01       a GAN that learns N(4, 0.5^2): W1 and spread
``vectors``     02       200-d Gaussian vectors: per-vector moments and W1
``mnist``       03       the Keras MNIST GAN: digits a classifier can read
``faces``       04       a dense GAN on faces: new faces, not copies
``variants``    05       DCGAN, CGAN, WGAN(-GP), LSGAN, ACGAN on one budget
``ring``        06       mode collapse on a ring and a grid of Gaussians
=============  ========  ==================================================

Every experiment module has the same face::

    RECIPE                      # the notebook's default settings (steps included)
    run(seed=0, steps=None, progress=True, callbacks=(), **overrides) -> Result
    check(metrics) -> list      # what is wrong; empty when the lesson holds

The notebook calls ``run`` and the command below calls the same function, so the
two give the same numbers for the same seed::

    python -m helpers.experiments NAME --seed N [--steps N] [--save-samples F.npy] [--json]

An experiment imports the library (``helpers.*``) and this package's
:class:`Result`, never another experiment.
"""
import importlib
import math
import numbers

import numpy as np

#: the experiments, in notebook order
NAMES = ("gaussian1d", "vectors", "mnist", "faces", "variants", "ring")


def get(name):
    """The experiment module called ``name`` (see :data:`NAMES`)."""
    if name not in NAMES:
        raise ValueError(f"unknown experiment {name!r}; choose one of {', '.join(NAMES)}")
    module = importlib.import_module(f"{__name__}.{name}")
    missing = [attr for attr in ("RECIPE", "run", "check") if not hasattr(module, attr)]
    if missing:
        raise ValueError(f"experiment {name!r} does not define {', '.join(missing)}")
    return module


def with_overrides(recipe, overrides):
    """A copy of ``recipe`` with ``overrides`` applied; a setting the recipe does
    not have is refused, so a misspelt option cannot be silently ignored."""
    settings = dict(recipe)
    unknown = set(overrides) - set(settings)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; the recipe has {sorted(settings)}")
    settings.update(overrides)
    return settings


def _plain(value):
    """A JSON-able copy of a metric (NumPy scalars become Python numbers)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


class Result:
    """What one run of an experiment produced.

    ``metrics``  the numbers the notebook asserts (JSON-able)
    ``problems`` what :func:`check` found wrong (empty: the lesson holds)
    ``trainer``  the trained :class:`helpers.training.GANTrainer` (or a dict of them)
    ``seconds``  wall time of the run, training and scoring included
    ``extra``    objects a notebook wants to look at (histories, tables), not printed
    """

    def __init__(self, name, seed, steps, metrics, problems, seconds, trainer=None,
                 sampler=None, extra=None):
        self.name = name
        self.seed = seed
        self.steps = steps
        self.metrics = dict(metrics)
        self.problems = list(problems)
        self.seconds = float(seconds)
        self.trainer = trainer
        self._sampler = sampler
        self.extra = dict(extra or {})

    @property
    def passed(self):
        """True when the notebook's lesson holds for this run."""
        return not self.problems

    def samples(self, n=2000, seed=2024):
        """``n`` generated samples as a NumPy array (images: (n, H, W, C) in [-1, 1])."""
        if self._sampler is None:
            raise ValueError(f"the {self.name!r} experiment keeps no generator to sample from")
        return np.asarray(self._sampler(n, seed))

    def to_dict(self):
        """Everything the command prints with ``--json``."""
        return {"experiment": self.name, "seed": self.seed, "steps": self.steps,
                **_plain(self.metrics), "seconds": round(self.seconds, 2),
                "passed": self.passed, "problems": list(self.problems)}

    def summary(self):
        """One line per metric, then the verdict."""
        lines = [f"{self.name}, seed {self.seed}, {self.steps} steps, {self.seconds:.1f} s"]
        for key, value in self.metrics.items():
            value = _plain(value)
            text = f"{value:.4g}" if isinstance(value, float) else str(value)
            lines.append(f"  {key:<22} {text}")
        if self.passed:
            lines.append("lesson holds: yes")
        else:
            lines.append("lesson holds: NO")
            lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def __repr__(self):
        return (f"Result({self.name!r}, seed={self.seed}, steps={self.steps}, "
                f"passed={self.passed}, seconds={self.seconds:.1f})")


def run(name, seed=0, **kwargs):
    """Run the experiment ``name`` (see each module's ``run`` for the options)."""
    return get(name).run(seed=seed, **kwargs)
