"""``OUT/index.html``: the run's reports for a person, failures included.

One self-contained page (inline CSS, no scripts, no external assets), headings in Lithuanian
and English, a table with every report of the manifest: report, municipality, language,
status, link, seconds, error; failed reports are listed again on top with their error and a
link to the executed notebook kept for debugging.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import Any

from ..paths import reference_dir

FILENAME = "index.html"

REPORT_LABELS = {
    "needs_analysis": ("Poreikių analizė", "Needs analysis"),
    "data_review": ("Duomenų apžvalga", "Data review"),
    "monitoring": ("Stebėsena", "Monitoring"),
    "overview": ("Savivaldybių apžvalga", "Overview"),
}
STATUS_LABELS = {
    "ok": ("sukurta", "built"),
    "failed": ("nepavyko", "failed"),
    "up-to-date": ("nepakito", "up to date"),
}
LANGUAGE_LABELS = {"lt": "lietuvių / Lithuanian", "en": "anglų / English"}
SPECIAL_PLACES = {
    "lithuania": ("Lietuva", "Lithuania"),
    "all": ("Visos savivaldybės", "All municipalities"),
}

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em;
       color: #222; max-width: 75em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; font-size: 0.95em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fdecea; }
.status-failed { color: #a61b1b; font-weight: bold; }
.status-ok { color: #1b6e2a; }
.status-up-to-date { color: #555; }
.error { font-family: ui-monospace, monospace; font-size: 0.9em; white-space: pre-wrap; }
.meta { color: #555; font-size: 0.9em; }
"""


def municipality_names() -> dict[str, tuple[str, str]]:
    """``slug -> (Lithuanian name, English name)`` from the reference table (standard
    library only: the index is written even when nothing was rebuilt)."""
    names = dict(SPECIAL_PLACES)
    path = reference_dir() / "municipalities.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names[row["slug"]] = (row["name_lt"], row["name_en"])
    return names


def _both(pair: tuple[str, str]) -> str:
    return f"{pair[0]} / {pair[1]}"


def error_text(error: dict[str, Any] | None) -> str:
    """One line for a person: ``ValueError in cell [5]: message``."""
    if not error:
        return ""
    where = f" in cell [{error['cell']}]" if error.get("cell") is not None else ""
    message = f": {error['message']}" if error.get("message") else ""
    return f"{error.get('name', 'Error')}{where}{message}"


def _safe(value: object, why: str) -> str:
    """A number that is not data (a timing, a date, a count of reports), marked for the
    privacy scan (see ``tsp_analysis.results.scan``)."""
    return f'<span data-safe="{why}">{html.escape(str(value))}</span>'


def render(records: list[dict[str, Any]], run: dict[str, Any]) -> str:
    """The index page for ``records`` (manifest records) of a run described by ``run``."""
    names = municipality_names()
    e = html.escape

    def place(record: dict[str, Any]) -> str:
        pair = names.get(record["municipality"], (record["municipality"],) * 2)
        return pair[0] if record["lang"] == "lt" else pair[1]

    def row(record: dict[str, Any]) -> str:
        status = record["status"]
        seconds = f"{record.get('seconds', 0):.1f}"
        status_label = _both(STATUS_LABELS.get(status, (status,) * 2))
        link = (
            f'<a href="{e(record["html"])}">{e(Path(record["html"]).name)}</a>'
            if record.get("html")
            else "—"
        )
        return (
            f'<tr class="{e(status)}">'
            f"<td>{e(_both(REPORT_LABELS.get(record['report'], (record['report'],) * 2)))}</td>"
            f"<td>{e(place(record))}</td>"
            f"<td>{e(record['lang'])}</td>"
            f'<td class="status-{e(status)}">{e(status_label)}</td>'
            f"<td>{link}</td>"
            f'<td class="num">{_safe(seconds, "time")}</td>'
            f'<td class="error">{_error(record)}</td>'
            "</tr>"
        )

    failed = [r for r in records if r["status"] == "failed"]
    counts = run.get("counts", {})
    parts = [
        "<!DOCTYPE html>",
        '<html lang="lt">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>TŠP ataskaitos / TŠP reports</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<h1>TŠP paslaugų ataskaitos / Reports on services for third-country nationals</h1>",
        '<p class="meta">'
        f"Sukurta / Built: {_safe(run.get('finished', ''), 'date')} · "
        f"{_safe(len(records), 'param')} ataskaitos / reports: "
        + ", ".join(
            f"{_safe(counts.get(s, 0), 'param')} {e(_both(STATUS_LABELS[s]))}"
            for s in ("ok", "up-to-date", "failed")
        )
        + "</p>",
    ]
    if failed:
        parts += [
            "<h2>Nepavykusios ataskaitos / Failed reports</h2>",
            "<ul>",
        ]
        for record in failed:
            nb = record.get("notebook")
            nb_link = f' (<a href="{e(nb)}">{e(Path(nb).name)}</a>)' if nb else ""
            parts.append(
                f"<li><strong>{e(record['report'])}-{e(record['municipality'])}-"
                f"{e(record['lang'])}</strong>{nb_link}: "
                f'<span class="error">{_error(record)}</span></li>'
            )
        parts.append("</ul>")
    parts += [
        "<h2>Visos ataskaitos / All reports</h2>",
        "<table>",
        "<thead><tr>"
        "<th>Ataskaita / Report</th><th>Savivaldybė / Municipality</th>"
        "<th>Kalba / Language</th><th>Būsena / Status</th><th>Nuoroda / Link</th>"
        "<th>Sekundės / Seconds</th><th>Klaida / Error</th>"
        "</tr></thead>",
        "<tbody>",
        *[row(r) for r in records],
        "</tbody>",
        "</table>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _error(record: dict[str, Any]) -> str:
    text = error_text(record.get("error"))
    return f'<span data-safe="error">{html.escape(text)}</span>' if text else ""


def write(out: Path, records: list[dict[str, Any]], run: dict[str, Any]) -> Path:
    """Write ``out/index.html``."""
    path = Path(out) / FILENAME
    path.write_text(render(records, run), encoding="utf-8", newline="\n")
    return path
