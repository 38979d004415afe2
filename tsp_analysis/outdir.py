"""Output folders given on the command line (``--out``): checked before anything is written.

A command must not end in a Python traceback because ``--out`` names a file or a folder it
cannot write into, and ``tsp-analysis run`` must not overwrite a folder that holds someone
else's ``index.html``. No pandas here: ``tsp-analysis run`` imports this on its fast path.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import InputError, Problem

#: The manifest every ``tsp-analysis run`` writes; its ``generator`` marks an earlier output.
MANIFEST = "manifest.json"


def writable_folder(out: str | Path, *, option: str = "--out") -> Path:
    """Check that ``out`` can hold the outputs (it is created when they are written); return it.

    Raises :class:`InputError` (one problem, one line) when ``out`` is a file, lies inside a
    file, or cannot be created or written (``/proc``, a read-only mount, no permission).
    """
    p = Path(out)
    if p.exists() and not p.is_dir():
        raise InputError(
            Problem(str(p), None, None, None, "a folder for the outputs"),
            f"{p}: {option} names a file, not a folder; give a folder (it is created if missing)",
        )
    # probe the folder, or the nearest existing one above it, without creating anything: a
    # command that then stops on a bad input leaves no empty output folder behind
    here = p
    while not here.exists() and here != here.parent:
        here = here.parent
    if not here.is_dir():
        raise InputError(
            Problem(str(p), None, None, None, "a folder for the outputs"),
            f"{p}: {option} lies inside {here}, which is a file, not a folder",
        )
    try:
        fd, probe = tempfile.mkstemp(prefix=".tsp-write-test.", dir=here)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(
            Problem(str(p), None, None, None, "a folder this user can write into"),
            f"{p}: cannot write into {option} ({exc.strerror or type(exc).__name__})",
        ) from None
    return p


def is_earlier_output(out: str | Path) -> bool:
    """True when ``out`` holds a manifest written by ``tsp-analysis run``."""
    try:
        data = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("generator", "")).startswith("tsp-analysis")


def report_folder(out: str | Path, *, force: bool = False) -> Path:
    """Check ``tsp-analysis run --out``: a writable folder that is empty (hidden files aside)
    or an earlier tsp-analysis output; with ``force``, any writable folder.

    >>> import tempfile
    >>> report_folder(tempfile.mkdtemp()).is_dir()
    True
    """
    p = Path(out)
    if p.is_dir() and not force and not is_earlier_output(p):
        try:
            others = sorted(f.name for f in p.iterdir() if not f.name.startswith("."))
        except OSError as exc:
            raise InputError(
                Problem(str(p), None, None, None, "a folder this user can read"),
                f"{p}: cannot list --out ({exc.strerror or type(exc).__name__})",
            ) from None
        if others:
            shown = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "")
            raise InputError(
                Problem(str(p), None, None, shown, "an empty folder or an earlier report output"),
                f"{p}: --out holds files that are not a tsp-analysis output ({shown}); "
                f"choose an empty folder, or pass --force to write there anyway",
            )
    return writable_folder(p)
