"""Hashes of everything a report depends on, and the up-to-date rule.

A report is rebuilt unless its notebook, its parameters, every input file it may read, the
package (version and source code) and the versions of the libraries that shape its output are
all exactly as recorded in the manifest for the last successful build, and its files are still
there, unchanged.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from ..paths import PACKAGE_DIR, PROJECT_DIR, demo_dir, input_files, reference_dir

#: Libraries whose version can change a rendered report (numbers, figures, HTML).
LIBRARIES: tuple[str, ...] = (
    "ipykernel",
    "matplotlib",
    "nbclient",
    "nbconvert",
    "numpy",
    "pandas",
    "papermill",
    "scipy",
    "seaborn",
    "statsmodels",
)

_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no insignificant whitespace: equal data, equal text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def display_path(path: str | Path) -> str:
    """``path`` relative to the project folder when inside it (stable across checkouts),
    else absolute; always with forward slashes."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_DIR.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _files(path: Path) -> list[Path]:
    """The files a report reads for ``path`` (:func:`tsp_analysis.paths.input_files`: a
    folder's own input files, not its subfolders), so that ``/`` is not walked and ``/proc``
    does not end in a PermissionError; a path that cannot be listed or is not a file adds
    nothing here (the report itself says what is wrong with it)."""
    try:
        return [f for f in input_files(path) if f.is_file()]
    except OSError:
        return []


class Hasher:
    """Hashes files once per build (every job shares the reference and demo files)."""

    def __init__(self) -> None:
        self._cache: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        key = path.resolve()
        if key not in self._cache:
            try:
                self._cache[key] = sha256_file(key)
            except OSError as exc:  # unreadable: the report will fail with its own message
                self._cache[key] = f"unreadable: {exc.strerror or type(exc).__name__}"
        return self._cache[key]

    def files(self, paths: Iterable[Path]) -> dict[str, str]:
        """``{display path: sha256}`` of every file read for ``paths`` (see :func:`_files`)."""
        out: dict[str, str] = {}
        for path in paths:
            for f in _files(Path(path)):
                out[display_path(f)] = self.file(f)
        return dict(sorted(out.items()))


def source_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """One hash of every ``.py`` file of the package (path and content), so that any code
    change rebuilds the reports."""
    h = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def environment() -> dict[str, str]:
    """Versions that shape a report: Python, tsp-analysis and :data:`LIBRARIES`."""
    versions = {"python": platform.python_version(), "tsp_analysis": __version__}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def input_paths(parameters: dict[str, Any]) -> list[Path]:
    """Files a report may read: the reference tables, the demo inputs (used for every dataset
    the parameters do not override) and each input the parameters name."""
    paths = [reference_dir(), demo_dir()]
    paths += [Path(p) for _, p in sorted(parameters.get("inputs", {}).items())]
    return paths


def job_hashes(
    notebook: Path,
    parameters: dict[str, Any],
    hasher: Hasher,
    source: str,
    env: dict[str, str],
) -> dict[str, Any]:
    """Every hash the manifest records for one report, plus ``key``, a hash of them all.

    Two builds of a report with the same ``key`` read the same notebook, parameters, inputs,
    code and libraries.
    """
    hashes: dict[str, Any] = {
        "notebook": hasher.file(notebook),
        "parameters": sha256_bytes(canonical_json(parameters).encode()),
        "inputs": hasher.files(input_paths(parameters)),
        "package": {"version": __version__, "source": source},
        "environment": env,
    }
    hashes["key"] = sha256_bytes(canonical_json(hashes).encode())
    return hashes


def is_up_to_date(previous: dict[str, Any] | None, key: str, out: Path) -> bool:
    """Was this report built successfully from the same ``key``, with its files intact?"""
    if not previous or previous.get("status") not in ("ok", "up-to-date"):
        return False
    if previous.get("hashes", {}).get("key") != key:
        return False
    html, notebook = previous.get("html"), previous.get("notebook")
    if not html or not notebook or not (out / notebook).is_file():
        return False
    html_file = out / html
    return html_file.is_file() and sha256_file(html_file) == previous.get("html_sha256")
