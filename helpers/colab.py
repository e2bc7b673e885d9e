"""Where the repository lives, for the Colab badge and each notebook's setup cell.

The URL is written here once. ``tests/test_notebooks_structure.py`` checks that
every notebook's badge and setup cell use exactly these values, and
``python -m helpers.colab`` rewrites them after a move.
"""
REPO_OWNER = "gan-classroom"
REPO_NAME = "gan-classroom"
BRANCH = "main"
REPO_URL = f"https://github.com/{REPO_OWNER}/{REPO_NAME}"

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def colab_url(notebook):
    """The 'Open in Colab' link for ``notebooks/<notebook>``."""
    return (f"https://colab.research.google.com/github/{REPO_OWNER}/{REPO_NAME}"
            f"/blob/{BRANCH}/notebooks/{notebook}")


def badge_markdown(notebook):
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook)})"


#: The first code cell of every notebook. In Colab it fetches the repository and
#: installs the few packages Colab lacks (never TensorFlow, Keras or ipywidgets,
#: which Colab provides); locally and in CI it only puts the repository root on
#: the import path.
SETUP_CELL = f'''# Setup: works in Colab, locally and in CI.
import os, subprocess, sys

REPO_URL = "{REPO_URL}"
if "google.colab" in sys.modules:
    if not os.path.isdir("{REPO_NAME}"):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", "{BRANCH}",
                        REPO_URL, "{REPO_NAME}"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "mlxtend", "tqdm"],
                   check=True)
    ROOT = os.path.abspath("{REPO_NAME}")
else:  # the folder holding helpers/ is this notebook's folder or one above it
    ROOT = next(p for p in (os.getcwd(), os.path.dirname(os.getcwd()))
                if os.path.isdir(os.path.join(p, "helpers")))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)'''


def _rewrite(path):
    """Point one notebook's badge and setup cell at the values above."""
    import os
    import re

    import nbformat

    nb = nbformat.read(path, as_version=4)
    name = os.path.basename(path)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "colab-badge.svg" in cell.source:
            cell.source = re.sub(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)",
                                 badge_markdown(name), cell.source)
        if cell.cell_type == "code" and cell.source.startswith("# Setup: works in Colab"):
            cell.source = SETUP_CELL
    nbformat.write(nb, path)


if __name__ == "__main__":
    import glob
    import os

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for nb_path in sorted(glob.glob(os.path.join(here, "notebooks", "*.ipynb"))):
        _rewrite(nb_path)
        print("updated", os.path.relpath(nb_path, here))
