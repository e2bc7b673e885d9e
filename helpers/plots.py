"""Pictures: densities, decision boundaries, loss curves, image grids, animations.

Every drawing function takes an optional matplotlib ``ax``; without one it makes
a new figure. Functions that build their own figure use
``matplotlib.figure.Figure`` (not pyplot) when asked for a PNG, so the widget
panel can draw from its training thread.
"""
import io

import numpy as np
from matplotlib.figure import Figure

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
    html = anim.to_jshtml(default_mode="once")
    plt.close(fig)  # otherwise a static copy of the last frame is shown too
    return HTML(html)
