"""The kernel "zygote": a process that imports the heavy libraries once, then forks kernels.

Starting a Jupyter kernel and importing pandas, matplotlib, seaborn, statsmodels and
``tsp_analysis`` in it costs 3-5 s of CPU per notebook, more than most reports spend
computing. This process pays that once: it imports those modules, then waits on a socket for
requests; each request forks a child that becomes a brand-new IPython kernel (its own process,
its own connection file, nothing shared with other kernels but the read-only state the imports
left behind, copied on write). So every notebook still gets a fresh kernel and no report can see
another's variables, but ``import pandas`` in the notebook finds the module already loaded.

It is run as a script by :mod:`tsp_analysis.runner.kernels` (never imported by it):

    python zygote.py FD

``FD`` is the inherited end of a socket pair. The protocol is one JSON object per line.
The parent first sends ``{"preload": [module, ...]}``; the zygote imports them and answers
``{"ready": true, "loaded": [...], "failed": {module: error}}``. Then each
``{"argv": [...], "env": {...}, "cwd": "..."}`` is answered with ``{"pid": N}`` once the child
exists. End of file on the socket (the parent closed it or died) ends the zygote; kernels it
forked live on until their own managers shut them down.

Only the standard library is imported here before the preload, so that the preload decides
what the kernels inherit.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import sys
import traceback


def _reap(signum: int, frame: object) -> None:
    # Kernels are our children: collect their exit status so they do not linger as zombies
    # (the kernel manager watches them through a pidfd or a signal-0 probe, not waitpid).
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _preload(modules: list[str]) -> tuple[list[str], dict[str, str]]:
    loaded: list[str] = []
    failed: dict[str, str] = {}
    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException as exc:  # a failed preload only costs speed
            failed[name] = f"{type(exc).__name__}: {exc}"
        else:
            loaded.append(name)
    return loaded, failed


def _become_kernel(conn: socket.socket, request: dict) -> None:
    """In the forked child: turn into ``python -m ipykernel_launcher ARGV``; never returns."""
    code = 1
    try:
        conn.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # Own session and process group, as jupyter_client gives a launched kernel, so that
        # interrupting or killing the kernel's group reaches nothing else.
        os.setsid()
        os.environ.clear()
        os.environ.update(request["env"])
        if request.get("cwd"):
            os.chdir(request["cwd"])
        import ipykernel_launcher  # the file a normal launch runs, for an identical sys.argv[0]

        # The kernel watches its parent and exits when it goes away. Its parent is this zygote,
        # which lives exactly as long as the runner that asked for the kernel. (The kernel
        # class read JPY_PARENT_PID when the preload imported it, so it must be told here.)
        parent = f"--IPKernelApp.parent_handle={os.getppid()}"
        sys.argv = [ipykernel_launcher.__file__, *request["argv"], parent]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # report it and exit; the parent sees a dead kernel
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def main(argv: list[str]) -> int:
    # Python put this script's folder first on sys.path; a normal kernel launch does not keep
    # it (ipykernel_launcher deletes the first entry), so neither do we.
    if sys.path and os.path.dirname(os.path.abspath(__file__)) == os.path.abspath(sys.path[0]):
        del sys.path[0]
    conn = socket.socket(fileno=int(argv[0]))
    rfile = conn.makefile("rb")
    wfile = conn.makefile("wb")

    def send(obj: dict) -> None:
        wfile.write(json.dumps(obj).encode() + b"\n")
        wfile.flush()

    first = rfile.readline()
    if not first:
        return 0
    setup = json.loads(first)
    loaded, failed = _preload(setup.get("preload", []))
    signal.signal(signal.SIGCHLD, _reap)
    import threading  # already imported by any preload worth having; cheap otherwise

    # Forking copies only the calling thread. A preload that left threads running (a thread
    # pool started at import) makes forked kernels unsafe: the runner then launches normally.
    threads = threading.active_count()
    send(
        {"ready": True, "loaded": loaded, "failed": failed, "pid": os.getpid(), "threads": threads}
    )
    while True:
        line = rfile.readline()
        if not line:
            return 0
        request = json.loads(line)
        try:
            pid = os.fork()
        except OSError as exc:
            send({"error": f"{type(exc).__name__}: {exc}"})
            continue
        if pid == 0:
            rfile.close()
            wfile.close()
            _become_kernel(conn, request)
        send({"pid": pid})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
