"""Build a batch of reports: plan, skip what is up to date, execute the rest in parallel,
write the manifest and the index.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..ids import ALL, COUNTRY, LANGUAGES, REPORTS
from ..params import municipality_slugs
from . import cache, data, index, links, manifest
from . import pdf as pdf_pages
from .execute import JobOutcome, JobSpec, execute_job
from .plan import Job, plan

#: How the default executor runs reports: ``thread`` (threads of this process, each driving
#: its kernel; see docs/runner.md for why this is the default) or ``process`` (a pool of
#: worker processes).
EXECUTOR_KINDS = ("thread", "process")
#: Within a language, needs analyses first: they compute the results the data reviews of the
#: same municipality share; the overview last: it reads every needs analysis's results.
_REPORT_ORDER = {"needs_analysis": 0, "data_review": 1, "monitoring": 2, "overview": 3}


@dataclass
class BuildResult:
    """What a build did.

    ``records`` are the manifest records of this run's reports (build order); ``exit_code``
    is 0 when every one is ``ok`` or ``up-to-date``, 1 when any failed.
    """

    out: Path
    records: list[dict[str, Any]]
    seconds: float
    manifest: Path
    index: Path
    counts: dict[str, int] = field(default_factory=dict)
    #: PDFs that could not be made, or with a box beyond the page (``--pdf``).
    pdf_problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if any(r["status"] == "failed" for r in self.records) else 0

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["status"] == "failed"]

    def summary_lines(self) -> list[str]:
        """One line per report, then a one-line summary."""
        width = max((len(manifest.record_name(r)) for r in self.records), default=10)
        lines = []
        for r in self.records:
            line = f"{r['status']:<10} {manifest.record_name(r):<{width}} {r['seconds']:6.1f} s"
            if r.get("error"):
                line += f"  {index.error_text(r['error'])}"
            lines.append(line)
        counts = ", ".join(f"{self.counts.get(s, 0)} {s}" for s in manifest.STATUSES)
        lines += [f"pdf        {problem}" for problem in self.pdf_problems]
        lines.append(
            f"{len(self.records)} report(s): {counts} in {self.seconds:.1f} s; see {self.index}"
        )
        return lines


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C during a build: running kernels were stopped, the manifest and the index were
    written for what had finished; ``result`` is the :class:`BuildResult`."""

    def __init__(self, result: BuildResult):
        super().__init__("the build was interrupted")
        self.result = result


def default_executor(workers: int, kind: str = "thread", initializer=None, initargs=()):
    """The executor a build uses when none is given (``workers`` parallel reports)."""
    if kind == "thread":
        return cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tsp-report")
    if kind == "process":
        import multiprocessing

        # spawn, never fork: the parent may hold threads (zmq, tqdm) that fork would copy
        # half-way through whatever they were doing.
        return cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=initializer,
            initargs=initargs,
        )
    raise ValueError(f"unknown executor kind {kind!r}; expected one of {EXECUTOR_KINDS}")


def _warm_worker(preload: tuple[str, ...] | None, key: str) -> None:
    """Process-pool initializer: start the worker's zygote importing while the worker itself
    imports papermill and nbconvert."""
    if preload is not None:
        from . import kernels

        kernels.shared_zygote(preload, key)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _record(job: Job, hashes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    record = {
        "report": job.report,
        "municipality": job.slug,
        "lang": job.lang,
        "status": "failed",
        "html": None,
        "notebook": None,
        "seconds": 0.0,
        "error": None,
        "hashes": hashes,
        "html_sha256": None,
        "parameters": {
            **job.parameters,
            "inputs": {
                k: cache.display_path(v)
                for k, v in sorted(job.parameters.get("inputs", {}).items())
            },
        },
        "kernel": "none",
        "data": None,
        "in_last_run": True,
    }
    record.update(fields)
    return record


def _outcome_record(job: Job, hashes: dict[str, Any], outcome: Any) -> dict[str, Any]:
    """The manifest record of a report that ran (built or failed), from its outcome: every
    field of the :class:`~.execute.JobOutcome` but the job's name, which the record states
    as report, municipality and language."""
    fields = {f.name: getattr(outcome, f.name) for f in dataclasses.fields(outcome)}
    del fields["name"]
    return _record(job, hashes, **fields)


def _sort_key(record: dict[str, Any], slugs: list[str]) -> tuple:
    report = REPORTS.index(record["report"]) if record["report"] in REPORTS else len(REPORTS)
    slug = slugs.index(record["municipality"]) if record["municipality"] in slugs else len(slugs)
    return (
        report,
        slug,
        record["municipality"],
        LANGUAGES.index(record["lang"]) if record["lang"] in LANGUAGES else 2,
    )


def build(
    jobs: Iterable[Job] | None = None,
    *,
    municipalities: Iterable[str] | None = None,
    reports: Iterable[str] | None = None,
    langs: Iterable[str] | str = ("lt",),
    out: str | Path = "reports",
    workers: int | None = None,
    force: bool = False,
    executor: cf.Executor | None = None,
    executor_kind: str = "thread",
    prewarm: bool = True,
    progress: bool = True,
    notebooks_dir: str | Path | None = None,
    params_dir: str | Path | None = None,
    timeout: int | None = None,
    pdf: bool = False,
) -> BuildResult:
    """Build reports into ``out`` and write ``out/manifest.json`` and ``out/index.html``
    (``index.en.html``), with the pages linked to each other (:mod:`.links`).

    Parameters
    ----------
    jobs : iterable of Job, optional
        What to build (from :func:`~tsp_analysis.runner.plan.plan`); when omitted, planned
        from ``municipalities``, ``reports``, ``langs``, ``notebooks_dir``, ``params_dir``.
        Planning validates every parameter file before anything starts.
    out : path
        Output folder (created); layout in :mod:`tsp_analysis.runner.manifest`.
    workers : int, optional
        Reports built at the same time (default: the machine's cores).
    force : bool
        Rebuild reports that are up to date.
    executor : concurrent.futures.Executor, optional
        Runs :func:`~tsp_analysis.runner.execute.execute_job` once per report; any
        ``concurrent.futures``-style executor works, for example a Dask client's
        ``client.get_executor()``. Not shut down by the build. Default: made from
        ``executor_kind`` and ``workers``, and shut down at the end.
    executor_kind : {"thread", "process"}
        The default executor's kind (see docs/runner.md).
    prewarm : bool
        Fork each report's (fresh) kernel from a process that has already imported the heavy
        libraries, instead of launching and importing from scratch.
    progress : bool
        Show a progress bar on stderr (only when stderr is a terminal).
    timeout : int, optional
        Seconds one notebook cell may run before its report fails (default: no limit).
    pdf : bool
        Also write an A4 PDF of every built report, ``out/pdf/<name>.pdf`` (WeasyPrint;
        see :mod:`tsp_analysis.runner.pdf`). Without it, a PDF older than its page is removed.

    Returns
    -------
    BuildResult
        Its ``exit_code`` is 0 when every report is ok or up to date, else 1.

    Raises
    ------
    tsp_analysis.runner.plan.ParameterErrors
        A parameter file is invalid; nothing was executed.
    """
    started_at, t0 = _now(), time.perf_counter()
    if jobs is None:
        jobs = plan(
            municipalities, reports, langs, notebooks_dir=notebooks_dir, params_dir=params_dir
        )
    jobs = list(jobs)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    previous = manifest.read(out)

    hasher, source, env = cache.Hasher(), cache.source_hash(), cache.environment()
    records: dict[str, dict[str, Any]] = {}
    todo: list[tuple[Job, dict[str, Any]]] = []
    for job in jobs:
        hashes = cache.job_hashes(job.notebook, job.parameters, hasher, source, env)
        before = previous.get(job.name)
        if (
            not force
            and cache.is_up_to_date(before, hashes["key"], out)
            and data.present(out, before or {})
        ):
            assert before is not None
            records[job.name] = _record(
                job,
                hashes,
                status="up-to-date",
                html=before["html"],
                notebook=before["notebook"],
                html_sha256=before["html_sha256"],
                kernel=before.get("kernel", "none"),
                data=before.get("data"),
                pdf=before.get("pdf"),
            )
        else:
            todo.append((job, hashes))

    workers = max(1, workers or os.cpu_count() or 1)
    interrupted = False
    if todo:
        interrupted = _run(
            todo,
            records,
            out,
            workers,
            executor,
            executor_kind,
            prewarm,
            progress,
            timeout,
            source,
            {name: float(r.get("seconds") or 0) for name, r in previous.items()},
        )

    this_run = [records[j.name] for j in jobs]
    # Reports of earlier runs into this folder stay listed while their files are there.
    kept = [
        {**r, "in_last_run": False}
        for name, r in previous.items()
        if name not in records
        and any(r.get(k) and (out / r[k]).is_file() for k in ("html", "notebook"))
    ]
    slugs = [*municipality_slugs(), COUNTRY, ALL]
    everything = sorted(this_run + kept, key=lambda r: _sort_key(r, slugs))
    # Links between the pages once it is known which are there, then the PDFs of the linked
    # pages (the PDF does not show the links, but is made from the page as it is now).
    links.apply(out, everything)
    pdf_problems = pdf_pages.sync(out, everything, pdf, workers) if not interrupted else []
    counts = {s: sum(r["status"] == s for r in this_run) for s in manifest.STATUSES}
    seconds = round(time.perf_counter() - t0, 3)
    result_exit = 1 if counts["failed"] else 0
    run = {
        "started": started_at,
        "finished": _now(),
        "seconds": seconds,
        "workers": workers,
        "force": force,
        "exit_code": result_exit,
        "counts": counts,
    }
    manifest_path = manifest.write(out, everything, run, f"tsp-analysis {__version__}")
    index_path = index.write(out, everything, run)
    result = BuildResult(out, this_run, seconds, manifest_path, index_path, counts, pdf_problems)
    if interrupted:
        # The manifest and index record what was built; the caller still learns of Ctrl-C.
        raise BuildInterrupted(result)
    return result


def _run(
    todo: list[tuple[Job, dict[str, Any]]],
    records: dict[str, dict[str, Any]],
    out: Path,
    workers: int,
    executor: cf.Executor | None,
    executor_kind: str,
    prewarm: bool,
    progress: bool,
    timeout: int | None,
    source: str,
    previous_seconds: dict[str, float],
) -> bool:
    """Execute ``todo``; record every outcome in ``records``; True when interrupted."""
    from tqdm import tqdm

    from . import kernels

    preload = (
        tuple(kernels.preload_modules(sorted({j.notebook for j, _ in todo}))) if prewarm else None
    )
    zygote_key = source
    names = index.municipality_names()
    specs = {
        job.name: JobSpec(
            name=job.name,
            report=job.report,
            slug=job.slug,
            lang=job.lang,
            notebook=str(job.notebook.resolve()),
            parameters=dict(job.parameters),
            out=str(out),
            html_path=job.html_path,
            notebook_path=job.notebook_path,
            cwd=str(job.notebook.resolve().parent),
            preload=preload,
            zygote_key=zygote_key,
            timeout=timeout,
            place=names.get(job.slug, (job.slug, job.slug))[0 if job.lang == "lt" else 1],
            results_cache=str(out / data.CACHE),
        )
        for job, _ in todo
    }
    own = executor is None
    if own:
        workers = min(workers, len(todo))
        if executor_kind == "thread" and preload is not None:
            # Start the zygote importing now, on the other core, while this process imports
            # papermill and nbconvert for the first report.
            kernels.shared_zygote(preload, zygote_key)
        executor = default_executor(workers, executor_kind, _warm_worker, (preload, zygote_key))
    assert executor is not None
    bar = tqdm(
        total=len(todo),
        unit="report",
        file=sys.stderr,
        disable=not (progress and sys.stderr.isatty()),
        dynamic_ncols=True,
    )
    futures: dict[cf.Future, tuple[Job, dict[str, Any]]] = {}
    interrupted = False
    # One language after the other (the second reads the first's results from the cache
    # instead of waiting on its lock), and within a language longest first (by the last
    # build's time, where known), so that a long report does not start last and leave the
    # other workers idle at the end.
    langs = list(dict.fromkeys(job.lang for job, _ in todo))
    order = sorted(
        range(len(todo)),
        key=lambda i: (
            langs.index(todo[i][0].lang),
            # the overview reads every municipality's results: after the reports that
            # compute them, however long it took last time
            todo[i][0].report == "overview",
            -previous_seconds.get(todo[i][0].name, 1e9),
            _REPORT_ORDER.get(todo[i][0].report, 9),
        ),
    )
    try:
        for job, hashes in (todo[i] for i in order):
            futures[executor.submit(execute_job, specs[job.name])] = (job, hashes)
        for future in cf.as_completed(futures):
            job, hashes = futures[future]
            try:
                outcome: JobOutcome = future.result()
            except Exception as exc:  # the worker itself died or was lost
                outcome = JobOutcome(
                    name=job.name,
                    status="failed",
                    seconds=0.0,
                    html=None,
                    notebook=None,
                    error={
                        "name": type(exc).__name__,
                        "message": str(exc) or repr(exc),
                        "cell": None,
                    },
                )
            records[job.name] = _outcome_record(job, hashes, outcome)
            bar.set_postfix_str(f"{outcome.status} {job.name}", refresh=False)
            bar.update()
    except KeyboardInterrupt:
        interrupted = True
        for future in futures:
            future.cancel()
        # Reports running in this process's threads end when their kernels do; kernels run in
        # their own sessions, so Ctrl-C did not reach them.
        kernels.kill_all()
    finally:
        bar.close()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    for future, (job, hashes) in futures.items():  # finished while we were stopping
        if (
            job.name not in records
            and future.done()
            and not future.cancelled()
            and future.exception() is None
        ):
            outcome = future.result()
            records[job.name] = _outcome_record(job, hashes, outcome)
    for job, hashes in todo:  # cancelled by an interruption
        if job.name not in records:
            _discard_earlier_outputs(out, job)
        records.setdefault(
            job.name,
            _record(
                job,
                hashes,
                error={"name": "Interrupted", "message": "the build was interrupted", "cell": None},
            ),
        )
    return interrupted


def _discard_earlier_outputs(out: Path, job: Job) -> None:
    """Remove an earlier run's HTML and notebook of a report this build did not finish: the
    index lists the report as failed, so the old files would sit on disk unlisted (and could
    be taken for the current report)."""
    for relative in (job.html_path, job.notebook_path):
        (Path(out) / relative).unlink(missing_ok=True)
