"""One question the data loaders ask before a download: is the host there at all?

:func:`can_reach` answers it within a few seconds, so a machine without a
network falls back to the offline data quickly instead of waiting on a stalled
download.
"""
import os
import socket
import threading

#: seconds allowed for "can the download host be reached at all?"
CONNECT_TIMEOUT = 3.0


def can_reach(url, timeout=None):
    """True if a TCP connection to the host of ``url`` opens within ``timeout``
    seconds (default :data:`CONNECT_TIMEOUT`).

    Name lookup happens in a thread so that a dead resolver cannot make us
    wait longer than ``timeout`` either.
    """
    from urllib.parse import urlsplit

    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    result = []

    def probe():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append(True)
        except OSError:
            result.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(result and result[0])


def resolve_source(source, env_var, sources):
    """The data source asked for: ``source`` itself, or when it is None the
    environment variable ``env_var`` (unset or empty: ``"auto"``); anything
    not in ``sources`` is refused, naming where the bad value came from."""
    if source is None:
        source = os.environ.get(env_var, "auto").strip().lower() or "auto"
        where = f"environment variable {env_var}"
    else:
        where = "source"
    if source not in sources:
        raise ValueError(f"{where} must be one of {tuple(sources)}, got {source!r}")
    return source
