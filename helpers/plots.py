"""Pictures: densities, decision boundaries, loss curves, image grids, animations.

Every drawing function takes an optional matplotlib ``ax``; without one it makes
a new figure. Functions that build their own figure use
``matplotlib.figure.Figure`` (not pyplot) when asked for a PNG, so the widget
panel can draw from its training thread.
"""
import io

import numpy as np
from matplotlib.figure import Figure

from .training import Callback
from .validation import check_positive_int

REAL_COLOR = "tab:green"
FAKE_COLOR = "tab:red"
D_COLOR = "tab:blue"


def _axes(ax, figsize=(6, 3.5)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def figure_to_png(fig, dpi=80):
    """Render a Figure to PNG bytes (for an ``ipywidgets.Image``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def show_grayscale(fig, dpi=None):
    """Show a figure of grayscale pictures as an 8-bit grayscale PNG and close it.

    A figure made of digit grids carries no colour, but matplotlib stores it as
    RGBA; one gray channel keeps the notebook about a third as large.
    Returns the ``IPython.display.Image`` shown.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display
    from PIL import Image as PILImage

    png = figure_to_png(fig, dpi=fig.dpi if dpi is None else dpi)
    plt.close(fig)
    out = io.BytesIO()
    PILImage.open(io.BytesIO(png)).convert("L").save(out, format="PNG", optimize=True)
    image = Image(out.getvalue(), format="png")
    display(image)
    return image


def new_figure(ncols=1, figsize=(6, 3.5)):
    """A pyplot-free Figure with ``ncols`` axes (safe to draw from a thread)."""
    fig = Figure(figsize=figsize)
    axes = fig.subplots(1, ncols)
    return fig, axes


# --- 1-D densities and the decision boundary ---------------------------------

def frame_1d(trainer, x_range=(-8.0, 8.0), bins=100, n=10_000, seed=0):
    """What the 1-D chapter draws at one moment of training.

    Returns a dict: ``x`` (grid), ``d`` (D(x) on the grid), ``centers`` (bin
    centres), ``p_real`` and ``p_fake`` (histogram densities).
    """
    lo, hi = x_range
    xs = np.linspace(lo, hi, 400, dtype=np.float32)[:, None]
    edges = np.linspace(lo, hi, bins + 1)
    real = trainer.data.numpy(n, seed=seed).ravel()
    fake = trainer.generate(n, seed=seed).ravel()
    p_real, _ = np.histogram(real, bins=edges, density=True)
    p_fake, _ = np.histogram(np.clip(fake, lo, hi), bins=edges, density=True)
    return {
        "x": xs[:, 0], "d": trainer.discriminate(xs).ravel(),
        "centers": 0.5 * (edges[1:] + edges[:-1]),
        "p_real": p_real, "p_fake": p_fake, "step": trainer.step,
    }


def draw_frame_1d(frame, ax=None, title=None, ylim=(0, 1.4)):
    """Draw a :func:`frame_1d`: D(x), the real density and the generated density."""
    ax = _axes(ax)
    ax.plot(frame["x"], frame["d"], color=D_COLOR, label="D(x) (decision boundary)")
    ax.plot(frame["centers"], frame["p_real"], color=REAL_COLOR, label="real data")
    ax.plot(frame["centers"], frame["p_fake"], color=FAKE_COLOR, label="generated")
    ax.set_ylim(*ylim)
    ax.set_xlim(frame["x"][0], frame["x"][-1])
    ax.set_xlabel("x")
    ax.set_ylabel("density / probability")
    ax.set_title(title or f"step {frame['step']}")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_1d_gan(trainer, ax=None, title=None, x_range=(-8.0, 8.0)):
    """The chapter's picture for a trainer as it is now."""
    return draw_frame_1d(frame_1d(trainer, x_range=x_range), ax=ax, title=title)


def plot_densities(real, fake, ax=None, bins=60, value_range=None, pdf=None,
                   labels=("real", "generated")):
    """Histograms of real and generated values on shared bins (and a true pdf).

    ``fake=None`` draws the real data alone.
    """
    ax = _axes(ax)
    real = np.ravel(real)
    fake = None if fake is None else np.ravel(fake)
    if value_range is None:
        both = real if fake is None else np.concatenate([real, fake])
        value_range = (np.percentile(both, 0.5), np.percentile(both, 99.5))
    edges = np.linspace(*value_range, bins + 1)
    ax.hist(real, bins=edges, density=True, histtype="stepfilled", alpha=0.35,
            color=REAL_COLOR, label=labels[0])
    if fake is not None:
        ax.hist(np.clip(fake, *value_range), bins=edges, density=True, histtype="step",
                lw=2, color=FAKE_COLOR, label=labels[1])
    if pdf is not None:
        xs = np.linspace(*value_range, 300)
        ax.plot(xs, pdf(xs), "k--", lw=1, label="true density")
    ax.set_xlabel("value")
    ax.set_ylabel("density")
    ax.legend(fontsize="small")
    return ax


# --- training curves -----------------------------------------------------------

def smooth(values, window):
    """Moving average (same length; the first points average what exists)."""
    values = np.asarray(values, dtype=np.float64)
    if window <= 1 or len(values) == 0:
        return values
    c = np.cumsum(np.insert(values, 0, 0.0))
    out = np.empty_like(values)
    for i in range(len(values)):
        lo = max(0, i + 1 - window)
        out[i] = (c[i + 1] - c[lo]) / (i + 1 - lo)
    return out


def plot_losses(history, keys=("d_loss", "g_loss"), ax=None, window=None, title="losses",
                label_prefix="", linestyle="-"):
    """Loss curves from a :class:`helpers.training.History` or a dict of
    per-step arrays (smoothed over ``window`` steps; default 1% of the run)."""
    ax = _axes(ax)
    present = [k for k in keys if k in history]
    n = len(history[present[0]]) if present else 0
    window = window or max(1, n // 100)
    steps = np.arange(1, n + 1)
    for key in present:
        ax.plot(steps, smooth(history[key], window), linestyle, label=f"{label_prefix}{key}")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


# --- images --------------------------------------------------------------------

def tile_images(images, ncols=None, value_range=(-1.0, 1.0), pad=1):
    """Tile (n, h, w[, c]) images into one array in [0, 1] (the chapters' grid)."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, c), got {images.shape}")
    lo, hi = value_range
    images = np.clip((images - lo) / (hi - lo), 0.0, 1.0)
    n, h, w = images.shape[:3]
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    shape = (nrows * (h + pad) + pad, ncols * (w + pad) + pad) + images.shape[3:]
    grid = np.ones(shape, dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, ncols)
        grid[pad + r * (h + pad): pad + r * (h + pad) + h,
             pad + c * (w + pad): pad + c * (w + pad) + w] = images[i]
    return grid


def image_grid(images, ax=None, ncols=None, value_range=(-1.0, 1.0), title=None):
    """Show a grid of images (grayscale or RGB)."""
    grid = tile_images(images, ncols=ncols, value_range=value_range)
    ax = _axes(ax, figsize=(5, 5))
    ax.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


# --- animation -----------------------------------------------------------------

def animate(frames, draw, interval=120, figsize=(6, 3.5), dpi=60):
    """Play ``draw(frame, ax)`` over ``frames`` inside the notebook (no ffmpeg).

    Returns an ``IPython.display.HTML`` holding a JavaScript player with the
    frames embedded as PNGs.
    """
    import matplotlib.pyplot as plt
    from matplotlib import animation
    from IPython.display import HTML

    if len(frames) == 0:
        raise ValueError("no frames to animate")
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)

    def update(i):
        ax.clear()
        draw(frames[i], ax)
        return []

    anim = animation.FuncAnimation(fig, update, frames=len(frames), interval=interval,
                                   blit=False)
    html = offline_player(anim.to_jshtml(default_mode="once"))
    plt.close(fig)  # otherwise a static copy of the last frame is shown too
    return HTML(html)


#: the player's buttons as plain characters (matplotlib draws them with an icon
#: font fetched from a CDN, which shows empty buttons offline)
_PLAYER_ICONS = {
    "fa fa-minus": "&minus;", "fa fa-plus": "+",
    "fa fa-fast-backward": "&#x23EE;", "fa fa-fast-forward": "&#x23ED;",
    "fa fa-step-backward": "&#x25C2;&#x2502;", "fa fa-step-forward": "&#x2502;&#x25B8;",
    "fa fa-play fa-flip-horizontal": "&#x25C0;", "fa fa-play": "&#x25B6;",
    "fa fa-pause": "&#x23F8;",
}


def offline_player(html):
    """Matplotlib's JavaScript player without its web font: the stylesheet link
    is dropped and each icon becomes a character, so the controls render with
    no network (a classroom without internet, a notebook opened years later)."""
    import re

    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html, flags=re.IGNORECASE | re.DOTALL)
    for css_class, glyph in _PLAYER_ICONS.items():
        html = html.replace(f'<i class="{css_class}"></i>', glyph)
    if re.search(r'<i class="fa[ "]', html):
        raise RuntimeError("matplotlib's player uses an icon this module does not know; "
                           "extend plots._PLAYER_ICONS")
    return html


# --- watching it train ---------------------------------------------------------

class ImageGrid(Callback):
    """Every ``every`` steps: generate ``n`` digits from fixed noise, keep the grid
    (``frames``, ``steps``), optionally score them with a digit evaluator
    (``scores``) and, with ``live=True``, redraw one picture in the notebook.
    """

    def __init__(self, every=200, n=36, seed=1234, evaluator=None, score_n=500,
                 live=True, figsize=(3.2, 3.2)):
        self.every = check_positive_int("every", every)
        self.n = check_positive_int("n", n)
        self.seed = seed
        self.evaluator = evaluator
        self.score_n = check_positive_int("score_n", score_n)
        self.live = live
        self.figsize = figsize
        self.frames, self.steps, self.scores = [], [], []
        self._next = 0
        self._handle = None

    def _grab(self, trainer):
        self.frames.append(trainer.generate(self.n, seed=self.seed))
        self.steps.append(trainer.step)
        if self.evaluator is not None:
            self.scores.append(self.evaluator.scores(
                trainer.generate(self.score_n, seed=self.seed + 1)))
        if self.live:
            self._show()

    def _show(self):
        from IPython.display import Image, display

        fig, ax = new_figure(1, figsize=self.figsize)
        title = f"step {self.steps[-1]}"
        if self.scores:
            title += f": {self.scores[-1]['readable']:.0%} readable"
        image_grid(self.frames[-1], ax=ax, title=title)
        png = Image(figure_to_png(fig, dpi=72))
        if self._handle is None:
            self._handle = display(png, display_id=True)
        else:
            self._handle.update(png)

    def on_train_begin(self, trainer):
        self._handle = None
        if not self.steps or self.steps[-1] != trainer.step:
            self._grab(trainer)
        self._next = trainer.step + self.every

    def on_chunk_end(self, trainer, logs):
        if trainer.step >= self._next:
            self._next = trainer.step + self.every
            self._grab(trainer)

    def on_train_end(self, trainer):
        if self.steps[-1] != trainer.step:
            self._grab(trainer)

    def score_history(self, key="readable"):
        """(steps, values) of one score over the run."""
        if not self.scores:
            raise ValueError("no scores recorded: give the callback an evaluator")
        return np.array(self.steps), np.array([s[key] for s in self.scores])
