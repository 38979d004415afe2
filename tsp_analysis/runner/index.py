"""``OUT/index.html`` (Lithuanian) and ``OUT/index.en.html`` (English): the reader's landing
page of a build.

Each page is self-contained (inline CSS, no scripts, no external assets) and lists the reports
grouped by place: the municipalities in the reference table's order, then the reports about
the whole country (the country data review, monitoring, any report kind built for
``lithuania`` or ``all``). Each report is a link in the page's language with a one-line
description, a link to its other language and to its PDF when there is one. Report kinds
are not listed in the code: their names and descriptions come from
``data/reference/report_text.csv`` (``index.report.<kind>``, ``index.describe.<kind>``, with
fallbacks in :func:`tsp_analysis.runner.pagetext.report_name`), so a new kind appears
without a code change. The pages carry the synthetic-data banner when any report was built
from synthetic inputs, list failed reports on top with their (already scrubbed) error and the
kept notebook, and keep the build's timings and timestamps in a closed "Build information"
section (one table row per report, ``<tr class="<status>">``).
"""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import Any

from ..ids import ALL, COUNTRY, LANGUAGES
from ..paths import reference_dir
from . import pagetext
from .plan import REPORTS

FILENAME = "index.html"
#: The index page in each language; every report links back to the one in its language.
FILENAMES = {"lt": FILENAME, "en": "index.en.html"}
SPECIAL_PLACES = {
    COUNTRY: ("Lietuva", "Lithuania"),
    ALL: ("Visos savivaldybės", "All municipalities"),
}
#: What a report page says when it was built from synthetic inputs (display.banner).
SYNTHETIC_MARK = 'data-synthetic="true"'

_CSS = """
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 0 auto; padding: 0 1.2rem 3rem; color: #1b1f24; max-width: 60rem;
       overflow-wrap: break-word; }
a { color: #0b5cad; }
a:focus-visible { outline: 3px solid #f2b705; outline-offset: 2px; }
.skip { position: absolute; left: -999em; top: .5em; padding: .5em .9em; background: #1f4e79;
        color: #fff; font-weight: 600; border-radius: 4px; }
.skip:focus { left: .5em; }
header { border-bottom: 3px solid #1f4e79; margin-bottom: 1em; padding-top: .6em; }
.lang-switch { text-align: right; margin: 0; font-weight: 600; }
h1 { font-size: 1.7em; color: #1f4e79; line-height: 1.25; margin: .3em 0; }
h2 { font-size: 1.35em; color: #1f4e79; margin-top: 1.6em; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.1em; margin: 1.2em 0 .3em; }
.intro { max-width: 44rem; }
.synthetic { background: #fff4ce; border: 2px solid #c98a00; border-radius: 6px;
             padding: .7em 1em; margin: 1em 0; color: #3d2c00; }
.synthetic strong { color: #8a4b00; }
ul.reports { list-style: none; padding: 0; margin: 0; }
ul.reports > li { margin: 0 0 .8em; padding-left: .8em; border-left: 3px solid #d0d7de; }
ul.reports > li.failed { border-left-color: #b3261e; }
.report-link { font-weight: 600; font-size: 1.05em; }
.also { font-size: .95em; }
.desc { margin: .1em 0 0; color: #4a5560; max-width: 44rem; }
.failed-note { color: #b3261e; font-weight: 600; }
section.failures { background: #fdecea; border-left: 4px solid #b3261e; padding: .2em 1em .6em;
                   margin: 1em 0; }
section.failures h2 { color: #8c1d18; border: 0; margin-top: .6em; }
.error { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em;
         white-space: pre-wrap; }
details.build { margin-top: 2.5em; color: #4a5560; font-size: .92em; }
details.build summary { cursor: pointer; font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin-top: .6em; }
th, td { border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fdecea; }
@media print { .skip, .lang-switch { display: none; } details.build { display: none; } }
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


def _error(record: dict[str, Any]) -> str:
    text = error_text(record.get("error"))
    return f'<span data-safe="error">{html.escape(text)}</span>' if text else ""


def _name(record: dict[str, Any]) -> str:
    return f"{record['report']}-{record['municipality']}-{record['lang']}"


def _kind_order(report: str) -> tuple[int, str]:
    return (REPORTS.index(report) if report in REPORTS else len(REPORTS), report)


def groups(
    records: list[dict[str, Any]], names: dict[str, tuple[str, str]]
) -> list[tuple[str, list[str], dict[tuple[str, str], dict[str, dict[str, Any]]]]]:
    """The page's grouping, from the records alone.

    Returns ``[(group, slugs, reports)]``: ``group`` is ``"municipalities"`` or ``"country"``;
    ``slugs`` in reference order (municipalities) or ``lithuania``, ``all``, then any other;
    ``reports[(slug, kind)]`` maps a language to its record.
    """
    municipalities = [s for s in names if s not in SPECIAL_PLACES]
    reports: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for record in records:
        reports.setdefault((record["municipality"], record["report"]), {})[record["lang"]] = record
    slugs = list(dict.fromkeys(slug for slug, _ in reports))
    local = [s for s in municipalities if s in slugs]
    country = [s for s in SPECIAL_PLACES if s in slugs] + sorted(
        s for s in slugs if s not in municipalities and s not in SPECIAL_PLACES
    )
    return [("municipalities", local, reports), ("country", country, reports)]


def _report_item(kinds: dict[str, dict[str, Any]], report: str, lang: str, pdfs: set[str]) -> str:
    e = html.escape
    t = pagetext.text
    primary = kinds.get(lang) or next(iter(kinds.values()))
    other_lang = next((x for x in LANGUAGES if x != primary["lang"]), "en")
    label = e(pagetext.report_name(report, lang))
    failed = primary["status"] == "failed" or not primary.get("html")
    if failed:
        head = (
            f'<span class="report-link">{label}</span> '
            f'<span class="failed-note">({e(t("index.failed", lang))})</span>'
        )
    else:
        mark = (
            ""
            if primary["lang"] == lang
            else (f' lang="{primary["lang"]}" hreflang="{primary["lang"]}"')
        )
        head = f'<a class="report-link" href="{e(primary["html"])}"{mark}>{label}</a>'
        if primary["lang"] != lang:
            head += f" ({e(t('index.other_language', lang))})"
    also = []
    if not failed and _name(primary) in pdfs:
        also.append(f'<a href="pdf/{e(_name(primary))}.pdf">{e(t("index.pdf", lang))}</a>')
    other = kinds.get(other_lang) if primary["lang"] == lang else None
    if other is not None and other.get("html") and other["status"] != "failed":
        word = t("index.other_language", lang)
        also.append(
            f'<a href="{e(other["html"])}" lang="{other_lang}" hreflang="{other_lang}">'
            f"{e(word)}</a>"
        )
    description = pagetext.report_description(report, lang)
    parts = [f'<li class="{"failed" if failed else "ok"}">{head}']
    if also:
        parts.append(f' <span class="also">· {" · ".join(also)}</span>')
    if description:
        parts.append(f'<p class="desc">{e(description)}</p>')
    parts.append("</li>")
    return "".join(parts)


def render(
    records: list[dict[str, Any]],
    run: dict[str, Any],
    lang: str = "lt",
    *,
    synthetic: bool = False,
    pdfs: set[str] | frozenset[str] = frozenset(),
) -> str:
    """The index page in ``lang`` for ``records`` (manifest records) of a run described by
    ``run``; ``synthetic`` shows the synthetic-data banner, ``pdfs`` names the reports
    (``<report>-<slug>-<lang>``) that have a PDF in ``pdf/``."""
    names = municipality_names()
    e = html.escape
    t = pagetext.text
    other = next(x for x in LANGUAGES if x != lang)
    pdfs = set(pdfs)

    def place(slug: str, language: str) -> str:
        pair = names.get(slug, (slug, slug))
        return pair[0] if language == "lt" else pair[1]

    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(t('index.title', lang))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f'<a class="skip" href="#content">{e(t("page.skip_link", lang))}</a>',
        "<header>",
        f'<p class="lang-switch"><a href="{FILENAMES[other]}" lang="{other}" '
        f'hreflang="{other}">{e(t("index.other_language", lang))}</a></p>',
        f"<h1>{e(t('index.title', lang))}</h1>",
        f'<p class="intro">{e(t("index.intro", lang))}</p>',
        "</header>",
        '<main id="content" tabindex="-1">',
    ]
    if synthetic:
        parts.append(
            f'<div class="synthetic" role="note" data-synthetic="true">'
            f"<strong>{e(t('common.synthetic_title', lang))}</strong> "
            f"{e(t('index.synthetic_banner', lang))}</div>"
        )
    failed = [r for r in records if r["status"] == "failed"]
    if failed:
        parts += [
            '<section class="failures">',
            f"<h2>{e(t('index.failed_title', lang))}</h2>",
            f"<p>{e(t('index.failed_note', lang))}</p>",
            "<ul>",
        ]
        for record in failed:
            nb = record.get("notebook")
            nb_link = (
                f' (<a href="{e(nb)}">{e(t("index.notebook", lang))} {e(Path(nb).name)}</a>)'
                if nb
                else ""
            )
            parts.append(
                f"<li><strong>{e(pagetext.report_name(record['report'], lang))} – "
                f"{e(place(record['municipality'], lang))} ({e(record['lang'])})</strong> "
                f"<code>{e(_name(record))}</code>{nb_link}:<br>"
                f'<span class="error">{_error(record)}</span></li>'
            )
        parts += ["</ul>", "</section>"]

    for group, slugs, reports in groups(records, names):
        if not slugs:
            continue
        parts.append(f"<h2>{e(t(f'index.{group}', lang))}</h2>")
        for slug in slugs:
            kinds = sorted((k for s, k in reports if s == slug), key=_kind_order)
            parts += [f"<h3>{e(place(slug, lang))}</h3>", '<ul class="reports">']
            parts += [_report_item(reports[(slug, k)], k, lang, pdfs) for k in kinds]
            parts.append("</ul>")

    counts = run.get("counts", {})
    status_words = {s: t(f"index.status.{s}", lang) for s in ("ok", "up-to-date", "failed")}
    parts += [
        '<details class="build">',
        f"<summary>{e(t('index.build_info', lang))}</summary>",
        f"<p>{e(t('index.built_at', lang))}: {_safe(run.get('finished', ''), 'date')} · "
        f"{_safe(len(records), 'param')} {e(t('index.reports_count', lang))}: "
        + ", ".join(
            f"{_safe(counts.get(s, 0), 'param')} {e(status_words[s])}"
            for s in ("ok", "up-to-date", "failed")
        )
        + "</p>",
        '<div class="table-wrap"><table>',
        "<thead><tr>"
        + "".join(
            f"<th>{e(t(f'index.col.{c}', lang))}</th>"
            for c in ("report", "place", "lang", "status", "seconds")
        )
        + "</tr></thead>",
        "<tbody>",
    ]
    for record in records:
        status = record["status"]
        seconds = f"{record.get('seconds') or 0:.1f}"
        target = (
            f'<a href="{e(record["html"])}">{e(_name(record))}</a>'
            if record.get("html") and status != "failed"
            else e(_name(record))
        )
        parts.append(
            f'<tr class="{e(status)}">'
            f"<td>{target}</td>"
            f"<td>{e(place(record['municipality'], lang))}</td>"
            f"<td>{e(record['lang'])}</td>"
            f"<td>{e(status_words.get(status, status))}"
            + (f'<br><span class="error">{_error(record)}</span>' if record.get("error") else "")
            + "</td>"
            f'<td class="num">{_safe(seconds, "time")}</td>'
            "</tr>"
        )
    parts += ["</tbody>", "</table></div>", "</details>", "</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def is_synthetic(out: Path, records: list[dict[str, Any]]) -> bool:
    """Was any listed report built from synthetic inputs? (Its page carries the banner.)"""
    for record in records:
        page = Path(out) / record["html"] if record.get("html") else None
        if page is not None and page.is_file() and SYNTHETIC_MARK in page.read_text("utf-8"):
            return True
    return False


def pdf_names(out: Path, records: list[dict[str, Any]]) -> set[str]:
    """The listed reports whose PDF (``pdf/<name>.pdf``) was made from their current page."""
    from .pdf import current

    return {_name(r) for r in records if current(Path(out), r)}


def write(out: Path, records: list[dict[str, Any]], run: dict[str, Any]) -> Path:
    """Write ``out/index.html`` and ``out/index.en.html``; returns the first."""
    synthetic = is_synthetic(out, records)
    pdfs = pdf_names(out, records)
    for lang in LANGUAGES:
        page = render(records, run, lang, synthetic=synthetic, pdfs=pdfs)
        (Path(out) / FILENAMES[lang]).write_text(page, encoding="utf-8", newline="\n")
    return Path(out) / FILENAME
