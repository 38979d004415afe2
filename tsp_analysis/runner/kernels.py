"""Kernels for the runner: a fresh kernel per notebook, started warm.

:class:`ReportKernelManager` is the ``jupyter_client`` kernel manager every report runs under.
It fixes the kernel's environment so that two builds give the same output (``PYTHONHASHSEED=0``
so set and dict-of-set orderings do not change between runs; the inline matplotlib backend
whatever ``MPLBACKEND`` the caller has, so figures always land in the notebook as PNG).

When a :class:`Zygote` is bound to it (:func:`kernel_manager_class`), the kernel is not started
with ``python -m ipykernel_launcher`` but forked from the zygote, a process that has already
imported the heavy libraries (see :mod:`tsp_analysis.runner.zygote`). That is done through
jupyter_client's public extension point for starting kernels, a kernel provisioner
(:class:`ZygoteProvisioner`, registered in ``pyproject.toml``), which the manager's kernel spec
names. The kernel is still a new process per notebook, in its own process group, talking to
nbclient over its own connection file exactly like a launched one; only the import time is
gone. Anything that does not fit (a kernel spec that is not this interpreter's ipykernel, a
platform without ``fork``, a kernel environment whose interpreter-level variables differ from
the zygote's, a package that is not installed so that the provisioner is not registered) falls
back to a normal launch.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

#: Environment every report kernel gets, whoever starts the build.
KERNEL_ENV: dict[str, str] = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    # The kernel's debugger (pydevd) warns about frozen stdlib modules on every start.
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    # report.display.BATCH_ENV: quiet_warnings() keeps library warnings out of the report
    # (a notebook opened in JupyterLab shows them).
    "TSP_BATCH": "1",
}

#: What a zygote imports by default: what the report notebooks and the kernel itself import.
#: ``matplotlib_inline.backend_inline`` is deliberately absent: it hooks itself into IPython
#: when first imported, which must happen inside the kernel, not before it exists.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    # What a kernel imports while it starts (measured): the debugger alone is 0.3 s.
    "ipykernel.debugger",
    "IPython",
    "IPython.display",
    "IPython.extensions",
    "IPython.core.completer",
    "IPython.core.oinspect",
    "pdb",
    "psutil",
    "sqlite3",
    "jupyter_client.session",
    "zmq",
    "numpy",
    "pandas",
    "scipy.stats",
    "scipy.optimize",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "statsmodels.api",
    "statsmodels.miscmodels.ordinal_model",
    "statsmodels.stats.multitest",
    "yaml",
    "tsp_analysis",
)

#: Modules never preloaded even when a notebook imports them: they look at the running
#: IPython (or its absence) when first imported, so they must be imported inside the kernel.
NEVER_PRELOAD: tuple[str, ...] = (
    "matplotlib_inline",
    "tqdm.auto",
    "tqdm.notebook",
    "ipywidgets",
    "tsp_analysis.runner",
)

_ZYGOTE_SCRIPT = Path(__file__).with_name("zygote.py")


class KernelProcess:
    """The ``subprocess.Popen`` subset that ``LocalProvisioner`` uses, for a forked kernel.

    The kernel is the zygote's child, not ours, so we cannot ``waitpid`` it; on Linux a pidfd
    tells reliably when it has exited (and signals it without any risk of pid reuse);
    elsewhere a signal-0 probe does, because the zygote reaps its children at once.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._signalled: int | None = None
        self._pidfd: int | None = None
        if hasattr(os, "pidfd_open"):
            try:
                self._pidfd = os.pidfd_open(pid)
            except ProcessLookupError:
                self.returncode = 0  # exited (and was reaped) before we looked
            except OSError:
                self._pidfd = None

    def _alive(self) -> bool:
        if self._pidfd is not None:
            readable, _, _ = select.select([self._pidfd], [], [], 0)
            return not readable
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def poll(self) -> int | None:
        """``None`` while the kernel runs, then an exit code (``-signal`` if we killed it)."""
        if self.returncode is None and not self._alive():
            self.returncode = -self._signalled if self._signalled else 0
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, sig: int) -> None:
        if self.poll() is not None:
            return
        if sig in (signal.SIGKILL, signal.SIGTERM):
            self._signalled = sig
        if self._pidfd is not None:
            signal.pidfd_send_signal(self._pidfd, sig)
        else:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """A running zygote process and the socket to it.

    Parameters
    ----------
    preload : iterable of str
        Modules to import before forking kernels. Failures only cost speed; they are listed
        in :attr:`failed` once the zygote is ready.
    env : mapping, optional
        Environment of the zygote (default: the current one plus :data:`KERNEL_ENV`). Kernels
        whose interpreter-level variables (``PYTHON*``) differ from it are not forked from it.

    The zygote starts importing at once, in the background; :meth:`spawn` waits for it.
    """

    def __init__(
        self,
        preload: Iterable[str],
        env: Mapping[str, str] | None = None,
    ):
        self.preload = list(dict.fromkeys(preload))
        self.env = dict(env if env is not None else {**os.environ, **KERNEL_ENV})
        self._lock = threading.Lock()
        self._ready: dict | None = None
        parent, child = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, str(_ZYGOTE_SCRIPT), str(child.fileno())],
                pass_fds=[child.fileno()],
                env=self.env,
                stdin=subprocess.DEVNULL,
                cwd=str(_ZYGOTE_SCRIPT.parent),
                start_new_session=True,  # Ctrl-C reaches the runner, which stops us cleanly
            )
        finally:
            child.close()
        self._sock = parent
        self._rfile = parent.makefile("rb")
        self._wfile = parent.makefile("wb")
        self._send({"preload": self.preload})

    def _send(self, obj: dict) -> None:
        self._wfile.write(json.dumps(obj).encode() + b"\n")
        self._wfile.flush()

    def _receive(self) -> dict:
        line = self._rfile.readline()
        if not line:
            raise RuntimeError(f"kernel zygote (pid {self.process.pid}) exited")
        return json.loads(line)

    def wait_ready(self) -> dict:
        """Block until the preload is done; return ``{"loaded": [...], "failed": {...}}``."""
        with self._lock:
            if self._ready is None:
                self._ready = self._receive()
            return self._ready

    @property
    def failed(self) -> dict[str, str]:
        """Modules that could not be preloaded, with the error (after :meth:`wait_ready`)."""
        return dict(self.wait_ready().get("failed", {}))

    def accepts(self, env: Mapping[str, str]) -> bool:
        """Can a kernel with environment ``env`` be forked from this zygote?

        Variables read when the interpreter starts (``PYTHONPATH``, ``PYTHONHASHSEED`` ...)
        cannot change in a forked child, so they must already match.
        """
        keys = {k for k in (*env, *self.env) if k.startswith("PYTHON")}
        if not all(env.get(k) == self.env.get(k) for k in keys) or not self.alive():
            return False
        # A preload that left threads running makes forking unsafe (only the forking thread
        # survives in the child, possibly holding locks the others held).
        return self.wait_ready().get("threads", 1) == 1

    def alive(self) -> bool:
        return self.process.poll() is None

    def spawn(self, argv: list[str], env: Mapping[str, str], cwd: str | None) -> KernelProcess:
        """Fork a kernel that runs as ``python -m ipykernel_launcher ARGV`` would."""
        self.wait_ready()
        with self._lock:
            self._send({"argv": list(argv), "env": dict(env), "cwd": cwd})
            reply = self._receive()
        if "pid" not in reply:
            raise RuntimeError(f"kernel zygote could not fork: {reply.get('error')}")
        return KernelProcess(int(reply["pid"]))

    def close(self) -> None:
        """Stop the zygote (kernels it forked are not affected)."""
        with contextlib.suppress(OSError):
            self._wfile.close()
            self._rfile.close()
            self._sock.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def ipykernel_argv(kernel_cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` when ``kernel_cmd`` launches this
    interpreter's ipykernel, else ``None`` (such a kernel cannot come from our zygote)."""
    if len(kernel_cmd) < 3 or kernel_cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    if os.path.realpath(kernel_cmd[0]) != os.path.realpath(sys.executable):
        return None
    return list(kernel_cmd[3:])


_ipc_folder: Path | None = None


def _ipc_dir() -> Path:
    """This process's private folder for kernel sockets (removed at exit)."""
    global _ipc_folder
    with _zygotes_lock:
        if _ipc_folder is None:
            import shutil
            import tempfile

            # An interrupted or killed build never runs atexit: its folder names its process,
            # so the next build removes the folders of processes that are gone.
            remove_stale_ipc_dirs()
            # Short: a Unix socket path must fit in about 100 bytes.
            _ipc_folder = Path(tempfile.mkdtemp(prefix=f"tsp-k-{os.getpid()}-", dir="/tmp"))
            atexit.register(shutil.rmtree, _ipc_folder, True)
        return _ipc_folder


def remove_stale_ipc_dirs(tmp: Path = Path("/tmp")) -> list[Path]:
    """Remove kernel socket folders (``tsp-k-<pid>-*``) of this user whose process has ended;
    return them."""
    import shutil

    removed = []
    for folder in tmp.glob("tsp-k-*-*"):
        pid_text = folder.name.split("-")[2]
        if not pid_text.isdigit():
            continue
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid_text), 0)
        except ProcessLookupError:  # the process is gone: its folder is stale
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except OSError:  # another user's process, or the folder vanished
            continue
    return removed


#: Every kernel process this process started and has not seen end (weakly: a finished
#: kernel's manager drops it), so that an interrupted build can stop them all.
_live: weakref.WeakSet = weakref.WeakSet()


def kill_all() -> int:
    """Kill every kernel this process started that is still running (an interrupted build);
    return how many."""
    killed = 0
    for process in list(_live):
        try:
            if process.poll() is None:
                process.kill()
                killed += 1
        except OSError:
            pass
    return killed


#: The name under which :class:`ZygoteProvisioner` is registered (``pyproject.toml``, entry
#: point group ``jupyter_client.kernel_provisioners``).
PROVISIONER_NAME = "tsp-zygote-provisioner"
_PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"


class ZygoteProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Kernel provisioner that forks the kernel from the zygote bound to its kernel manager.

    This is jupyter_client's public extension point for starting kernels differently
    (``KernelProvisionerBase.launch_kernel``). Everything else (the connection file, signals,
    shutdown, clean-up) is :class:`~jupyter_client.provisioning.LocalProvisioner`'s, acting on
    a :class:`KernelProcess` instead of a ``Popen``. Where a kernel cannot be forked (no zygote
    bound, a command that is not this interpreter's ipykernel, no ``fork``, an environment the
    zygote does not accept, a zygote that died) it launches the kernel as ``LocalProvisioner``
    does.
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Fork (or launch) the kernel for ``cmd``; return its connection information."""
        manager = self.parent
        zygote: Zygote | None = getattr(manager, "zygote", None)
        argv = ipykernel_argv(cmd)
        env = kwargs.get("env") or {}
        cwd = kwargs.get("cwd")
        process: KernelProcess | None = None
        # Every report waits for the zygote's imports, even the ones that could start a kernel
        # the usual way on an idle core meanwhile: that kernel would import the same modules,
        # so it could not start computing any sooner (measured: no gain, more contention).
        if zygote is not None and argv is not None and hasattr(os, "fork") and zygote.accepts(env):
            try:
                # spawn() blocks on a socket (and, the first time, on the preload): keep the
                # event loop free for the other kernels this thread may be serving.
                process = await asyncio.to_thread(
                    zygote.spawn, argv, env, str(cwd) if cwd else None
                )
            except (OSError, RuntimeError):  # the zygote died (out of memory?): launch
                process = None
        forked = process is not None
        if manager is not None:
            manager.forked = forked
        last_launch.forked = forked
        if process is None:
            info = await super().launch_kernel(cmd, **kwargs)
            _live.add(self.process)
            return info
        _live.add(process)
        self.process = process
        self.pid = process.pid
        self.pgid = process.pid  # the zygote's child calls setsid(): it leads its own group
        self.cwd = cwd or os.getcwd()
        return self.connection_info


@functools.cache
def provisioner_registered() -> bool:
    """Is :class:`ZygoteProvisioner` registered as a kernel provisioner (an installed package)?

    A source checkout used without installing the package has no entry points: its kernels
    are then launched normally (and the build records them as ``launched``). Asked once per
    process (reading the installed metadata takes about 12 ms, and it does not change while
    a build runs), not at every kernel start.
    """
    from importlib.metadata import entry_points

    return bool(entry_points(group=_PROVISIONER_GROUP, name=PROVISIONER_NAME))


class ReportKernelSpecManager(KernelSpecManager):
    """Kernel specs as installed, with :class:`ZygoteProvisioner` named as their provisioner
    (the ``kernel_provisioner`` stanza of a spec's metadata) when it is registered."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The installed spec ``kernel_name``, provisioned by the zygote provisioner."""
        spec = super().get_kernel_spec(kernel_name)
        if provisioner_registered():
            spec.metadata = {
                **spec.metadata,
                "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME, "config": {}},
            }
        return spec


#: ``last_launch.forked``: how this thread's last kernel started (True: forked from a zygote,
#: False: launched, None: not started). For the build's records and the benchmark.
last_launch = threading.local()


class ReportKernelManager(AsyncKernelManager):
    """Kernel manager for report kernels: fixed environment; forked from :attr:`zygote` when
    one is bound (see :func:`kernel_manager_class`), launched normally otherwise.

    Only public hooks are used: the ``transport``/``ip`` and ``kernel_spec_manager`` traits,
    ``start_kernel``, and the kernel provisioner the spec names (:class:`ZygoteProvisioner`).
    """

    zygote: Zygote | None = None
    #: Variables added to the kernel's environment (the build's results cache).
    extra_env: dict[str, str] = {}
    #: Set on the instance by :class:`ZygoteProvisioner`: True when the kernel was forked.
    forked: bool = False

    def __init__(self, **kwargs: Any):
        if os.name == "posix":
            # Unix sockets in a private folder rather than TCP ports on localhost: no race
            # for free ports between parallel kernels, nothing reachable by other users of a
            # shared machine, and no "running over TCP without encryption" warning per kernel.
            # (transport and ip are the manager's public configurable traits.)
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(_ipc_dir() / f"k{uuid.uuid4().hex[:12]}"))
        super().__init__(**kwargs)

    @default("kernel_spec_manager")
    def _report_kernel_spec_manager(self) -> KernelSpecManager:
        return ReportKernelSpecManager(data_dir=self.data_dir)

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        """Start the kernel (the public entry point nbclient calls) with :data:`KERNEL_ENV`
        and :attr:`extra_env` added to its environment."""
        env = dict(kw.pop("env", None) or os.environ)
        env.update(KERNEL_ENV)
        env.update(type(self).extra_env)
        await super().start_kernel(env=env, **kw)


def kernel_manager_class(
    zygote: Zygote | None, extra_env: dict[str, str] | None = None
) -> type[ReportKernelManager]:
    """A :class:`ReportKernelManager` subclass bound to ``zygote`` (``None``: launch kernels
    normally) whose kernels get ``extra_env`` too. nbclient instantiates the class itself,
    hence a class rather than an instance."""
    if zygote is None and not extra_env:
        return ReportKernelManager
    return type(
        "ZygoteKernelManager",
        (ReportKernelManager,),
        {"zygote": zygote, "extra_env": dict(extra_env or {})},
    )


# One zygote per process and preload list, shared by the threads of that process and reused
# by later builds in a long-lived process (a Dask worker) as long as the code it preloaded
# has not changed (``key``).
_zygotes: dict[tuple, Zygote] = {}
_zygotes_lock = threading.Lock()


def shared_zygote(preload: Iterable[str], key: str = "") -> Zygote | None:
    """The process's zygote for ``preload`` and ``key``, started if needed; ``None`` where
    kernels cannot be forked (no ``fork``).

    ``key`` identifies the code the zygote preloaded (the runner passes a hash of the
    ``tsp_analysis`` sources): a zygote with another key is stopped and replaced, so a worker
    that lives across builds never forks kernels holding stale code.
    """
    if not hasattr(os, "fork"):
        return None
    wanted = (tuple(dict.fromkeys(preload)), key)
    with _zygotes_lock:
        zygote = _zygotes.get(wanted)
        if zygote is not None and zygote.alive():
            return zygote
        for other in list(_zygotes):
            _zygotes.pop(other).close()
        zygote = Zygote(wanted[0])
        _zygotes[wanted] = zygote
        return zygote


def close_shared_zygotes() -> None:
    """Stop every zygote this process started."""
    with _zygotes_lock:
        for key in list(_zygotes):
            _zygotes.pop(key).close()


atexit.register(close_shared_zygotes)


def preload_modules(
    notebooks: Iterable[str | Path], base: Iterable[str] = DEFAULT_PRELOAD
) -> list[str]:
    """The modules to preload for ``notebooks``: ``base`` plus what their code cells import
    at top level (``import x`` / ``from x import y``), minus :data:`NEVER_PRELOAD`.

    Reading the imports keeps the runner independent of what the notebooks contain while still
    preloading what they will need; a module that fails to import is simply not preloaded.
    """
    import ast
    import json

    found: list[str] = list(base)
    for path in notebooks:
        # Plain JSON rather than nbformat: nbformat's schema validator takes seconds to import,
        # and this runs before the runner knows whether anything needs building.
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            text = cell.get("source", "")
            text = "".join(text) if isinstance(text, list) else text
            # IPython magics and shell escapes are not Python: blank them before parsing.
            source = "\n".join(
                "" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines()
            )
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found.extend(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.append(node.module)
                    # `from pkg import mod` imports the submodule too; when the name is not
                    # a module, the zygote's import fails harmlessly.
                    found.extend(f"{node.module}.{a.name}" for a in node.names if a.name != "*")
    return [
        name
        for name in dict.fromkeys(found)
        if not any(name == bad or name.startswith(bad + ".") for bad in NEVER_PRELOAD)
    ]
