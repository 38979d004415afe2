"""What to build: municipalities × reports × languages, expanded into jobs with validated
parameters.

Everything here runs before any kernel starts and imports nothing heavy, so a typo in a
parameter file fails in a fraction of a second with the file and the key named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import params as params_mod
from ..errors import ParameterError, TspError
from ..ids import ALL, COUNTRY, LANGUAGES, REPORTS
from ..paths import PROJECT_DIR

#: Stands for "each selected municipality" in :data:`REPORT_UNITS`.
EACH_MUNICIPALITY = "*"
#: The units each report kind is built for: :data:`EACH_MUNICIPALITY` and/or fixed slugs. A
#: fixed slug is a unit of its own (``lithuania``: the country; ``all``: every municipality
#: compared), with its own parameter file; it may be named in a selection. A report kind whose
#: only units are fixed slugs is built whenever the kind is selected; a fixed slug beside
#: municipalities is built when named, or when no municipality is named.
REPORT_UNITS: dict[str, tuple[str, ...]] = {
    "needs_analysis": (EACH_MUNICIPALITY,),
    "data_review": (EACH_MUNICIPALITY, COUNTRY),
    "monitoring": (ALL,),
    "overview": (ALL,),
}


def fixed_units() -> list[str]:
    """The slugs in :data:`REPORT_UNITS` that are not municipalities, in table order."""
    units = (u for units in REPORT_UNITS.values() for u in units if u != EACH_MUNICIPALITY)
    return list(dict.fromkeys(units))


def default_notebooks_dir() -> Path:
    """``notebooks/`` of the project."""
    return PROJECT_DIR / "notebooks"


def default_params_dir() -> Path:
    """``params/`` of the project."""
    return PROJECT_DIR / "params"


@dataclass(frozen=True)
class Job:
    """One report to build: a notebook run with one set of parameters.

    ``slug`` is a municipality slug, ``lithuania`` (country data review) or ``all``
    (monitoring). ``parameters`` are validated and complete (defaults filled in, ``lang`` set,
    input paths absolute).
    """

    report: str
    slug: str
    lang: str
    notebook: Path
    params_file: Path
    parameters: dict[str, Any] = field(compare=False, hash=False)

    @property
    def name(self) -> str:
        """``<report>-<slug>-<lang>``: the stem of every file this job writes."""
        return f"{self.report}-{self.slug}-{self.lang}"

    @property
    def html_path(self) -> str:
        """Path of the HTML report, relative to the output folder."""
        return f"html/{self.name}.html"

    @property
    def notebook_path(self) -> str:
        """Path of the executed notebook, relative to the output folder."""
        return f"notebooks/{self.name}.ipynb"


class ParameterErrors(TspError):
    """Every parameter problem of a planned build (each a :class:`ParameterError`), reported
    together so one run shows them all."""

    def __init__(self, errors: Sequence[ParameterError]):
        self.errors = [one for error in errors for one in error.split()]
        lines = [f"{len(self.errors)} invalid parameter file(s); no report was built:"]
        lines += [f"  - {e}" for e in self.errors]
        super().__init__("\n".join(lines))


def slugs_for(report: str, municipalities: Sequence[str]) -> list[str]:
    """The slugs ``report`` is built for when ``municipalities`` are selected (read from
    :data:`REPORT_UNITS`).

    ``needs_analysis``: each municipality; ``data_review``: each municipality, plus the
    country when ``lithuania`` is named (a build of everything names it); ``monitoring``:
    ``all`` once (it compares municipalities; it is built whenever it is selected).
    """
    units = REPORT_UNITS[report]
    fixed = [u for u in units if u != EACH_MUNICIPALITY]
    if EACH_MUNICIPALITY not in units:
        return fixed
    named = [m for m in municipalities if m not in fixed_units()]
    return [*named, *(u for u in fixed if u in municipalities)]


def plan(
    municipalities: Iterable[str] | None = None,
    reports: Iterable[str] | None = None,
    langs: Iterable[str] | str = ("lt",),
    *,
    notebooks_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
) -> list[Job]:
    """Expand a selection into validated jobs.

    Parameters
    ----------
    municipalities : iterable of str, optional
        Municipality slugs; ``None`` means every municipality in the reference table plus
        every fixed unit of :data:`REPORT_UNITS`. A fixed unit (``lithuania``, the country
        data review; ``all``, the monitoring report) may be named on its own.
    reports : iterable of str, optional
        Any of :data:`REPORTS`; ``None`` means all.
    langs : str or iterable of str
        ``"lt"``, ``"en"``, ``"all"`` (both) or a list of them.
    notebooks_dir, params_dir : path, optional
        Where ``<report>.ipynb`` and ``<slug>.yaml`` are (default: the project's
        ``notebooks/`` and ``params/``). Relative input paths in a parameter file are taken
        relative to the parent of ``params_dir`` (the project folder by default).

    Returns
    -------
    list of Job
        In report, municipality (reference order), language order.

    Raises
    ------
    ParameterErrors
        Any parameter file is missing or invalid: unknown key, wrong type, unknown
        municipality, a municipality that does not match the file name, missing input file.
        Every problem found is listed, each naming its file and key.
    ValueError
        An unknown report, language or municipality in the selection itself.

    Examples
    --------
    >>> [j.name for j in plan(["akmene"], ["needs_analysis"], "all")]
    ['needs_analysis-akmene-lt', 'needs_analysis-akmene-en']
    """
    notebooks = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    params_folder = Path(params_dir) if params_dir is not None else default_params_dir()
    for folder, what, pattern in (
        (params_folder, "parameter", "*.yaml"),
        (notebooks, "notebook", "*.ipynb"),
    ):  # one line, not one "file does not exist" per report
        if not folder.is_dir():
            kind = "is a file" if folder.exists() else "does not exist"
            raise TspError(f"{folder}: the {what} folder {kind}")
        if next(folder.glob(pattern), None) is None:
            raise TspError(f"{folder}: the {what} folder holds no {pattern} file")
    known = params_mod.municipality_slugs()

    selected_reports = _select(reports, REPORTS, "report")
    selected_langs = _select([langs] if isinstance(langs, str) else langs, LANGUAGES, "language")
    allowed = [*known, *fixed_units()]
    if municipalities is None:
        selected = allowed
    else:
        selected = list(dict.fromkeys(municipalities))
        unknown = [m for m in selected if m not in allowed]
        if unknown:
            raise ValueError(f"unknown municipality {unknown[0]!r}; expected some of {allowed}")
        order = {slug: i for i, slug in enumerate(allowed)}
        selected.sort(key=order.__getitem__)

    jobs: list[Job] = []
    errors: list[ParameterError] = []
    loaded: dict[Path, dict | None] = {}
    for report in selected_reports:
        notebook = notebooks / f"{report}.ipynb"
        for slug in slugs_for(report, selected):
            params_file = params_folder / f"{slug}.yaml"
            if params_file not in loaded:
                loaded[params_file] = _load(params_file, errors)
            raw = loaded[params_file]
            if raw is None:
                continue
            for lang in selected_langs:
                try:
                    parameters = _validate(raw, params_file, report, slug, lang, params_folder)
                except ParameterError as exc:
                    if not any(str(exc) == str(e) for e in errors):
                        errors.append(exc)
                    continue
                jobs.append(Job(report, slug, lang, notebook, params_file, parameters))
    if errors:
        raise ParameterErrors(errors)
    missing = sorted({str(j.notebook) for j in jobs if not j.notebook.is_file()})
    if missing:
        raise TspError(f"report notebook(s) not found: {', '.join(missing)}")
    return jobs


def _select(values: Iterable[str] | None, allowed: tuple[str, ...], what: str) -> list[str]:
    if values is None:
        return list(allowed)
    chosen = list(dict.fromkeys(values))
    if ALL in chosen:
        return list(allowed)
    for value in chosen:
        if value not in allowed:
            raise ValueError(f"unknown {what} {value!r}; expected some of {list(allowed)} or 'all'")
    return [v for v in allowed if v in chosen]


def _load(path: Path, errors: list[ParameterError]) -> dict | None:
    try:
        return params_mod.load_params(path)
    except ParameterError as exc:
        errors.append(exc)
        return None


def _validate(
    raw: dict, params_file: Path, report: str, slug: str, lang: str, params_folder: Path
) -> dict[str, Any]:
    source = str(params_file)
    # The file's own `lang` is its default; the build's language selection wins. Validate the
    # file as written first, so that a bad `lang` in it is still reported as such.
    # A file without `municipality` is for the municipality it is named after.
    raw = {"municipality": slug, **raw}
    params_mod.validate_params(raw, source, report, base_dir=params_folder.parent)
    parameters = params_mod.validate_params(
        {**raw, "lang": lang}, source, report, base_dir=params_folder.parent
    )
    if parameters["municipality"] != slug:
        raise ParameterError(
            source,
            "municipality",
            f"the file is for {slug!r} (its name) but says {parameters['municipality']!r}",
        )
    return parameters
