"""``OUT/manifest.json``: every report in the output folder, machine-readable.

Layout (keys sorted, UTF-8, two-space indent)::

    {
      "format": 1,
      "generator": "tsp-analysis 0.1.0",
      "run": {"started": ..., "finished": ..., "seconds": ..., "workers": ..., "force": ...,
              "exit_code": ..., "counts": {"ok": n, "failed": n, "up-to-date": n}},
      "reports": [
        {"report": "needs_analysis", "municipality": "vilnius", "lang": "lt",
         "status": "ok" | "failed" | "up-to-date",
         "html": "html/needs_analysis-vilnius-lt.html" | null,
         "notebook": "notebooks/needs_analysis-vilnius-lt.ipynb" | null,
         "seconds": 8.2, "error": null | {"name": ..., "message": ..., "cell": ...},
         "hashes": {"notebook": ..., "parameters": ..., "inputs": {path: sha256},
                    "package": {"version": ..., "source": ...}, "environment": {...},
                    "key": ...},
         "html_sha256": ..., "parameters": {...}, "kernel": "forked" | "launched" | "none",
         "in_last_run": true}
      ]
    }

Reports built by earlier runs into the same folder and not selected this time stay listed,
as they were, with ``in_last_run: false``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

FORMAT = 1
FILENAME = "manifest.json"
STATUSES = ("ok", "failed", "up-to-date")


def record_name(record: dict[str, Any]) -> str:
    """``<report>-<municipality>-<lang>`` of a manifest record."""
    return f"{record['report']}-{record['municipality']}-{record['lang']}"


def read(out: Path) -> dict[str, dict[str, Any]]:
    """The records of ``out/manifest.json`` by report name; empty when there is none.

    A manifest that cannot be read is ignored with a warning (everything is rebuilt), never
    trusted in part.
    """
    path = Path(out) / FILENAME
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        return {record_name(r): r for r in data["reports"]}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        warnings.warn(f"{path}: ignoring an unreadable manifest ({exc}); rebuilding", stacklevel=2)
        return {}


def write(out: Path, records: list[dict[str, Any]], run: dict[str, Any], generator: str) -> Path:
    """Write the manifest atomically (a reader never sees half a file)."""
    path = Path(out) / FILENAME
    document = {"format": FORMAT, "generator": generator, "run": run, "reports": records}
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    from .execute import write_atomic  # mkstemp's 0600 would hide it from reviewers

    write_atomic(path, text)
    return path
