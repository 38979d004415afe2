"""The batch runner (``tsp_analysis.runner``, ``tsp-analysis run``), on tiny fixture notebooks.

The fixtures (``tests/fixtures/notebooks/``) take the real parameters, read an optional
``tsp_survey`` CSV with a ``value`` column (a file without it makes the notebook fail, as a
municipality with broken data would), show a heading, a sum, a figure, a set's order (which
depends on the hash seed) and a run time in ``<span class="tsp-run-time">``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import hashlib
import json
import os
import re
import shutil
import signal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner

from tsp_analysis import cli
from tsp_analysis.runner import ParameterErrors, build, convert, kernels, plan

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
PROJECT = Path(__file__).resolve().parents[1]
RUN_TIME = re.compile(r'<span class="tsp-run-time">[^<]*</span>')


def write_params(folder: Path, slug: str, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"municipality: {slug}", "lang: lt"]
    for key, value in extra.items():
        lines.append(f"{key}: {json.dumps(value)}")
    path = folder / f"{slug}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_values(path: Path, values: list[float], column: str = "value") -> Path:
    path.write_text(f"{column}\n" + "".join(f"{v}\n" for v in values), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the fixture notebooks and valid parameters for two
    municipalities, the country and the monitoring report."""
    shutil.copytree(FIXTURES, tmp_path / "notebooks")
    params = tmp_path / "params"
    write_values(tmp_path / "vilnius.csv", [2.5, 4.0, 1.5])
    write_params(params, "vilnius", inputs={"tsp_survey": "vilnius.csv"})
    write_params(params, "kaunas")
    write_params(params, "lithuania")
    write_params(params, "all")
    return tmp_path


@pytest.fixture
def source_hash(monkeypatch):
    """Pin the hash of the package's source code: other people may be editing it while the
    tests run, and a changed hash (rightly) rebuilds everything. Returns a setter."""
    from tsp_analysis.runner import cache

    value = {"hash": "pinned-source-hash"}
    monkeypatch.setattr(cache, "source_hash", lambda *a, **k: value["hash"])

    def set_hash(new: str) -> None:
        value["hash"] = new

    return set_hash


class RecordingExecutor(cf.Executor):
    """Runs nothing; records what it was asked to run."""

    def __init__(self) -> None:
        self.submitted: list = []

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.append((fn, args, kwargs))
        raise AssertionError("nothing should have been submitted")


def run(project: Path, out: Path, **kw):
    kw.setdefault("municipalities", ["vilnius", "kaunas"])
    kw.setdefault("reports", ["needs_analysis"])
    return build(
        out=out,
        notebooks_dir=project / "notebooks",
        params_dir=project / "params",
        workers=2,
        progress=False,
        **kw,
    )


def strip_run_time(html: str) -> str:
    return RUN_TIME.sub('<span class="tsp-run-time"></span>', html)


# --- planning -------------------------------------------------------------------------------


def test_plan_expands_municipalities_reports_and_languages():
    jobs = plan(notebooks_dir=FIXTURES, params_dir=PROJECT / "params")
    names = [j.name for j in jobs]
    municipalities = ["vilnius", "kaunas", "klaipeda", "siauliai", "jonava", "akmene"]
    expected = (
        [f"needs_analysis-{m}-lt" for m in municipalities]
        + [f"data_review-{m}-lt" for m in [*municipalities, "lithuania"]]
        + ["monitoring-all-lt", "overview-all-lt"]
    )
    assert names == expected
    both = plan(
        ["akmene"],
        ["needs_analysis", "monitoring"],
        "all",
        notebooks_dir=FIXTURES,
        params_dir=PROJECT / "params",
    )
    assert [j.name for j in both] == [
        "needs_analysis-akmene-lt",
        "needs_analysis-akmene-en",
        "monitoring-all-lt",
        "monitoring-all-en",
    ]
    assert [j.parameters["lang"] for j in both] == ["lt", "en", "lt", "en"]


def test_plan_builds_country_data_review_only_when_lithuania_is_selected(project):
    jobs = plan(
        ["vilnius"], None, "lt", notebooks_dir=project / "notebooks", params_dir=project / "params"
    )
    assert [j.name for j in jobs] == [
        "needs_analysis-vilnius-lt",
        "data_review-vilnius-lt",
        "monitoring-all-lt",
        "overview-all-lt",
    ]
    jobs = plan(
        ["lithuania"],
        None,
        "lt",
        notebooks_dir=project / "notebooks",
        params_dir=project / "params",
    )
    assert [j.name for j in jobs] == [
        "data_review-lithuania-lt",
        "monitoring-all-lt",
        "overview-all-lt",
    ]


@pytest.mark.parametrize(
    ("content", "key", "words"),
    [
        ("municipality: kaunas\nmin_bass: 3\n", "min_bass", "unknown parameter"),
        ("municipality: kaunas\nmin_count: five\n", "min_count", "whole number"),
        ("municipality: kaunus\n", "municipality", "unknown municipality"),
        (
            "municipality: kaunas\ninputs: {tsp_survey: missing.csv}\n",
            "inputs.tsp_survey",
            "does not exist",
        ),
        ("municipality: vilnius\n", "municipality", "says 'vilnius'"),
    ],
    ids=["unknown-key", "wrong-type", "unknown-municipality", "missing-input", "wrong-file"],
)
def test_invalid_parameters_fail_before_any_kernel_starts(project, tmp_path, content, key, words):
    bad = project / "params" / "kaunas.yaml"
    bad.write_text(content, encoding="utf-8")
    executor = RecordingExecutor()
    with pytest.raises(ParameterErrors) as info:
        run(project, tmp_path / "out", executor=executor)
    message = str(info.value)
    assert str(bad) in message
    assert f"key '{key}'" in message
    assert words in message
    assert executor.submitted == []
    assert not (tmp_path / "out" / "notebooks").exists()


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("municipality: kaunas\nseed: -1\n", "seed"),
        # thresholds below their floors would publish identifying figures: refused before any
        # kernel starts
        ("municipality: kaunas\nmin_count: 2\n", "min_count"),
        ("municipality: kaunas\nmin_base: 0\n", "min_base"),
    ],
    ids=["negative-seed", "min-count-below-floor", "min-base-below-floor"],
)
def test_cli_exits_2_on_invalid_parameters_and_names_file_and_key(
    project, tmp_path, capsys, content, key
):
    bad = project / "params" / "kaunas.yaml"
    bad.write_text(content, encoding="utf-8")
    code = cli.main(
        [
            "run",
            "--municipality",
            "kaunas",
            "--out",
            str(tmp_path / "out"),
            "--notebooks",
            str(project / "notebooks"),
            "--params",
            str(project / "params"),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert str(bad) in err and f"key '{key}'" in err
    assert not (tmp_path / "out" / "html").exists()


def test_every_problem_is_reported_at_once(project, tmp_path):
    (project / "params" / "kaunas.yaml").write_text("municipality: kaunas\nlang: lv\n")
    (project / "params" / "vilnius.yaml").write_text("municipality: vilnius\nseed: x\n")
    with pytest.raises(ParameterErrors) as info:
        run(project, tmp_path / "out")
    assert len(info.value.errors) == 2
    assert {e.key for e in info.value.errors} == {"lang", "seed"}


# --- building -------------------------------------------------------------------------------


@pytest.mark.slow
def test_failing_report_does_not_stop_the_others(project, tmp_path):
    write_values(project / "broken.csv", [1.0, 2.0], column="wrong")
    write_params(project / "params", "kaunas", inputs={"tsp_survey": "broken.csv"})
    out = tmp_path / "out"
    result = run(
        project,
        out,
        municipalities=["vilnius", "kaunas", "lithuania"],
        reports=["needs_analysis", "data_review"],
    )
    assert result.exit_code == 1
    status = {f"{r['report']}-{r['municipality']}": r["status"] for r in result.records}
    assert status == {
        "needs_analysis-vilnius": "ok",
        "needs_analysis-kaunas": "failed",
        "data_review-vilnius": "ok",
        "data_review-kaunas": "failed",
        "data_review-lithuania": "ok",
    }
    failed = next(
        r
        for r in result.records
        if r["report"] == "needs_analysis" and r["municipality"] == "kaunas"
    )
    assert failed["html"] is None
    assert failed["error"]["name"] == "KeyError"
    assert "value" in failed["error"]["message"]
    # The cell that reads the input is the 3rd code cell run, after papermill's own
    # parameters cell: execution count 4.
    assert failed["error"]["cell"] == 4
    assert not (out / "html" / "needs_analysis-kaunas-lt.html").exists()
    saved = json.loads((out / failed["notebook"]).read_text(encoding="utf-8"))
    errors = [
        o for c in saved["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert errors and errors[0]["ename"] == "KeyError"
    assert (out / "html" / "needs_analysis-vilnius-lt.html").is_file()

    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert [r["status"] for r in listed if r["municipality"] == "kaunas"] == ["failed"] * 2
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "needs_analysis-kaunas-lt" in index and "KeyError in cell [4]" in index
    assert index.count('<tr class="failed">') == 2


@pytest.mark.slow
def test_a_failed_report_keeps_no_respondent_id_in_its_notebook_manifest_or_index(
    project, tmp_path
):
    # The notebook fails converting the value "R-8842-KX": the error quotes it, and it is a
    # respondent id of the same file.
    (project / "leaky.csv").write_text("resp_id,value\nR-8842-KX,R-8842-KX\n", "utf-8")
    write_params(project / "params", "kaunas", inputs={"tsp_survey": "leaky.csv"})
    out = tmp_path / "out"
    result = run(project, out, municipalities=["kaunas"], reports=["needs_analysis"])
    (failed,) = result.records
    assert failed["status"] == "failed" and failed["error"]["name"] == "ValueError"
    assert "[withheld]" in failed["error"]["message"]
    for path in (out / failed["notebook"], out / "manifest.json", out / "index.html"):
        text = path.read_text(encoding="utf-8")
        assert "R-8842-KX" not in text, path.name
    assert "[withheld]" in (out / failed["notebook"]).read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_shows_results_without_code_with_toc_and_embedded_images(project, tmp_path):
    result = run(project, tmp_path / "out", municipalities=["vilnius"])
    assert result.exit_code == 0
    html = (tmp_path / "out" / result.records[0]["html"]).read_text(encoding="utf-8")
    # The fixture's numbers, worked by hand: 2.5 + 4.0 + 1.5 = 8 over 3 rows.
    assert "<strong>8</strong> (3)" in html
    # No code, not even the parameters papermill injected.
    for code in ("csv.DictReader", "injected-parameters", "min_base = 10", "import "):
        assert code not in html
    # Figures are inline PNG; nothing is fetched from elsewhere.
    assert re.search(r'<img [^>]*src="data:image/png;base64,', html)
    assert not re.search(r'<script[^>]+src="https?:', html)
    assert '<html lang="lt">' in html
    assert "<title>Needs analysis (fixture) · Vilniaus miesto savivaldybė</title>" in html
    # The table of contents links every h2/h3 heading, by an id that exists.
    parser = _Headings()
    parser.feed(html)
    assert parser.toc_links == ["#" + i for i in parser.heading_ids]
    assert parser.heading_texts == ["Pagrindinės išvados", "Details", "Provenance"]


@pytest.mark.slow
def test_report_html_is_identical_between_builds_apart_from_run_time(project, tmp_path):
    first = run(project, tmp_path / "a", municipalities=["vilnius"], force=True)
    second = run(project, tmp_path / "b", municipalities=["vilnius"], force=True)
    cold = run(project, tmp_path / "c", municipalities=["vilnius"], prewarm=False)
    assert [r["kernel"] for r in first.records] == ["forked"]
    assert [r["kernel"] for r in cold.records] == ["launched"]
    pages = [
        (out / "html" / "needs_analysis-vilnius-lt.html").read_text(encoding="utf-8")
        for out in (tmp_path / "a", tmp_path / "b", tmp_path / "c")
    ]
    assert all(len(RUN_TIME.findall(p)) == 1 for p in pages)
    assert pages[0] != pages[1]  # the run time is really there and really changes
    assert strip_run_time(pages[0]) == strip_run_time(pages[1])
    # A kernel forked from the zygote renders exactly what a launched one does.
    assert strip_run_time(pages[0]) == strip_run_time(pages[2])
    assert second.exit_code == 0


@pytest.mark.slow
def test_unchanged_reports_are_not_rebuilt_unless_forced(project, tmp_path, source_hash):
    out = tmp_path / "out"
    first = run(project, out)
    assert [r["status"] for r in first.records] == ["ok", "ok"]
    html = out / "html" / "needs_analysis-vilnius-lt.html"
    before = html.stat().st_mtime_ns

    executor = RecordingExecutor()
    again = run(project, out, executor=executor)
    assert [r["status"] for r in again.records] == ["up-to-date", "up-to-date"]
    assert executor.submitted == [] and again.exit_code == 0
    assert html.stat().st_mtime_ns == before

    # A changed parameter rebuilds that report only.
    write_params(project / "params", "kaunas", seed=7)
    changed = run(project, out)
    assert {r["municipality"]: r["status"] for r in changed.records} == {
        "vilnius": "up-to-date",
        "kaunas": "ok",
    }
    # So does a changed input file.
    write_values(project / "vilnius.csv", [1.0])
    changed = run(project, out)
    assert {r["municipality"]: r["status"] for r in changed.records} == {
        "vilnius": "ok",
        "kaunas": "up-to-date",
    }
    # A report whose HTML was deleted or edited is rebuilt.
    html.write_text("edited", encoding="utf-8")
    assert [r["status"] for r in run(project, out).records] == ["ok", "up-to-date"]
    # --force rebuilds everything.
    forced = run(project, out, force=True)
    assert [r["status"] for r in forced.records] == ["ok", "ok"]


@pytest.mark.slow
def test_changed_code_rebuilds_every_report(project, tmp_path, source_hash):
    out = tmp_path / "out"
    run(project, out)
    assert [r["status"] for r in run(project, out).records] == ["up-to-date"] * 2
    source_hash("changed")
    assert [r["status"] for r in run(project, out).records] == ["ok"] * 2


@pytest.mark.slow
def test_changed_notebook_rebuilds_its_reports(project, tmp_path, source_hash):
    out = tmp_path / "out"
    run(project, out, reports=["needs_analysis", "monitoring"])
    nb_path = project / "notebooks" / "monitoring.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"][2]["source"] = "# Monitoring (changed)"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    again = run(project, out, reports=["needs_analysis", "monitoring"])
    assert {
        r["report"]: r["status"] for r in again.records if r["municipality"] in ("vilnius", "all")
    } == {"needs_analysis": "up-to-date", "monitoring": "ok"}


@pytest.mark.slow
def test_manifest_records_every_field_and_independent_hashes(project, tmp_path):
    out = tmp_path / "out"
    run(project, out, municipalities=["vilnius"], reports=["needs_analysis"])
    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (record,) = document["reports"]
    for field in (
        "report",
        "municipality",
        "lang",
        "status",
        "html",
        "seconds",
        "error",
        "hashes",
        "notebook",
    ):
        assert field in record
    assert (record["report"], record["municipality"], record["lang"], record["status"]) == (
        "needs_analysis",
        "vilnius",
        "lt",
        "ok",
    )
    assert record["error"] is None and record["seconds"] > 0
    hashes = record["hashes"]
    assert (
        hashes["notebook"]
        == hashlib.sha256((project / "notebooks" / "needs_analysis.ipynb").read_bytes()).hexdigest()
    )
    csv_path = (project / "vilnius.csv").resolve()
    assert (
        hashes["inputs"][csv_path.as_posix()] == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    )
    assert (
        hashes["inputs"]["data/reference/municipalities.csv"]
        == hashlib.sha256((PROJECT / "data/reference/municipalities.csv").read_bytes()).hexdigest()
    )
    expected_params = {
        "municipality": "vilnius",
        "lang": "lt",
        "inputs": {"tsp_survey": str(csv_path)},
        "min_count": 5,
        "min_base": 10,
        "seed": 0,
        "allow_free_text": False,
    }
    canonical = json.dumps(expected_params, sort_keys=True, separators=(",", ":"))
    assert hashes["parameters"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert hashes["package"]["version"]
    assert (out / "manifest.json").read_text(encoding="utf-8") == json.dumps(
        document, sort_keys=True, indent=2, ensure_ascii=False
    ) + "\n"


@pytest.mark.slow
def test_index_lists_every_report_with_name_status_and_link(project, tmp_path):
    out = tmp_path / "out"
    result = run(project, out, municipalities=["vilnius", "lithuania"], reports=None, langs="all")
    assert len(result.records) == 2 + 4 + 2 + 2  # needs, reviews, monitoring, overview
    index = (out / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr class=\"(\w[\w-]*)\">(.*?)</tr>", index, flags=re.S)
    assert len(rows) == len(result.records)
    for record in result.records:
        assert f'href="{record["html"]}"' in index
        assert (out / record["html"]).is_file()
    # Municipality names from the reference table, in the page's language.
    english = (out / "index.en.html").read_text(encoding="utf-8")
    assert "Vilniaus miesto savivaldybė" in index and "Vilnius City Municipality" in english
    assert "Lietuva" in index and "All municipalities" in english
    for page in (index, english):
        assert "<script" not in page and "http" not in page


@pytest.mark.slow
def test_earlier_reports_stay_in_manifest_and_index(project, tmp_path):
    out = tmp_path / "out"
    run(project, out, municipalities=["vilnius"])
    run(project, out, municipalities=["kaunas"])
    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert [(r["municipality"], r["in_last_run"]) for r in listed] == [
        ("vilnius", False),
        ("kaunas", True),
    ]


@pytest.mark.slow
def test_cli_builds_and_prints_one_line_per_report(project, tmp_path, capsys):
    code = cli.main(
        [
            "run",
            "--municipality",
            "vilnius",
            "--report",
            "needs_analysis",
            "--lang",
            "en",
            "--out",
            str(tmp_path / "out"),
            "--notebooks",
            str(project / "notebooks"),
            "--params",
            str(project / "params"),
            "--workers",
            "1",
            "--no-progress",
        ]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert re.match(r"ok\s+needs_analysis-vilnius-en\s+\d+\.\d s$", lines[0])
    assert lines[-1].startswith("1 report(s): 1 ok, 0 failed, 0 up-to-date")
    html = (tmp_path / "out" / "html" / "needs_analysis-vilnius-en.html").read_text("utf-8")
    assert '<html lang="en">' in html and "Key findings" in html and "Contents" in html


@pytest.mark.slow
def test_process_pool_executor_builds_the_same_reports(project, tmp_path):
    threads = run(project, tmp_path / "t", municipalities=["vilnius"])
    processes = run(project, tmp_path / "p", municipalities=["vilnius"], executor_kind="process")
    assert [r["status"] for r in processes.records] == ["ok"]
    a = (tmp_path / "t" / threads.records[0]["html"]).read_text(encoding="utf-8")
    b = (tmp_path / "p" / processes.records[0]["html"]).read_text(encoding="utf-8")
    assert strip_run_time(a) == strip_run_time(b)


@pytest.mark.slow
def test_dask_executor_builds_reports(project, tmp_path):
    distributed = pytest.importorskip(
        "distributed", reason="Dask is an optional extra: pip install -e .[dask]"
    )
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = run(project, tmp_path / "out", executor=client.get_executor())
    assert [r["status"] for r in result.records] == ["ok", "ok"]
    assert (tmp_path / "out" / "html" / "needs_analysis-kaunas-lt.html").is_file()


# --- kernels and conversion -----------------------------------------------------------------


@pytest.mark.slow
def test_forked_kernels_are_fresh_processes_that_share_no_state():
    zygote = kernels.shared_zygote(kernels.DEFAULT_PRELOAD, key="test")
    manager_class = kernels.kernel_manager_class(zygote)

    async def session(code: str) -> tuple[int, str]:
        km = manager_class(kernel_name="python3")
        await km.start_kernel(cwd=str(PROJECT))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            texts: list[str] = []
            await kc.execute_interactive(
                code, output_hook=lambda m: texts.append(m["content"].get("text", ""))
            )
            return km.provisioner.pid, "".join(texts).strip()
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    code = (
        "import os, sys; print('leak' in globals(), 'pandas' in sys.modules, os.getppid());"
        " leak = 1"
    )
    pid1, out1 = asyncio.run(session(code))
    pid2, out2 = asyncio.run(session(code))
    zygote_pid = zygote.wait_ready()["pid"]
    assert pid1 != pid2
    # No variable survives from the first kernel; the heavy module is there already; both
    # kernels are the zygote's children.
    assert out1 == out2 == f"False True {zygote_pid}"


@pytest.mark.slow
def test_kernel_process_reports_exit_after_kill():
    zygote = kernels.shared_zygote(kernels.DEFAULT_PRELOAD, key="test")
    process = zygote.spawn(["-f", "/nonexistent/dir/kernel.json"], dict(os.environ), None)
    # A kernel that cannot write its connection file dies by itself; either way it ends.
    process.kill()
    code = process.wait(timeout=30)  # raises TimeoutExpired if the exit is never seen
    # killed by us (-SIGKILL), or exited by itself before the kill (0: its code is the
    # zygote's to reap); any other value is a wrong report
    assert code in (0, -signal.SIGKILL)
    assert process.poll() == code  # the exit stays reported


def test_preload_reads_notebook_imports_but_never_ipython_sensitive_modules(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": [
                    "%matplotlib inline\n",
                    "import numpy as np\n",
                    "from tsp_analysis import reference\n",
                    "import matplotlib_inline.backend_inline\n",
                ],
            },
            {"cell_type": "code", "source": "from tqdm.auto import tqdm\nx = (\n"},  # invalid
            {"cell_type": "code", "source": "from scipy import stats"},
            {"cell_type": "markdown", "source": "import os"},
        ]
    }
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    found = kernels.preload_modules([path], base=())
    assert found == ["numpy", "tsp_analysis", "tsp_analysis.reference", "scipy", "scipy.stats"]


def test_toc_nests_h3_under_h2_and_makes_duplicate_ids_unique():
    page = (
        "<html><body><main><h1>Title</h1>"
        '<h2 id="A">A<a class="anchor-link" href="#A">¶</a></h2><h3>Sub one</h3>'
        '<h2 id="A">A again</h2><h3 id="x">Šiaulių m.</h3></main></body></html>'
    )
    html = convert.add_toc(page, "lt")
    assert '<nav aria-label="Turinys" class="tsp-toc">' in html
    nav = html[html.index("<nav") : html.index("</nav>")]
    assert nav.count("<ul>") == 3  # the list and one sub-list per h2
    assert re.findall(r'href="#([^"]+)"', nav) == ["A", "sub-one", "A-2", "x"]
    assert 'id="A-2"' in html and 'id="sub-one"' in html
    assert ">Šiaulių m.</a>" in nav and "¶" not in nav


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.heading_ids: list[str] = []
        self.heading_texts: list[str] = []
        self.toc_links: list[str] = []
        self._in_nav = False
        self._heading: str | None = None
        self._skip = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "tsp-toc" in (attrs.get("class") or ""):
            self._in_nav = True
        elif self._in_nav and tag == "a":
            self.toc_links.append(attrs["href"])
        elif not self._in_nav and tag in ("h2", "h3"):
            self.heading_ids.append(attrs["id"])
            self._heading = ""
        elif self._heading is not None and tag == "a":
            self._skip = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag in ("h2", "h3") and self._heading is not None:
            self.heading_texts.append(self._heading.strip())
            self._heading = None
        elif tag == "a":
            self._skip = False

    def handle_data(self, data):
        if self._heading is not None and not self._skip:
            self._heading += data


def test_kernel_manager_uses_only_public_hooks_to_set_sockets_and_environment():
    """Unix sockets come from the manager's public traits and the environment from its public
    ``start_kernel``; no private start-up method is overridden for that."""
    manager = kernels.kernel_manager_class(None, {"TSP_X": "1"})()
    if os.name == "posix":
        assert manager.transport == "ipc"
        assert manager.ip.startswith(str(kernels._ipc_dir()))
    assert "_async_pre_start_kernel" not in vars(kernels.ReportKernelManager)
    assert "start_kernel" in vars(kernels.ReportKernelManager)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (kernels.ReportKernelManager, AsyncKernelManager),
        (kernels.ZygoteProvisioner, LocalProvisioner),
        (kernels.ReportKernelSpecManager, KernelSpecManager),
    ],
)
def test_no_private_jupyter_client_method_is_overridden(ours, theirs):
    """Issue 14: forking kernels goes through the public provisioner API; none of our classes
    redefines a private (underscore) attribute of the jupyter_client class it extends."""
    # What the traitlets metaclass writes into every subclass (its bookkeeping, not ours).
    bookkeeping = set(vars(type("Empty", (theirs,), {})))
    private = {
        name
        for name in set(vars(ours)) - bookkeeping
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
    }
    assert not {name for name in private if hasattr(theirs, name)}


def test_report_kernels_name_the_zygote_provisioner():
    manager = kernels.kernel_manager_class(None)(kernel_name="python3")
    stanza = manager.kernel_spec.metadata["kernel_provisioner"]
    assert stanza["provisioner_name"] == kernels.PROVISIONER_NAME
    # The name resolves, through the installed entry point, to our class.
    factory = KernelProvisionerFactory.instance()
    provisioner = factory.create_provisioner_instance("k", manager.kernel_spec, parent=manager)
    assert type(provisioner) is kernels.ZygoteProvisioner


def test_unregistered_provisioner_leaves_the_spec_as_installed(monkeypatch):
    """A source checkout that was not pip-installed has no entry point: the spec keeps its
    own provisioner (jupyter_client's local one) instead of naming one that cannot load."""
    monkeypatch.setattr(kernels, "provisioner_registered", lambda: False)
    manager = kernels.kernel_manager_class(None)(kernel_name="python3")
    assert "kernel_provisioner" not in manager.kernel_spec.metadata


@pytest.mark.slow
def test_cell_timeout_fails_that_report_only(project, tmp_path):
    nb_path = project / "notebooks" / "monitoring.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"].insert(
        2,
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "sleepy",
            "metadata": {},
            "outputs": [],
            "source": "import time\ntime.sleep(120)",
        },
    )
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    result = run(
        project,
        tmp_path / "out",
        municipalities=["vilnius"],
        reports=["needs_analysis", "monitoring"],
        timeout=3,
    )
    status = {r["report"]: r for r in result.records}
    assert status["needs_analysis"]["status"] == "ok"
    assert status["monitoring"]["status"] == "failed"
    assert "Timeout" in status["monitoring"]["error"]["name"]
    assert result.exit_code == 1


def test_interrupted_build_still_writes_manifest_and_index(project, tmp_path):
    from tsp_analysis.runner.batch import BuildInterrupted

    class InterruptingExecutor(cf.Executor):
        def submit(self, fn, /, *args, **kwargs):
            future: cf.Future = cf.Future()
            future.set_exception(KeyboardInterrupt())
            return future

    with pytest.raises(BuildInterrupted) as info:
        run(project, tmp_path / "out", executor=InterruptingExecutor())
    records = info.value.result.records
    assert [r["error"]["name"] for r in records] == ["Interrupted", "Interrupted"]
    listed = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["reports"]
    assert [r["status"] for r in listed] == ["failed", "failed"]
    assert "the build was interrupted" in (tmp_path / "out" / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_kernel_is_launched_normally_when_the_zygote_is_gone():
    zygote = kernels.Zygote(["json"])
    zygote.wait_ready()
    zygote.process.kill()
    zygote.process.wait()
    manager = kernels.kernel_manager_class(zygote)(kernel_name="python3")

    async def start_and_stop() -> bool:
        await manager.start_kernel(cwd=str(PROJECT))
        try:
            return manager.forked
        finally:
            await manager.shutdown_kernel(now=True)

    assert asyncio.run(start_and_stop()) is False
    zygote.close()
