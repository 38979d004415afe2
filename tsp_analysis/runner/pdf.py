"""``OUT/pdf/<report>-<unit>-<lang>.pdf``: an A4 PDF of every report page (``run --pdf``).

The PDF is the report's HTML page laid out by WeasyPrint (no JavaScript; the page needs none)
with the page's own print stylesheet (``templates/report.css``: A4, wide tables on landscape
pages, repeated table headers, no navigation). It holds the page's content and nothing else,
so the privacy scan covers it through the page: the manifest records, for each PDF, the
SHA-256 of the page it was made from (``pdf.html_sha256``), and the scan checks that the PDF
was made from the page it scanned (``tsp_analysis.results.scan``). WeasyPrint fetches no
resource other than ``data:`` URLs (the images are embedded in the page).

WeasyPrint needs Pango, HarfBuzz and fontconfig (Debian packages, installed by
``python3 tasks.py env``); :func:`available` says whether it can be imported.
"""

from __future__ import annotations

import concurrent.futures as cf
from pathlib import Path
from typing import Any

FOLDER = "pdf"
#: Layout slack, in CSS pixels, before a box counts as extending beyond the page.
TOLERANCE = 0.5


def available() -> str | None:
    """``None`` when WeasyPrint can be used, else why not (one line)."""
    try:
        import weasyprint  # noqa: F401
    except ImportError as exc:  # the package, or one of its system libraries
        return (
            f"WeasyPrint cannot be imported ({exc}); install the 'pdf' extra and the Debian "
            "packages of README 'PDF' (python3 tasks.py env does both)"
        )
    except OSError as exc:  # a missing system library (cannot load library 'pango-1.0-0')
        return f"WeasyPrint's system libraries are missing ({exc}); run python3 tasks.py env"
    return None


def pdf_path(record: dict[str, Any]) -> str:
    """Where a report's PDF goes, relative to the output folder."""
    return f"{FOLDER}/{Path(record['html']).stem}.pdf"


def render(html_file: str | Path):
    """The WeasyPrint document of a page (pages laid out, nothing written)."""
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint logs every CSS property it does not know (the screen rules' gradients,
    # text-size-adjust); the print layout does not need them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(filename=str(html_file), url_fetcher=fetcher, media_type="print").render()


def overflows(document) -> list[str]:
    """Every box of a laid-out document that extends beyond its page's content area to the
    right or the left (a table or a chart cut at the edge), as ``page N: <tag> ...``."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box  # WeasyPrint's laid-out page (no public accessor)
        left = box.content_box_x()
        right = left + box.width
        for child in box.descendants():
            if not hasattr(child, "border_box_x") or child.width is None:
                continue
            if getattr(child, "is_absolutely_positioned", lambda: False)():
                continue
            x0 = child.border_box_x()
            x1 = x0 + child.border_width()
            if x1 > right + TOLERANCE or x0 < left - TOLERANCE:
                tag = getattr(child, "element_tag", type(child).__name__)
                found.append(
                    f"page {number}: <{tag}> {x0:.0f}–{x1:.0f} px, page {left:.0f}–{right:.0f} px"
                )
    return found


def write_one(html_file: str, pdf_file: str) -> dict[str, Any]:
    """Lay out one page and write its PDF; returns ``{"pages": n, "overflows": [...]}``."""
    document = render(html_file)
    Path(pdf_file).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(pdf_file).with_suffix(".pdf.part")
    document.write_pdf(tmp)
    tmp.replace(pdf_file)
    return {"pages": len(document.pages), "overflows": overflows(document)}


def current(out: Path, record: dict[str, Any]) -> bool:
    """Is the record's PDF there and made from its current page?"""
    pdf = record.get("pdf") or {}
    return bool(
        pdf.get("path")
        and (out / pdf["path"]).is_file()
        and pdf.get("html_sha256") == record.get("html_sha256")
    )


def sync(out: str | Path, records: list[dict[str, Any]], make: bool, workers: int = 1) -> list[str]:
    """Bring the PDFs of ``records`` (updated in place) in line with their pages.

    With ``make``, every built page without a current PDF gets one; without, a PDF that no
    longer matches its page is removed (never left to be taken for the current report).
    Returns one line per problem (a PDF that could not be made, a box beyond the page).
    """
    out = Path(out)
    problems: list[str] = []
    todo = []
    for record in records:
        built = record.get("status") in ("ok", "up-to-date") and record.get("html")
        if built and current(out, record):
            continue
        old = (record.get("pdf") or {}).get("path")
        if old and not make:
            (out / old).unlink(missing_ok=True)
        record["pdf"] = None
        if make and built and (out / record["html"]).is_file():
            todo.append(record)
    if not todo:
        return problems
    why = available()
    if why is not None:
        return [why]
    jobs = {}
    pool = (
        cf.ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=_spawn())
        if workers > 1 and len(todo) > 1
        else None
    )
    try:
        for record in todo:
            args = (str(out / record["html"]), str(out / pdf_path(record)))
            jobs[record["html"]] = (record, pool.submit(write_one, *args) if pool else None, args)
        for record, future, args in jobs.values():
            try:
                info = future.result() if future is not None else write_one(*args)
            except Exception as exc:  # one PDF's failure does not stop the others
                problems.append(f"{pdf_path(record)}: not written ({type(exc).__name__}: {exc})")
                continue
            record["pdf"] = {
                "path": pdf_path(record),
                "html_sha256": record["html_sha256"],
                "pages": info["pages"],
            }
            problems += [f"{pdf_path(record)}: {line}" for line in info["overflows"][:5]]
    finally:
        if pool is not None:
            pool.shutdown()
    return problems


def _spawn():
    import multiprocessing

    return multiprocessing.get_context("spawn")
