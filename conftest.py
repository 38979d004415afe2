"""Suite-wide checks that no single test can make (both ``tests/`` and ``notebooks/``).

Pending asyncio tasks. A task that is still pending when its event loop is dropped is destroyed
unfinished, and asyncio says so on stderr ("Task was destroyed but it is pending!"), often at
interpreter exit, after pytest's summary line, where no test can see it. The kernels that run
notebooks (nbclient, papermill, nbval, the runner) are driven through event loops that
``jupyter_core.utils.run_sync`` keeps per thread and never closes, so a task left pending there
lives until exit. At the end of the session this plugin collects garbage, lists every asyncio
task that is still pending on a loop that is not running, and every "destroyed but pending"
message asyncio logged during the run, and fails the run (exit status 1) naming each task's
coroutine and the test during which it was reported.
"""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

_MESSAGE = "Task was destroyed but it is pending"


class _DestroyedTasks(logging.Handler):
    """Records asyncio's "destroyed but pending" messages with the test running then."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.current = "(outside any test)"
        self.seen: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if _MESSAGE in text:
            self.seen.append((self.current, " ".join(text.split())[:300]))


_destroyed = _DestroyedTasks()


def pending_tasks() -> list[asyncio.Task]:
    """Every asyncio task in this process that is pending on a loop that is not running:
    nothing will ever run it again, and it will be destroyed pending."""
    gc.collect()
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, asyncio.Task) and not obj.done():
            try:
                running = obj.get_loop().is_running()
            except RuntimeError:
                running = False
            if not running:
                found.append(obj)
    return found


def describe(task: asyncio.Task) -> str:
    """A task in one line: its name and its coroutine's qualified name."""
    coro = task.get_coro()
    name = getattr(coro, "__qualname__", None) or type(coro).__name__
    return f"{task.get_name()}: {name}"


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger("asyncio").addHandler(_destroyed)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _destroyed.current = item.nodeid
    yield
    _destroyed.current = "(between tests)"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    left = [describe(task) for task in pending_tasks()]
    if not left and not _destroyed.seen:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"asyncio task left pending (would be destroyed at exit): {t}" for t in left]
    lines += [
        f"asyncio task destroyed pending during {test}: {text}" for test, text in _destroyed.seen
    ]
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
