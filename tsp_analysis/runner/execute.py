"""Build one report: execute its notebook with papermill and convert it to HTML, in process.

:func:`execute_job` is what the executor runs, once per report. It takes and returns plain
picklable data, imports what it needs itself and keeps no state between calls except caches
that are safe to share (the HTML exporter per thread, the kernel zygote per process), so it
runs the same in a thread, a process pool worker or a Dask worker on another machine.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Seconds a kernel may take to start (a cold machine importing everything can be slow).
START_TIMEOUT = 120


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to build one report (all paths absolute)."""

    name: str
    report: str
    slug: str
    lang: str
    notebook: str
    parameters: dict[str, Any]
    out: str
    html_path: str
    notebook_path: str
    cwd: str
    #: ``None``: launch kernels normally; else fork them from a zygote with this preload.
    preload: tuple[str, ...] | None = None
    #: Identifies the code and data a zygote preloaded (a change means a new zygote).
    zygote_key: str = ""
    timeout: int | None = None
    #: The municipality's (or country's) name in the report's language, for the page title.
    place: str = ""
    #: Folder of the build's results cache (shared by the reports of a build).
    results_cache: str = ""


@dataclass
class JobOutcome:
    """What a worker reports back for one report."""

    name: str
    status: str  # "ok" or "failed"
    seconds: float
    html: str | None
    notebook: str | None
    html_sha256: str | None = None
    error: dict[str, Any] | None = None
    kernel: str = "launched"  # or "forked" (from the zygote)
    #: The report's data files (``runner.data.paths``), relative to the output folder.
    data: dict[str, str] | None = None


def current_umask() -> int:
    """The process's umask (read without changing it where /proc tells; else set and reset)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader never sees half a file, with the
    permissions of any file this user creates (``0666 & ~umask``): ``mkstemp`` makes its
    file 0600, and a report or manifest left so on a shared folder cannot be opened by the
    reviewers who can open the notebooks beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _error_record(exc: BaseException) -> dict[str, Any]:
    """``name``, ``message`` and, for a notebook error, the failing ``cell`` (its execution
    count, the ``In [n]`` a reader of the saved notebook sees)."""
    from papermill.exceptions import PapermillExecutionError

    # The first line only, and not all of it: the message lands in the index page, and the
    # details (the full traceback) are in the saved notebook for whoever debugs it.
    if isinstance(exc, PapermillExecutionError):
        message = str(exc.evalue).strip().splitlines()
        return {
            "name": exc.ename,
            "message": message[0][:300] if message else "",
            "cell": exc.exec_count,
        }
    text = str(exc).strip().splitlines()
    return {"name": type(exc).__name__, "message": text[0][:300] if text else "", "cell": None}


def execute_job(spec: JobSpec) -> JobOutcome:
    """Execute ``spec``'s notebook, save it, convert it to HTML; never raises for a failing
    notebook (the outcome says ``failed`` and why, and the executed notebook is kept)."""
    import papermill

    from . import convert, kernels
    from .cache import sha256_bytes

    # Parameters were validated before any kernel started; papermill's own guesses about
    # the parameters cell (it warns about values it cannot parse) would only be noise.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    start = time.perf_counter()
    out = Path(spec.out)
    html_file = out / spec.html_path
    nb_file = out / spec.notebook_path
    nb_file.parent.mkdir(parents=True, exist_ok=True)
    zygote = None
    if spec.preload is not None:
        zygote = kernels.shared_zygote(spec.preload, spec.zygote_key)
    from ..results import CACHE_ENV

    extra = {CACHE_ENV: spec.results_cache} if spec.results_cache else {}
    manager = kernels.kernel_manager_class(zygote, extra)
    kernels.last_launch.forked = None
    try:
        nb = _run_notebook(spec, nb_file, manager)
        html = convert.to_html(nb, spec.lang, spec.name, spec.place)
        write_atomic(html_file, html)
        from . import data

        files = data.write(out, spec.report, spec.parameters, spec.lang)
    except Exception as exc:  # one report's failure must not stop the batch
        # A report that failed must not leave an older, successful HTML behind that the index
        # would not link and a reader could mistake for current.
        html_file.unlink(missing_ok=True)
        error = _error_record(exc)
        if not isinstance(exc, papermill.PapermillExecutionError):
            error["traceback"] = "".join(traceback.format_exception(exc))[-4000:]
        # The kept notebook, the manifest and the index are read by more people than the
        # terminal: no respondent's id or free-text answer goes into them.
        from . import scrub

        withheld = scrub.sensitive_values(spec.parameters)
        scrub.scrub_notebook(nb_file, withheld)
        error = scrub.scrub_error(error, withheld)
        return JobOutcome(
            name=spec.name,
            status="failed",
            seconds=round(time.perf_counter() - start, 3),
            html=None,
            notebook=spec.notebook_path if nb_file.exists() else None,
            error=error,
            kernel=_kernel_kind(kernels),
        )
    return JobOutcome(
        name=spec.name,
        status="ok",
        seconds=round(time.perf_counter() - start, 3),
        html=spec.html_path,
        notebook=spec.notebook_path,
        html_sha256=sha256_bytes(html.encode("utf-8")),
        kernel=_kernel_kind(kernels),
        data=files,
    )


def _run_notebook(spec: JobSpec, nb_file: Path, manager: type) -> Any:
    """Execute ``spec``'s notebook with papermill into ``nb_file``; return the notebook."""
    import papermill

    try:
        return papermill.execute_notebook(
            spec.notebook,
            str(nb_file),
            parameters=spec.parameters,
            progress_bar=False,
            log_output=False,
            # Save once at the end (or on error): saving after every cell rewrites the
            # growing notebook, images included, dozens of times.
            request_save_on_cell_execute=False,
            start_timeout=START_TIMEOUT,
            execution_timeout=spec.timeout,
            kernel_manager_class=manager,
            # The outputs are in hand when the last cell ends; a polite shutdown only waits.
            shutdown_kernel="immediate",
            # The kernel's working folder, without papermill's process-wide chdir (unsafe when
            # several reports run in threads of one process).
            resources={"metadata": {"path": spec.cwd}},
        )
    finally:
        settle_leftover_tasks()


def settle_leftover_tasks() -> int:
    """Cancel the asyncio tasks that notebook execution left pending on this thread's event
    loop, let them end, and return how many there were.

    papermill runs nbclient through ``jupyter_core.utils.run_sync``, on an event loop that it
    keeps per thread and never closes. When a cell times out, nbclient (0.10, 0.11) raises
    ``CellTimeoutError`` without cancelling the task that reads the cell's output (it cancels
    it only for exceptions that are not a ``CellControlSignal``, and ``CellTimeoutError`` is
    one), so that task stays pending on a loop that no longer runs, and asyncio reports "Task
    was destroyed but it is pending!" when the process exits. The build settles the loop after
    every report, so nothing is left behind whatever the notebook did.
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    if loop.is_running() or loop.is_closed():
        return 0
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    return len(pending)


def _kernel_kind(kernels) -> str:
    forked = kernels.last_launch.forked
    return "none" if forked is None else ("forked" if forked else "launched")
