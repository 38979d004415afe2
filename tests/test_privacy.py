"""Disclosure scan of every rendered report (SPEC §5): no respondent id, no free-text answer,
no code, no figure on a base below the thresholds, no raw error or warning output.

The fail-closed scan (``tsp_analysis.results.scan``) reads everything the build wrote: any
number that is not a checked cell found in the data files, or a marked year, threshold, date,
hash or label, is a violation, whatever the code meant; a missing report is a violation too.
The recoverability audit is re-run from the data files alone.
"""

from __future__ import annotations

import csv
import re
import shutil

import pytest
from test_notebooks import ROOT, build_output, build_reports, jobs

from tsp_analysis.params import DEFAULTS
from tsp_analysis.results import scan

pytestmark = pytest.mark.slow

MIN_COUNT = DEFAULTS["min_count"]
DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")


@pytest.fixture(scope="session")
def rendered() -> dict:
    return build_reports()


def _column(dataset: str, column: str) -> set[str]:
    path = ROOT / "data/demo" / f"{dataset}.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row[column].strip() for row in csv.DictReader(fh) if row.get(column, "").strip()}


def _text(html: str) -> str:
    return DATA_URI.sub("", html)


@pytest.fixture(scope="session")
def identifiers() -> set[str]:
    ids = _column("tsp_survey", "resp_id") | _column("provider_survey", "resp_id")
    assert len(ids) > 500  # the scan looks for something real
    return ids


@pytest.fixture(scope="session")
def comments() -> set[str]:
    texts = {c for c in _column("tsp_survey", "comment") if len(c) >= 8}
    assert texts
    return texts


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_no_respondent_id_or_free_text(rendered, identifiers, comments, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    text = _text(html)
    leaked_ids = sorted(i for i in identifiers if i in text)
    assert not leaked_ids, leaked_ids[:5]
    leaked = sorted(c for c in comments if c in text)
    assert not leaked, leaked[:5]


def _body(html: str) -> str:
    """The visible document: the body without scripts, styles and embedded images."""
    body = html[html.index("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    return _text(body)


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_no_code_and_no_raw_output(rendered, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    body = _body(html)
    for css in ("jp-InputArea", "jp-CodeMirrorEditor", "jp-Editor", "highlight"):
        assert not re.search(r'class="[^"]*\b' + css, body), css  # an input cell or source code
    for token in ("display(", "import ", "Traceback", "Warning:", "<pre", "validate_params"):
        assert token not in body, token
    assert "application/vnd.jupyter.stderr" not in body


def _names() -> list[str]:
    return ["-".join(j) for j in jobs()]


def test_fail_closed_scan_passes_over_every_output_of_the_build(rendered):
    """Every number in every page, notebook output, data file and the manifest of a full
    --lang all build is a checked cell (or a marked year, threshold, date, ...), and every
    report is there."""
    out, records = build_output()
    assert len(records) == len(jobs())
    violations = scan.scan(out, expected=_names())
    assert not violations, "\n".join(str(v) for v in violations[:20])


def test_scan_fails_on_a_report_with_an_injected_unmarked_number(rendered, tmp_path):
    out, _ = build_output()
    copy = tmp_path / "out"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns(".cache"))
    page = copy / "html" / "needs_analysis-jonava-lt.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", "<p>Ukraina (52 %)</p></body>", 1), "utf-8")
    violations = scan.scan(copy, expected=_names())
    assert [(v.file, v.problem) for v in violations] == [
        ("html/needs_analysis-jonava-lt.html", "number outside a checked cell")
    ]
    page.unlink()
    assert any(v.problem == "report page is missing" for v in scan.scan(copy))


def test_no_hidden_count_can_be_narrowed_below_the_threshold(rendered):
    """The recoverability audit, re-run from the data files alone over every report of each
    municipality (the needs analysis and the data review publish the same populations)."""
    out, _ = build_output()
    exposures = scan.reaudit(out)
    assert exposures, "no hidden count at all: the audit would pass vacuously"
    narrow = [e for e in exposures if e.width < MIN_COUNT]
    assert not narrow, narrow[:5]


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_synthetic_data_are_flagged_and_run_time_appears_once(rendered, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    assert 'data-synthetic="true"' in html
    assert html.count('class="tsp-run-time"') == 1


def test_a_report_s_csv_and_workbook_read_back_equal_its_results(rendered):
    """The data files of a built report are the checked results a researcher gets from
    Python (the Akmenė needs analysis: the most hidden cells)."""
    import pandas as pd

    from tsp_analysis import results
    from tsp_analysis.params import validate_params
    from tsp_analysis.results import export

    out, _ = build_output()
    params = validate_params({"municipality": "akmene"}, "test", report="needs_analysis")
    res = results.compute("needs_analysis", params)
    folder = out / "data" / "needs_analysis-akmene"
    sheets = export.read_xlsx(out / "data" / "needs_analysis-akmene-en.xlsx")
    assert list(sheets) == [t.id[:31] for t in res]
    for table in res:
        back = export.read_csv(folder / f"{table.id}.csv")
        want = table.published()
        for col in ("estimate", "ci_low", "ci_high"):
            pd.testing.assert_series_equal(
                back[col], want[col].astype("Float64"), check_names=False, rtol=1e-12
            )
        assert back["n"].tolist() == want["n"].tolist()
        assert back["suppressed"].tolist() == want["suppressed"].tolist()
        sheet = sheets[table.id[:31]]
        shown = sheet["Estimate"].tolist()
        for value, hidden, expected in zip(
            shown, want["suppressed"], want["estimate"], strict=True
        ):
            if hidden:
                assert value == export.MARK
            elif not pd.isna(expected):
                assert abs(float(value) - float(expected)) < 1e-9
