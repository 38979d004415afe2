"""The method-and-provenance section: how the figures were made and from what.

Lists the input files with their SHA-256 hashes, the parameters, the versions of the packages
that computed the figures, the code version (git commit when the source tree is a git checkout,
else the package version) and the run time. The run time is the only thing in a report that
changes between two builds from the same inputs; it sits in ``<span class="tsp-run-time">`` so
that the runner's reproducibility test can remove exactly that element.
"""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from collections.abc import Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from ..estimate import METHOD_NOTE
from ..paths import PROJECT_DIR
from .display import Cell, Html, join, label_html, safe, table
from .i18n import LANGUAGES, _mark_digits, has, label, t, t_html

#: Distributions whose versions the report lists (they compute or draw its figures).
PACKAGES = (
    "tsp-analysis",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
)


def package_versions() -> dict[str, str]:
    """Installed version of each of :data:`PACKAGES` (``"—"`` when not installed)."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "—"
    return out


@cache
def code_version() -> str:
    """The git commit of the source tree (with "+changes" when the package, notebooks or data
    differ from it), or the package version when there is no git checkout."""
    from ..paths import IN_CHECKOUT

    if not IN_CHECKOUT:  # an installed wheel: a repository around it is someone else's
        return f"tsp-analysis {package_versions()['tsp-analysis']}"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "tsp_analysis", "notebooks", "data"],
            cwd=PROJECT_DIR,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return f"tsp-analysis {package_versions()['tsp-analysis']}"
    return commit.stdout.strip() + ("+changes" if dirty.returncode == 1 else "")


def method_notes(lang: str) -> list[tuple[str, str]]:
    """``(module, text)`` of the plain-language method notes the report quotes: the one of
    :mod:`tsp_analysis.estimate` (:data:`~tsp_analysis.estimate.METHOD_NOTE`), which states how
    the weights and intervals were made and what they cannot do."""
    return [("estimate", METHOD_NOTE[lang].strip())]


def _display_path(path: str | Path) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(PROJECT_DIR).as_posix()
    except ValueError:
        return p.name  # outside the project: the name is enough, and hides local folders


def _input_names(hashes: Mapping[str, str], params: Mapping[str, object]) -> dict[str, str]:
    """Input file → the dataset it holds (``tsp_survey`` …): from the ``inputs`` parameter,
    else the file's name when it is a dataset's default name (the shipped demo files)."""
    given = {}
    for dataset, path in dict(params.get("inputs") or {}).items():
        given[_resolved(path)] = dataset
    out = {}
    for path in hashes:
        stem = Path(path).stem
        out[path] = given.get(_resolved(path)) or (stem if has(f"review.dataset.{stem}") else "")
    return out


def _resolved(path: str | Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


def _is_demo(path: str | Path) -> bool:
    return _display_path(path).startswith("data/demo/")


def inputs_table(
    hashes: Mapping[str, str], lang: str, params: Mapping[str, object] | None = None
) -> Html:
    """Each input with its SHA-256 hash: the dataset's name in words and, for a file the user
    gave, its file name (no folders); the shipped demonstration files are named as such."""
    datasets = _input_names(hashes, params or {})
    rows = []
    for path, digest in hashes.items():
        dataset = datasets[path]
        name = t(f"review.dataset.{dataset}", lang) if dataset else Path(path).name
        where = "" if _is_demo(path) else Path(path).name
        shown = name if where in ("", name) else f"{name} ({where})"
        rows.append(
            {
                t("provenance.col.file", lang): Cell(shown, markup=label_html(shown)),
                t("provenance.col.sha256", lang): Cell(
                    digest, css="tsp-hash", markup=safe(digest, "hash")
                ),
            }
        )
    demo = [t("provenance.demo_file", lang)] if any(_is_demo(p) for p in hashes) else []
    return table(
        pd.DataFrame(rows), lang, index=False, caption=t("provenance.inputs", lang), notes=demo
    )


def _param_value(key: str, value: object, lang: str) -> str:
    """A parameter's value in words: names for codes, yes/no for switches."""
    if key == "inputs":
        given = dict(value or {})
        if not given:
            return t("provenance.demo_inputs", lang)
        return "; ".join(
            f"{t(f'review.dataset.{k}', lang) if has(f'review.dataset.{k}') else k}: "
            f"{Path(str(v)).name}"
            for k, v in given.items()
        )
    if key == "municipality":
        try:
            return label("municipalities", str(value), lang, column="name")
        except KeyError:
            return t("common.all_municipalities", lang) if value == "all" else str(value)
    if key == "lang" and value in LANGUAGES:
        return t("common.language_name", str(value))
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no", lang)
    return str(value)


def params_table(params: Mapping[str, object], lang: str) -> Html:
    """The report's parameters as they were used, named and valued in words (a parameter
    without a label in ``report_text.csv`` — ``provenance.param.<key>`` — is a bug the tests
    catch)."""
    rows = []
    for key, value in params.items():
        name = t(f"provenance.param.{key}", lang) if has(f"provenance.param.{key}") else key
        shown = _param_value(key, value, lang)
        rows.append(
            {
                t("provenance.col.parameter", lang): name,
                t("provenance.col.value", lang): Cell(shown, markup=safe(shown, "param")),
            }
        )
    return table(pd.DataFrame(rows), lang, index=False, caption=t("provenance.parameters", lang))


def versions_table(lang: str) -> Html:
    """Versions of Python, the packages and the code."""
    rows = [
        {
            t("provenance.col.package", lang): k,
            t("provenance.col.version", lang): Cell(v, markup=safe(v, "version")),
        }
        for k, v in package_versions().items()
    ]
    code = code_version()
    rows.append(
        {
            t("provenance.col.package", lang): t("provenance.code_version", lang),
            t("provenance.col.version", lang): Cell(code, markup=safe(code, "version")),
        }
    )
    return table(pd.DataFrame(rows), lang, index=False, caption=t("provenance.versions", lang))


def run_time(now: dt.datetime | None = None) -> Html:
    """The run time (UTC) in the marker element that reproducibility checks strip."""
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    # "UTC" outside the marked span: the scan accepts only digits and separators as a time
    return Html(f'<span class="tsp-run-time" data-safe="time">{stamp}</span> UTC')


def provenance(
    hashes: Mapping[str, str],
    params: Mapping[str, object],
    lang: str,
    *,
    now: dt.datetime | None = None,
) -> Html:
    """Input hashes, parameters, versions and the run time."""
    when = t_html("provenance.run_at", lang, time=_markup(run_time(now)))
    return join(
        [
            f"<p>{when}</p>",
            inputs_table(hashes, lang, params),
            params_table(params, lang),
            versions_table(lang),
        ]
    )


def method_quotes(lang: str) -> Html:
    """The statistics modules' own method notes, quoted."""
    notes = method_notes(lang)
    if not notes:
        return Html("")
    # The modules' notes are method text: a figure in them ("95 %") is a word, not data.
    items = "".join(
        f"<blockquote><p>{_mark_digits(_escape(text))}</p></blockquote>" for _, text in notes
    )
    return Html(f"<h3>{t_html('provenance.method_quotes', lang)}</h3>{items}")


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=False)  # "&#x27;" would get its digits marked


def _markup(html: str):
    from .i18n import Markup

    return Markup(html)


# -- dates and attribution, at the top of every report -----------------------------------------
def project_facts() -> dict[str, dict[str, str]]:
    """``data/reference/project.csv`` by key: ``value``, ``text_lt``, ``text_en``, ``source``
    (the survey's fieldwork period, seed 000; the funding statement, seeds 000 and 002; the
    project code, seed 002; the project's title)."""
    from .. import reference

    frame = reference.table("project")
    return {rec["key"]: rec for rec in frame.to_dict("records")}


def attribution(info: Mapping[str, object], lang: str) -> Html:
    """What every report states under its title: the survey's fieldwork period, the period
    the monitoring data cover, the project with its code and the funding acknowledgement.

    ``info`` is the results' ``info`` (``results.compute(...).info``): its
    ``monitoring_period`` (first and last date of an activity held in the monitoring
    registers, computed from the data) is shown as dates. The project code is marked
    ``data-safe="code"``; every other digit comes from a reference table (a label) or a
    report-text template.
    """
    facts = project_facts()
    items = [
        t_html(
            "attribution.fieldwork",
            lang,
            period=label_html(facts["fieldwork"][f"text_{lang}"]),
        )
    ]
    period = info.get("monitoring_period")
    if period:
        start, end = period
        items.append(
            t_html(
                "attribution.monitoring_period",
                lang,
                start=safe(start, "date"),
                end=safe(end, "date"),
            )
        )
    else:
        items.append(t_html("attribution.no_monitoring_period", lang))
    items.append(
        t_html(
            "attribution.project",
            lang,
            title=label_html(facts["project_title"][f"text_{lang}"]),
            code=safe(facts["project_code"]["value"], "code"),
        )
    )
    items.append(label_html(facts["funding"][f"text_{lang}"]))
    inner = "".join(f"<li>{i}</li>" for i in items)
    return Html(
        f'<aside class="tsp-attribution" aria-label="{_escape(t("attribution.title", lang))}">'
        f'<ul class="tsp-attribution-list">{inner}</ul></aside>'
    )
