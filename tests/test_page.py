"""The page around a report: our template and stylesheet (size, print, phone), the skip link
and the links between pages, the index landing page, the A4 PDF (``run --pdf``).

Fast tests convert small hand-made notebooks and fake output folders; the ``slow`` ones build
the fixture notebooks with the runner (as tests/test_runner.py does) and, once, every report
of the project (``build_output`` of tests/test_notebooks.py, shared with test_privacy.py).
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tsp_analysis.results import scan
from tsp_analysis.runner import build, convert, index, links, pdf
from tsp_analysis.runner.cache import sha256_bytes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
#: The JupyterLab stylesheet the reports used to carry was about 265 KB.
TEMPLATE_BUDGET = 20_000
#: A4 in CSS pixels (96 per inch): 210 mm x 297 mm.
A4 = (793.7, 1122.5)


def _table(columns: int, rows: int = 3, word: str = "Pavadinimas") -> str:
    head = "".join(f"<th>{word} {chr(65 + i)}</th>" for i in range(columns))
    body = "".join(
        "<tr>" + "".join(f"<td>{word}{'x' * (i % 5)}</td>" for i in range(columns)) + "</tr>"
        for _ in range(rows)
    )
    return (
        f'<div class="tsp-table-wrap"><table class="tsp-table"><caption>Lentelė</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _png(width: int, height: int) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (31, 78, 121)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _notebook(*html_outputs: str) -> nbformat.NotebookNode:
    cells = [new_markdown_cell("# Ataskaita\n\n## Pirmas skyrius\n\nTekstas.")]
    for i, html in enumerate(html_outputs):
        cell = new_code_cell("display(HTML(x))", execution_count=i + 1)
        cell.outputs = [new_output("display_data", data={"text/html": html})]
        cells.append(cell)
    return new_notebook(cells=cells)


def _page(*html_outputs: str, lang: str = "lt") -> str:
    return convert.to_html(_notebook(*html_outputs), lang, "t", "Akmenė")


# -- the template ----------------------------------------------------------------------------
def test_page_is_small_without_jupyterlab_css_and_code_hidden():
    html = _page("<p>Hello</p>")
    assert len(html.encode()) < TEMPLATE_BUDGET, len(html.encode())
    assert "--jp-" not in html and "jp-InputArea-editor" not in html
    assert "display(HTML(x))" not in html  # code hidden
    assert "<script" not in html  # nothing needs JavaScript (WeasyPrint has none)
    assert '<nav aria-label="Turinys" class="tsp-toc">' in html  # SPEC §6: the contents kept


def test_skip_link_is_first_in_the_body_and_targets_the_content():
    for lang, words in (("lt", "Pereiti prie turinio"), ("en", "Skip to content")):
        html = _page("<p>x</p>", lang=lang)
        body = html[html.index("<body") :]
        first = re.search(r"<body[^>]*>\s*(<[^>]+>)([^<]*)", body)
        assert first.group(1) == '<a class="tsp-skip" href="#tsp-content">'
        assert first.group(2) == words
        assert '<main id="tsp-content"' in html
        assert '<nav aria-label="' in html and 'class="tsp-pagenav"' in html


def test_print_and_phone_css_are_in_the_page():
    css = convert.stylesheet()
    html = _page("<p>x</p>")
    assert css.strip()[:40] in html
    assert re.search(r"@page\s*\{\s*size:\s*A4", css)
    assert re.search(r"@page landscape\s*\{\s*size:\s*A4 landscape", css)
    printing = css[css.index("@media print") :]
    for rule in (
        "thead { display: table-header-group; }",
        "break-inside: avoid",
        "break-after: avoid",
        "overflow: visible !important",
        "page: landscape",
        "nav.tsp-pagenav",
    ):
        assert rule in printing, rule
    phone = css[css.index("@media (max-width: 40em)") : css.index("@media print")]
    assert "font-size: 16px" in phone and ".tsp-scroll-hint { display: block; }" in phone
    # The scan skips <style>; a digit there is never taken for data, but say so here too.
    assert scan.scan_html(html, "page.html")[0] == []


def test_template_ships_as_package_data():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = meta["tool"]["setuptools"]["package-data"]["tsp_analysis.runner"]
    assert "templates/*" in data
    for name in ("report.html.j2", "report.css"):
        assert (convert.TEMPLATE_DIR / name).is_file()
    assert convert.TEMPLATE_DIR.parent == Path(convert.__file__).parent


def test_wide_tables_get_a_phone_hint_and_a_landscape_page():
    html = _page(_table(8), _table(3))
    wraps = re.findall(r'<div class="([^"]*tsp-table-wrap[^"]*)"[^>]*>', html)
    assert wraps == ["tsp-table-wrap tsp-wide", "tsp-table-wrap"]
    assert html.count('class="tsp-scroll-hint"') == 1
    assert "Lentelę galima slinkti į šoną →" in html
    assert html.count('tabindex="0"') >= 2  # keyboard users can scroll the wrappers


# -- links between pages ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def nav_page() -> str:
    """A converted page, its navigation not yet filled in; ``{}`` marks where its text goes."""
    return _page("<p>REPORT</p>").replace("REPORT", "{}")


def _record(report: str, slug: str, lang: str, status: str = "ok") -> dict:
    name = f"{report}-{slug}-{lang}"
    return {
        "report": report,
        "municipality": slug,
        "lang": lang,
        "status": status,
        "html": None if status == "failed" else f"html/{name}.html",
        "seconds": 1.0,
        "notebook": f"notebooks/{name}.ipynb",
        "error": None,
        "html_sha256": None,
    }


def _folder(
    tmp_path: Path, records: list[dict], page: str = '<nav class="tsp-pagenav"></nav>{}'
) -> Path:
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    for r in records:
        if r["html"]:
            text = page.replace("{}", r["report"])
            (out / r["html"]).write_text(text, "utf-8")
            r["html_sha256"] = sha256_bytes(text.encode())
    for name in index.FILENAMES.values():
        (out / name).write_text("<html></html>", "utf-8")
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.nav: list[tuple[str, str]] = []
        self._in, self._href = False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "nav" and "tsp-pagenav" in (a.get("class") or ""):
            self._in = True
        elif tag == "a" and self._in:
            self._href = a["href"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in = False

    def handle_data(self, data):
        if self._href is not None:
            self.nav.append((self._href, data))
            self._href = None


def nav_links(page: Path) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(page.read_text("utf-8"))
    return parser.nav


def test_every_page_links_to_its_index_other_language_and_siblings(tmp_path, nav_page):
    records = [
        _record("needs_analysis", "akmene", "lt"),
        _record("needs_analysis", "akmene", "en"),
        _record("data_review", "akmene", "lt"),
        _record("data_review", "akmene", "en"),
        _record("needs_analysis", "jonava", "lt"),
        _record("data_review", "lithuania", "lt"),
        _record("monitoring", "all", "lt"),
        _record("monitoring", "all", "en", "failed"),
    ]
    out = _folder(tmp_path, records, nav_page)
    assert links.apply(out, records) == 7
    page = out / "html" / "needs_analysis-akmene-lt.html"
    found = nav_links(page)
    assert found == [
        ("../index.html", "← Visos ataskaitos"),
        ("needs_analysis-akmene-en.html", "English version"),
        ("data_review-akmene-lt.html", "Duomenų apžvalga"),
        ("monitoring-all-lt.html", "Stebėsena (Visos savivaldybės)"),
    ]
    assert nav_links(out / "html" / "needs_analysis-akmene-en.html")[:3] == [
        ("../index.en.html", "← All reports"),
        ("needs_analysis-akmene-lt.html", "Lietuviška versija"),
        ("data_review-akmene-en.html", "Data review"),
    ]  # the failed English monitoring report is not linked
    country = [h for h, _ in nav_links(out / "html" / "data_review-lithuania-lt.html")]
    assert country == ["../index.html", "monitoring-all-lt.html"]
    for r in records:  # every link resolves, and the recorded hash is the file's
        if r["html"]:
            path = out / r["html"]
            for href, _ in nav_links(path):
                assert (path.parent / href).resolve().is_file(), (r["html"], href)
            assert r["html_sha256"] == sha256_bytes(path.read_bytes())
    before = page.read_text("utf-8")
    assert links.apply(out, records) == 0 and page.read_text("utf-8") == before  # idempotent


def test_a_new_report_kind_is_linked_and_listed_without_code_change(tmp_path, nav_page):
    records = [_record("needs_analysis", "akmene", "lt"), _record("overview", "all", "lt")]
    out = _folder(tmp_path, records, nav_page)
    links.apply(out, records)
    hrefs = [h for h, _ in nav_links(out / "html" / "needs_analysis-akmene-lt.html")]
    assert "overview-all-lt.html" in hrefs
    page = index.render(records, {"counts": {}}, "lt")
    assert 'href="html/overview-all-lt.html"' in page


# -- the index ---------------------------------------------------------------------------------
def _run(counts: dict | None = None) -> dict:
    return {
        "finished": "2026-11-29T02:00:00+00:00",
        "seconds": 12.5,
        "counts": counts or {"ok": 3, "failed": 1, "up-to-date": 0},
    }


def test_index_groups_by_place_with_descriptions_and_language_switch():
    records = [
        _record("needs_analysis", "akmene", "lt"),
        _record("needs_analysis", "akmene", "en"),
        _record("data_review", "akmene", "lt"),
        _record("needs_analysis", "vilnius", "lt"),
        _record("data_review", "lithuania", "lt"),
        _record("monitoring", "all", "lt"),
    ]
    lt = index.render(records, _run(), "lt")
    en = index.render(records, _run(), "en")
    assert '<html lang="lt">' in lt and '<html lang="en">' in en
    assert '<a href="index.en.html" lang="en" hreflang="en">English</a>' in lt
    assert '<a href="index.html" lang="lt" hreflang="lt">Lietuviškai</a>' in en
    order = [
        lt.index(s)
        for s in (
            "<h2>Savivaldybės</h2>",
            "Vilniaus miesto savivaldybė",
            "Akmenės rajono savivaldybė",
            "<h2>Visa Lietuva</h2>",
            "Lietuva</h3>",
            "Visos savivaldybės</h3>",
        )
    ]
    assert order == sorted(order)  # municipalities in reference order, then the country
    assert "Ko reikia savivaldybėje gyvenantiems TŠP" in lt
    assert "What third-country nationals living in the municipality need" in en
    # the Lithuanian page links the Lithuanian report and offers the English one beside it
    assert '<a class="report-link" href="html/needs_analysis-akmene-lt.html">' in lt
    assert 'href="html/needs_analysis-akmene-en.html" lang="en" hreflang="en">English</a>' in lt
    # the English page links the English report, and the Lithuanian-only ones marked as such
    assert '<a class="report-link" href="html/needs_analysis-akmene-en.html">' in en
    assert 'href="html/data_review-akmene-lt.html" lang="lt" hreflang="lt">Data review</a>' in en
    # timings and timestamps out of the way
    details = lt[lt.index('<details class="build">') : lt.index("</details>")]
    assert "2026-11-29T02:00:00+00:00" in details and ">1.0<" in details
    assert lt.index("2026-11-29T02") > lt.index('<details class="build">')
    assert "data-synthetic" not in lt
    for page in (lt, en):
        assert scan.scan_html(page, "index.html")[0] == []


def test_index_shows_failures_with_their_error_and_the_synthetic_banner():
    failed = _record("data_review", "akmene", "lt", "failed")
    failed["error"] = {"name": "KeyError", "message": "'value' [withheld]", "cell": 4}
    records = [_record("needs_analysis", "akmene", "lt"), failed]
    page = index.render(records, _run(), "lt", synthetic=True)
    top = page[: page.index("<h2>Savivaldybės</h2>")]
    assert '<section class="failures">' in top and "Nepavykusios ataskaitos" in top
    assert "KeyError in cell [4]: &#x27;value&#x27; [withheld]" in top
    assert 'href="notebooks/data_review-akmene-lt.ipynb"' in top
    assert "Sintetiniai duomenys." in top and 'data-synthetic="true"' in top
    assert '<li class="failed"><span class="report-link">Duomenų apžvalga</span>' in page
    assert scan.scan_html(page, "index.html")[0] == []


def test_index_banner_comes_from_the_report_pages(tmp_path):
    records = [_record("needs_analysis", "akmene", "lt")]
    out = _folder(tmp_path, records)
    assert not index.is_synthetic(out, records)
    (out / records[0]["html"]).write_text(
        '<div class="tsp-synthetic" data-synthetic="true">', "utf-8"
    )
    assert index.is_synthetic(out, records)
    index.write(out, records, _run())
    for name in ("index.html", "index.en.html"):
        assert 'data-synthetic="true"' in (out / name).read_text("utf-8")


# -- PDF -----------------------------------------------------------------------------------------
needs_weasyprint = pytest.mark.skipif(pdf.available() is not None, reason=str(pdf.available()))


@needs_weasyprint
def test_pdf_is_a4_and_nothing_extends_beyond_the_page(tmp_path):
    long_words = "Savivaldybėspaslaugųteikėjų"
    html = _page(
        "<p>" + "Ilgas tekstas. " * 40 + "</p>",
        _table(8, rows=25, word=long_words),  # wide and long: landscape, header repeated
        _table(4, rows=5),
        f'<figure class="tsp-figure"><img alt="x" src="data:image/png;base64,{_png(2400, 900)}"/>'
        "</figure>",
        "<pre>" + "x" * 400 + "</pre>",
    )
    page = tmp_path / "page.html"
    page.write_text(html, "utf-8")
    document = pdf.render(page)
    sizes = {(round(p.width, 1), round(p.height, 1)) for p in document.pages}
    assert sizes <= {A4, A4[::-1]} and A4 in sizes and A4[::-1] in sizes
    assert pdf.overflows(document) == []
    info = pdf.write_one(str(page), str(tmp_path / "page.pdf"))
    assert (tmp_path / "page.pdf").read_bytes().startswith(b"%PDF")
    assert info["overflows"] == [] and info["pages"] == len(document.pages)


@needs_weasyprint
def test_overflow_check_finds_a_box_beyond_the_page(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text('<html><body><div style="width:1500px">x</div></body></html>', "utf-8")
    found = pdf.overflows(pdf.render(page))
    assert found and found[0].startswith("page 1: <div>")


def test_scan_covers_pdfs_through_their_page(tmp_path):
    records = [_record("needs_analysis", "akmene", "lt")]
    out = _folder(tmp_path, records)
    (out / "pdf").mkdir()
    (out / "pdf" / "needs_analysis-akmene-lt.pdf").write_bytes(b"%PDF-1.7")
    by_name = {"needs_analysis-akmene-lt": records[0]}
    problems = [v.problem for v in scan._check_pdfs(out, by_name)]
    assert problems == ["PDF not listed in the manifest (unscanned)"]
    records[0]["pdf"] = {"path": "pdf/needs_analysis-akmene-lt.pdf", "html_sha256": "0" * 64}
    assert [v.problem for v in scan._check_pdfs(out, by_name)] == [
        "PDF not made from the page scanned"
    ]
    records[0]["pdf"]["html_sha256"] = records[0]["html_sha256"]
    assert scan._check_pdfs(out, by_name) == []


# -- a build ------------------------------------------------------------------------------------
def _write_params(folder: Path, slug: str, **extra) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"municipality: {slug}", "lang: lt"] + [
        f"{k}: {json.dumps(v)}" for k, v in extra.items()
    ]
    (folder / f"{slug}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.mark.slow
@needs_weasyprint
def test_a_build_links_every_page_lists_failures_and_writes_a4_pdfs(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "notebooks")
    (tmp_path / "broken.csv").write_text("wrong\n1\n", "utf-8")  # no `value`: fails
    _write_params(tmp_path / "params", "akmene")
    _write_params(tmp_path / "params", "jonava", inputs={"tsp_survey": "broken.csv"})
    _write_params(tmp_path / "params", "all")
    out = tmp_path / "out"
    result = build(
        municipalities=["akmene", "jonava"],
        reports=["needs_analysis", "monitoring"],
        langs="all",
        out=out,
        notebooks_dir=tmp_path / "notebooks",
        params_dir=tmp_path / "params",
        workers=2,
        progress=False,
        pdf=True,
    )
    status = {f"{r['report']}-{r['municipality']}-{r['lang']}": r["status"] for r in result.records}
    assert status["needs_analysis-jonava-lt"] == "failed"
    assert result.pdf_problems == []
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))["reports"]
    built = [r for r in manifest if r["status"] == "ok"]
    assert len(built) == 4
    for r in built:
        page = out / r["html"]
        found = dict(nav_links(page))
        assert found, r["html"]
        for href in found:
            assert (page.parent / href).resolve().is_file(), (r["html"], href)
        hrefs = list(found)
        assert hrefs[0] == ("../index.html" if r["lang"] == "lt" else "../index.en.html")
        assert any(h.endswith(f"-{'en' if r['lang'] == 'lt' else 'lt'}.html") for h in hrefs)
        assert not any("jonava" in h for h in hrefs)  # the failed ones are not linked
        assert r["html_sha256"] == sha256_bytes(page.read_bytes())
        assert r["pdf"]["html_sha256"] == r["html_sha256"]
        assert (out / r["pdf"]["path"]).read_bytes().startswith(b"%PDF")
    lt = (out / "index.html").read_text("utf-8")
    assert "Nepavykusios ataskaitos" in lt and "KeyError" in lt
    assert 'href="pdf/needs_analysis-akmene-lt.pdf"' in lt
    assert [v for v in scan.scan(out) if "PDF" in v.problem] == []
    # the next run: nothing rebuilt, nothing rewritten, the PDFs still current
    again = build(
        municipalities=["akmene"],
        reports=["needs_analysis"],
        langs="all",
        out=out,
        notebooks_dir=tmp_path / "notebooks",
        params_dir=tmp_path / "params",
        workers=1,
        progress=False,
    )
    assert {r["status"] for r in again.records} == {"up-to-date"}
    assert (out / "pdf" / "needs_analysis-akmene-lt.pdf").is_file()


@pytest.mark.slow
def test_every_report_of_a_full_build_links_index_other_language_and_siblings():
    from test_notebooks import build_output

    out, records = build_output()
    for r in records:
        if r["status"] != "ok":
            continue
        page = out / r["html"]
        hrefs = [h for h, _ in nav_links(page)]
        other = "en" if r["lang"] == "lt" else "lt"
        assert hrefs[0] == "../" + index.FILENAMES[r["lang"]], r["html"]
        assert f"{r['report']}-{r['municipality']}-{other}.html" in hrefs, r["html"]
        assert len(hrefs) >= 3, r["html"]  # index, other language, at least one sibling
        for href in hrefs:
            assert (page.parent / href).resolve().is_file(), (r["html"], href)
    for name in index.FILENAMES.values():
        text = (out / name).read_text("utf-8")
        for href in re.findall(r'href="([^"#]+)"', text):
            assert (out / href).is_file(), (name, href)
