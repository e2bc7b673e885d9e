"""Numbers in a notebook's prose come from its code.

A number typed into a markdown cell goes stale the first time the notebook is
rerun with other settings or another library version. So every number a
markdown cell quotes must be found in the notebook itself: printed by a cell
(any output, a Markdown output built from code included) or written in a code
cell (a setting, a budget, a constant). Quoting a rounded value is fine: the
markdown "0.15" matches an output "0.1472" (same value at the precision shown).

Left out, because they are not results: single-digit counts and section
numbers (0-10), and years (1950-2029, written without a thousands separator).
"""
import glob
import math
import os
import re

import nbformat
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
#: a x 10^k written as 2·10⁻⁴, 2 \cdot 10^{-4}, 10^{-3}, 2×10^-4
POWER = re.compile(
    r"(?:(\d+(?:\.\d+)?)\s*(?:·|×|\\cdot|\\times|x)\s*)?10\s*(?:\^\s*\{?\s*([-−]?\d+)\s*\}?|([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))")
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:[eE]([-+]?\d+))?(%)?(?![\w])")
#: what is not prose: links' targets, HTML tags, inline code is kept (it is checked too)
STRIP = [re.compile(r"\]\([^)]*\)"), re.compile(r"https?://\S+"), re.compile(r"<[^>]+>")]


def numbers_in(text):
    """[(value, decimals, is_percent, shown)] for every number written in ``text``."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    found = []

    def power(match):
        mantissa = float(match.group(1)) if match.group(1) else 1.0
        exponent = match.group(2) or match.group(3).translate(SUPERSCRIPTS)
        exponent = int(exponent.replace("−", "-"))
        value = mantissa * 10.0 ** exponent
        decimals = max(0, -exponent) + (len(match.group(1).split(".")[1])
                                        if match.group(1) and "." in match.group(1) else 0)
        found.append((value, decimals, False, match.group(0)))
        return " "

    text = POWER.sub(power, text)
    for match in NUMBER.finditer(text):
        whole, frac, exponent, percent = match.groups()
        value = float(whole.replace(",", "") + (frac or ""))
        decimals = len(frac) - 1 if frac else 0
        if exponent:
            value *= 10.0 ** int(exponent)
            decimals = max(0, decimals - int(exponent))
        found.append((value, decimals, bool(percent), match.group(0)))
    return found


def exempt(value, decimals, percent, shown):
    if not percent and decimals == 0 and value <= 10:
        return True
    return not percent and decimals == 0 and 1950 <= value <= 2029 and "," not in shown


def matches(number, known):
    """Does a number shown with ``decimals`` decimals equal one of ``known`` at that precision?"""
    value, decimals, percent, _ = number
    candidates = [value, value / 100.0] if percent else [value]
    for target in candidates:
        d = decimals + (2 if percent and target is not value else 0)
        tolerance = 0.5 * 10.0 ** (-d) + 1e-9 * max(1.0, abs(target))
        if any(abs(abs(k) - target) <= tolerance for k in known):
            return True
    return False


def output_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        for key, value in out.get("data", {}).items():
            if key.startswith("text/") or key in ("application/json",):
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def known_numbers(book):
    known = set()
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        for text in (cell.source, output_text(cell)):
            for value, *_ in numbers_in(text):
                known.add(value)
    return known


def unsupported_numbers(book):
    known = known_numbers(book)
    missing = []
    for index, cell in enumerate(book.cells):
        if cell.cell_type != "markdown":
            continue
        for number in numbers_in(cell.source):
            if exempt(*number) or matches(number, known):
                continue
            missing.append(f"cell {index}: {number[3]!r}")
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_every_number_in_the_prose_comes_from_the_notebook(path):
    missing = unsupported_numbers(nbformat.read(path, as_version=4))
    assert not missing, (
        f"{os.path.basename(path)} quotes numbers in markdown that no output or code cell "
        "holds (print them, format them into a Markdown output, or drop them): "
        + ", ".join(missing))


def _book(markdown, code="", output=""):
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    if output:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    book.cells = [nbformat.v4.new_markdown_cell(markdown), cell]
    return book


def test_the_check_catches_a_typed_in_result_and_accepts_printed_ones():
    assert unsupported_numbers(_book("W1 reaches 0.145 on seed 0.")) == ["cell 0: '0.145'"]
    assert unsupported_numbers(_book("W1 reaches 0.145.", output="W1 = 0.1452\n")) == []
    assert unsupported_numbers(_book("about 0.15", output="W1 = 0.1472\n")) == []
    assert unsupported_numbers(_book("about 0.15", output="W1 = 0.1612\n"))  # 0.16, not 0.15
    assert unsupported_numbers(_book("57% readable", output="readable 0.571\n")) == []
    assert unsupported_numbers(_book("3,000 steps", code="STEPS = 3000")) == []
    assert unsupported_numbers(_book("a rate of 2·10⁻⁴", code="lr = 2e-4")) == []
    assert unsupported_numbers(_book(r"a rate of $5 \cdot 10^{-5}$", code="lr = 2e-4"))
    assert unsupported_numbers(_book("notebook 05, step 3, Goodfellow (2014)")) == []
    assert unsupported_numbers(_book("[link](https://x.org/2401.12345)")) == []


def test_numbers_are_read_as_written():
    values = [(v, d, p) for v, d, p, _ in numbers_in("1,200 steps, 0.05, 57%, 1e-3, 10^{-4}")]
    assert values[0] == (1e-4, 4, False)  # powers of ten are read first
    assert (1200.0, 0, False) in values and (0.05, 2, False) in values
    assert (57.0, 0, True) in values
    assert any(math.isclose(v, 1e-3) for v, _, _ in values)
