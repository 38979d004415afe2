#!/usr/bin/env python3
"""The project's front door; needs nothing but Python 3.11+.

    python3 tasks.py reports   # build every report from the shipped data into reports/
    python3 tasks.py test      # run the whole test suite
    python3 tasks.py env       # only set up: .venv and the Debian packages of the PDF option

Both create ``.venv/`` on first use and install the project with its pinned dependencies
(``requirements.lock``): ``reports`` the runtime dependencies only, ``test`` the development
extras too (pytest, nbval, ruff, the test oracles). They work on a fresh machine with only
Python and access to the package registry. Extra arguments after the task are passed on (to
``tsp-analysis run`` or to ``pytest``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".installed"


def _install_key() -> str:
    h = hashlib.sha256()
    for name in ("pyproject.toml", "requirements.lock"):
        p = ROOT / name
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def ensure_env(dev: bool = False) -> None:
    """Create ``.venv`` and install the project when it is missing or stale: the runtime
    dependencies only, or with the ``dev`` extras (tests, lint, the test oracles) for
    ``test``. An environment that has the dev extras serves ``reports`` too."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must run under any python3
        sys.exit(f"tsp-analysis needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    key = _install_key()
    installed = STAMP.read_text().split() if STAMP.exists() else []
    if installed[:1] == [key] and (not dev or "dev" in installed[1:]):
        return
    what = "with its development tools" if dev else "with its runtime dependencies"
    print(f"installing tsp-analysis {what} (pinned; first run: a few minutes)", flush=True)
    target = ".[dev]" if dev else "."
    cmd = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target]
    lock = ROOT / "requirements.lock"
    if lock.exists():
        cmd += ["-c", str(lock)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    STAMP.write_text(f"{key} {'dev' if dev else 'runtime'}")


#: Debian packages WeasyPrint (``tsp-analysis run --pdf``) loads at run time: GObject, Pango,
#: HarfBuzz, fontconfig, and a font with Lithuanian letters.
DEBIAN_PACKAGES = (
    "libglib2.0-0",
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "libharfbuzz-subset0",
    "libfontconfig1",
    "fonts-dejavu-core",
)


def ensure_system_packages() -> None:
    """Install the missing :data:`DEBIAN_PACKAGES` with apt-get (Debian/Ubuntu, as root);
    elsewhere, or without the rights, say what is missing and go on: only the PDF option
    needs them."""
    import shutil

    if shutil.which("dpkg-query") is None:
        print(
            "not a Debian system: for `run --pdf` install Pango, HarfBuzz and fontconfig "
            "yourself (README, 'PDF')",
            flush=True,
        )
        return
    missing = []
    for package in DEBIAN_PACKAGES:
        state = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        if "install ok installed" not in state.stdout:
            missing.append(package)
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(
            "the PDF option (`run --pdf`) needs these Debian packages, not installed: "
            f"{' '.join(missing)}\n  install them as root: apt-get install -y "
            f"{' '.join(missing)}",
            flush=True,
        )
        return
    print(f"installing Debian packages for the PDF option: {' '.join(missing)}", flush=True)
    apt = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = subprocess.run(["apt-get", "update", "-q"], env=apt).returncode == 0 and (
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], env=apt).returncode == 0
    )
    if not done:
        print(
            f"could not install {' '.join(missing)}; the PDF option will not work until "
            "they are installed (everything else does)",
            flush=True,
        )


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"test", "reports", "env"}:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    ensure_env(dev=task == "test")
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    if task in ("env", "test"):  # the suite writes A4 PDFs: it needs them too
        ensure_system_packages()
    if task == "env":
        return 0
    if task == "test":
        cmd = [str(PY), "-m", "pytest", *rest]
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode == 5:  # pytest: no tests collected. Never a pass.
            print("no tests were collected: failing", file=sys.stderr)
            return 1
        return result.returncode
    cmd = [str(BIN / "tsp-analysis"), "run", *rest]
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
