#!/usr/bin/env bash
# Make sure the browser tests (tests/test_browser.py) can run:
#   - Debian's chromium at /usr/bin/chromium (installed with apt-get if missing);
#   - Playwright for Python in the active virtual environment (pinned below).
# Playwright's own browser downloads are never used: the tests launch
# /usr/bin/chromium through executable_path.
#
# Idempotent: when both are present it prints nothing and exits 0.
# On failure it says what is missing and exits non-zero.
#
# Usage: tests/browser/ensure_browser.sh   (from the repository root, venv active,
#        or with PYTHON=/path/to/python)
set -u

PLAYWRIGHT_VERSION="1.65.2"
CHROMIUM="/usr/bin/chromium"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
    if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
        PYTHON="$VIRTUAL_ENV/bin/python"
    elif [ -x "$root/.venv/bin/python" ]; then
        PYTHON="$root/.venv/bin/python"
    else
        PYTHON="$(command -v python3 || true)"
    fi
fi

fail() {
    echo "ensure_browser.sh: $*" >&2
    exit 1
}

log="$(mktemp -t ensure_browser.XXXXXX)"
trap 'rm -f "$log"' EXIT

# --- chromium (Debian package) ---------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        fail "$CHROMIUM is missing and this user cannot install it (not root, no password-less sudo). Install it with: apt-get install chromium"
    fi
    export DEBIAN_FRONTEND=noninteractive
    # another apt run on a shared machine holds the lock for a while: wait for it
    if ! $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >"$log" 2>&1; then
        cat "$log" >&2
        fail "apt-get update failed (see above)"
    fi
    if ! $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
            chromium fonts-dejavu-core >"$log" 2>&1; then
        cat "$log" >&2
        fail "apt-get install chromium failed (see above)"
    fi
    [ -x "$CHROMIUM" ] || fail "apt-get installed chromium but $CHROMIUM is still missing"
fi

# --- Playwright for Python (no browser download) ----------------------------
[ -n "$PYTHON" ] && [ -x "$PYTHON" ] || fail "no Python found; activate the venv or set PYTHON"
installed="$("$PYTHON" - <<'PY' 2>/dev/null
from importlib.metadata import version, PackageNotFoundError
try:
    print(version("playwright"))
except PackageNotFoundError:
    print("")
PY
)"
if [ "$installed" != "$PLAYWRIGHT_VERSION" ]; then
    # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: belt and braces; the pip wheel itself
    # downloads no browser, only `playwright install` would.
    if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$PYTHON" -m pip install -q --disable-pip-version-check \
            "playwright==$PLAYWRIGHT_VERSION" >"$log" 2>&1; then
        cat "$log" >&2
        fail "pip install playwright==$PLAYWRIGHT_VERSION into $PYTHON failed (see above)"
    fi
fi
"$PYTHON" -c "import playwright.sync_api" 2>"$log" || {
    cat "$log" >&2
    fail "playwright is installed but cannot be imported with $PYTHON"
}
exit 0
