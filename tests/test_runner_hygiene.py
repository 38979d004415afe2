"""Output hygiene of the runner (issue 9, finding 9): files readable as the umask allows, no
stale kernel socket folders, no unlisted outputs of interrupted reports."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tsp_analysis.runner import kernels, manifest
from tsp_analysis.runner.batch import _discard_earlier_outputs
from tsp_analysis.runner.execute import current_umask, write_atomic
from tsp_analysis.runner.plan import Job


@pytest.fixture
def umask():
    """Set a umask for the test and restore the old one."""
    old = os.umask(0o022)
    os.umask(old)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_html_and_manifest_get_the_mode_the_umask_gives(tmp_path, umask, mask, mode):
    umask(mask)
    assert current_umask() == mask
    # what a plain open() gives: the notebooks are written so
    plain = tmp_path / "plain.ipynb"
    plain.write_text("{}", encoding="utf-8")
    assert stat.S_IMODE(plain.stat().st_mode) == mode
    html = tmp_path / "html" / "needs_analysis-kaunas-lt.html"
    write_atomic(html, "<html></html>")
    assert stat.S_IMODE(html.stat().st_mode) == mode
    path = manifest.write(tmp_path, [], {"started": "now"}, "tsp-analysis test")
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary file left


def test_socket_folders_of_ended_processes_are_removed(tmp_path):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f"tsp-k-{int(ended.stdout)}-abc123"
    alive = tmp_path / f"tsp-k-{os.getpid()}-def456"
    legacy = tmp_path / "tsp-k-xyz"  # an old-style name: whose it is cannot be told
    for folder in (dead, alive, legacy):
        folder.mkdir()
        (folder / "kernel.sock").write_text("", encoding="utf-8")
    assert kernels.remove_stale_ipc_dirs(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and legacy.exists()


def test_an_interrupted_report_leaves_no_unlisted_earlier_output(tmp_path):
    job = Job(
        report="needs_analysis",
        slug="kaunas",
        lang="lt",
        notebook=Path("needs_analysis.ipynb"),
        params_file=Path("kaunas.yaml"),
        parameters={},
    )
    for relative in (job.html_path, job.notebook_path):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("from the previous run", encoding="utf-8")
    other = tmp_path / "html" / "needs_analysis-vilnius-lt.html"
    other.write_text("built", encoding="utf-8")
    _discard_earlier_outputs(tmp_path, job)
    assert not (tmp_path / job.html_path).exists()
    assert not (tmp_path / job.notebook_path).exists()
    assert other.exists()


def test_the_suite_guard_finds_a_task_left_pending():
    """The root conftest fails the run on asyncio tasks left pending (issue 14: "Task was
    destroyed but it is pending!" after the pass line); its search must see one."""
    from conftest import describe, pending_tasks

    async def forever() -> None:
        await asyncio.sleep(3600)

    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(forever(), name="left-behind")
        loop.run_until_complete(asyncio.sleep(0))  # started, then the loop stops: pending
        assert "left-behind: test_the_suite_guard_finds_a_task_left_pending.<locals>.forever" in [
            describe(t) for t in pending_tasks()
        ]
        task.cancel()
        loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
        assert task not in pending_tasks()
    finally:
        loop.close()


def test_leftover_tasks_of_a_notebook_run_are_settled():
    """What nbclient leaves pending on the thread's loop after a cell timeout is cancelled and
    run to its end after each report, so no task is destroyed pending at exit."""
    from concurrent.futures import ThreadPoolExecutor

    from jupyter_core.utils import run_sync

    from tsp_analysis.runner.execute import settle_leftover_tasks

    async def reads_output_forever() -> None:
        await asyncio.sleep(3600)

    async def cell_that_times_out() -> asyncio.Task:
        # Like nbclient's execute_cell on a timeout: it starts the output reader and raises
        # without cancelling it.
        return asyncio.ensure_future(reads_output_forever())

    def one_report() -> tuple[bool, int, bool, int]:
        task = run_sync(cell_that_times_out)()
        left = not task.done()
        settled = settle_leftover_tasks()
        return left, settled, task.cancelled(), settle_leftover_tasks()

    with ThreadPoolExecutor(1) as pool:
        left, settled, cancelled, again = pool.submit(one_report).result()
    assert (left, settled, cancelled, again) == (True, 1, True, 0)
