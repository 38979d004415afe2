"""Keep respondents' ids and free-text answers out of what a failed report leaves behind.

A report that fails is kept as an executed notebook for debugging, and its error is listed in
the manifest and the index. The error can quote input: a reader's message may cite the line it
could not decode, a cleaning problem the value it rejected. Those outputs are read by more
people than the terminal is, so before they are written every value of an identifying or
free-text column of the survey inputs (``Codebook.sensitive_columns``) is replaced by
:data:`WITHHELD`. When an input cannot even be parsed, every longer token of its lines is
treated as possibly sensitive (the message is still useful: it names the file, row and column).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

WITHHELD = "[withheld]"
#: Shorter values are not replaced (they would scrub digits of row numbers and the like).
MIN_LENGTH = 4


def sensitive_values(parameters: dict[str, Any]) -> set[str]:
    """Every value of an id or free-text column of the inputs of a job that can point at a
    person (``Codebook.sensitive_columns``: the surveys and the qualitative register)."""
    from ..codebook import load_codebook
    from ..inputs import default_paths
    from ..readers import FOLDER_SUFFIXES

    columns = load_codebook().sensitive_columns()
    paths = {**default_paths(), **{k: Path(v) for k, v in parameters.get("inputs", {}).items()}}
    values: set[str] = set()
    for dataset in columns:  # the surveys and the qualitative evidence register
        path = Path(paths[dataset])
        if not path.exists():
            continue
        files = (
            sorted(p for p in path.iterdir() if p.suffix.lower() in FOLDER_SUFFIXES)
            if path.is_dir()
            else [path]
        )
        for file in files:
            values |= _file_values(file, columns[dataset])
    return {v for v in values if len(v) >= MIN_LENGTH}


def _file_values(path: Path, wanted: list[str]) -> set[str]:
    from ..readers import read_table

    try:
        frame = read_table(path)
    except Exception:  # unreadable: treat every token of its text as possibly sensitive
        return _tokens(path)
    out: set[str] = set()
    for col in frame.columns:
        if _header(col) in wanted:
            out |= {str(v).strip() for v in frame[col].dropna()}
    return out


def _header(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _tokens(path: Path) -> set[str]:
    try:
        raw = path.read_bytes()
    except OSError:
        return set()
    text = raw.decode("utf-8", errors="replace")
    out: set[str] = set()
    for row in csv.reader(io.StringIO(text.replace(";", ","))):
        out |= {c.strip() for c in row if len(c.strip()) >= MIN_LENGTH}
    return out


def scrub(text: str, values: Iterable[str]) -> str:
    """``text`` with every value replaced by :data:`WITHHELD` (longest first)."""
    for value in sorted(set(values), key=len, reverse=True):
        if value in text:
            text = text.replace(value, WITHHELD)
    return text


def scrub_error(error: dict[str, Any] | None, values: set[str]) -> dict[str, Any] | None:
    """An error record (manifest, index) with sensitive values withheld."""
    if not error:
        return error
    return {k: scrub(v, values) if isinstance(v, str) else v for k, v in error.items()}


def scrub_notebook(path: Path, values: set[str]) -> None:
    """Rewrite an executed notebook with sensitive values withheld from every output."""
    if not path.exists() or not values:
        return
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            for key in ("evalue", "text"):
                if key in output:
                    output[key] = _scrub_any(output[key], values)
            if "traceback" in output:
                output["traceback"] = [scrub(line, values) for line in output["traceback"]]
            for mime, data in output.get("data", {}).items():
                if mime.startswith("text/"):
                    output["data"][mime] = _scrub_any(data, values)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _scrub_any(value: Any, values: set[str]) -> Any:
    if isinstance(value, list):
        return [scrub(v, values) if isinstance(v, str) else v for v in value]
    return scrub(value, values) if isinstance(value, str) else value
