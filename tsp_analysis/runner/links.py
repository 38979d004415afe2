"""The links between the pages of a build.

Every report page is written with an empty ``<nav class="tsp-pagenav">`` (see
:mod:`tsp_analysis.runner.convert`); once a build knows which reports are in the output
folder, :func:`apply` fills it in every page with links that resolve there:

* back to the index in the report's language (``../index.html``, ``../index.en.html``);
* to the same report in the other language;
* to the related reports in the same language: the other reports of the same place, and the
  reports about all municipalities (monitoring, and any kind built for ``all``); the reports
  about the whole country link to each other.

A link is made only to a page that exists, so a partial build has no dead links; rerunning
the pass over an unchanged folder changes nothing. A page whose navigation changed gets its
new ``html_sha256`` in its record (the cache compares the file with it).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

from ..ids import ALL, COUNTRY
from . import pagetext
from .cache import sha256_bytes
from .index import FILENAMES, _kind_order, municipality_names

#: The page's navigation bar, whatever the order of its attributes (the converter's HTML
#: parser sorts them).
NAV = re.compile(r'<nav\b[^>]*\bclass="tsp-pagenav"[^>]*>.*?</nav>', re.S)
#: Slugs of the reports about the whole country rather than one municipality.
COUNTRY_WIDE = (COUNTRY, ALL)
BUILT = ("ok", "up-to-date")


def _live(out: Path, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r
        for r in records
        if r.get("status") in BUILT and r.get("html") and (out / r["html"]).is_file()
    ]


def related(record: dict[str, Any], live: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"other": record or None, "siblings": [records]}`` for ``record`` among ``live``."""
    slug, lang = record["municipality"], record["lang"]
    other = next(
        (
            r
            for r in live
            if r["report"] == record["report"] and r["municipality"] == slug and r["lang"] != lang
        ),
        None,
    )

    def near(r: dict[str, Any]) -> bool:
        if r["municipality"] == slug:
            return True
        if r["municipality"] == "all":
            return True
        return slug in COUNTRY_WIDE and r["municipality"] in COUNTRY_WIDE

    siblings = [
        r
        for r in live
        if r["lang"] == lang
        and near(r)
        and (r["report"], r["municipality"]) != (record["report"], slug)
    ]
    siblings.sort(
        key=lambda r: (r["municipality"] != slug, _kind_order(r["report"]), r["municipality"])
    )
    return {"other": other, "siblings": siblings}


def _href(out: Path, page: dict[str, Any], target: str) -> str:
    here = (out / page["html"]).parent
    return Path(os.path.relpath(out / target, here)).as_posix()


def nav_html(out: Path, record: dict[str, Any], live: list[dict[str, Any]]) -> str:
    """The filled ``<nav class="tsp-pagenav">`` of ``record``'s page."""
    e = html.escape
    t = pagetext.text
    lang = record["lang"]
    names = municipality_names()
    links = related(record, live)
    items = [
        f'<li><a href="{_href(out, record, FILENAMES.get(lang, FILENAMES["lt"]))}">'
        f"{e(t('page.index_link', lang))}</a></li>"
    ]
    other = links["other"]
    if other is not None:
        items.append(
            f'<li><a href="{_href(out, record, other["html"])}" lang="{other["lang"]}" '
            f'hreflang="{other["lang"]}">{e(t("page.other_language", lang))}</a></li>'
        )
    if links["siblings"]:
        anchors = []
        for r in links["siblings"]:
            label = pagetext.report_name(r["report"], lang)
            if r["municipality"] != record["municipality"]:
                pair = names.get(r["municipality"], (r["municipality"],) * 2)
                label += f" ({pair[0] if lang == 'lt' else pair[1]})"
            anchors.append(f'<a href="{_href(out, record, r["html"])}">{e(label)}</a>')
        items.append(
            f"<li>{e(t('page.related', lang))} "
            f'<span class="tsp-siblings">{"".join(anchors)}</span></li>'
        )
    return (
        f'<nav class="tsp-pagenav" aria-label="{e(t("page.nav_label", lang))}">'
        f"<ul>{''.join(items)}</ul></nav>"
    )


def apply(out: str | Path, records: list[dict[str, Any]]) -> int:
    """Fill the navigation of every built page listed in ``records`` (updated in place:
    ``html_sha256`` of a changed page); returns the number of pages changed."""
    out = Path(out)
    live = _live(out, records)
    changed = 0
    for record in live:
        path = out / record["html"]
        text = path.read_text(encoding="utf-8")
        found = NAV.search(text)
        if found is None:
            continue  # a page made by an older template: nothing to fill
        new = text[: found.start()] + nav_html(out, record, live) + text[found.end() :]
        if new != text:
            from .execute import write_atomic

            write_atomic(path, new)
            changed += 1
        record["html_sha256"] = sha256_bytes(new.encode("utf-8"))
    return changed
