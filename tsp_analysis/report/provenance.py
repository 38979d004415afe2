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
from .i18n import _mark_digits, t, t_html

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


def inputs_table(hashes: Mapping[str, str], lang: str) -> Html:
    """Each input file (relative to the project folder) with its SHA-256 hash."""
    frame = pd.DataFrame(
        {
            t("provenance.col.file", lang): [
                Cell(_display_path(p), markup=label_html(_display_path(p))) for p in hashes
            ],
            t("provenance.col.sha256", lang): [
                Cell(h, css="tsp-hash", markup=safe(h, "hash")) for h in hashes.values()
            ],
        }
    )
    return table(frame, lang, index=False, caption=t("provenance.inputs", lang))


def params_table(params: Mapping[str, object], lang: str) -> Html:
    """The report's parameters as they were used."""
    rows = []
    for key, value in params.items():
        if key == "inputs":
            value = ", ".join(f"{k}: {_display_path(v)}" for k, v in dict(value).items()) or t(
                "provenance.demo_inputs", lang
            )
        rows.append(
            {
                t("provenance.col.parameter", lang): key,
                t("provenance.col.value", lang): Cell(str(value), markup=safe(value, "param")),
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
            inputs_table(hashes, lang),
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
