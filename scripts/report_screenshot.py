"""Regenerate docs/report.png: the report of the five seed articles, as Chromium draws it.

    python scripts/report_screenshot.py            # writes docs/report.png
    python scripts/report_screenshot.py --out x.png --keep-html x.html

Needs Debian's ``chromium`` (``.ci/run`` installs it). The browser test
(tests/test_html_report_browser.py) drives Chromium with the helpers here, so
the README's picture and the test see the page the same way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path("..") / "shared" / "seeds"  # relative, as a user would type it from the repo
WINDOW = (1200, 1500)
#: seconds a browser may take before it counts as hung
TIMEOUT = 60.0
_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """The browser's path, or None when none is installed."""
    return next((found for name in _NAMES if (found := shutil.which(name))), None)


def run_chromium(args: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throw-away profile; a hung browser raises, never waits.

    Why a process group: Chromium starts helper processes, and a timeout must
    end those too, not only the one ``subprocess`` knows.
    """
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="mtdetect-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # CI runs as root, where the sandbox cannot start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--user-data-dir={profile}",
            *args,
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        return subprocess.CompletedProcess(command, process.returncode, out, err)


def dump_dom(page: Path, timeout: float = TIMEOUT) -> str:
    """The DOM after Chromium parsed ``page``, serialised."""
    done = run_chromium(["--dump-dom", page.resolve().as_uri()], timeout)
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"chromium --dump-dom failed ({done.returncode}): {done.stderr[-500:]}")
    return done.stdout


def screenshot(
    page: Path, png: Path, size: tuple[int, int] = WINDOW, timeout: float = TIMEOUT
) -> None:
    """A PNG of the top of ``page`` at ``size`` pixels."""
    png.parent.mkdir(parents=True, exist_ok=True)
    done = run_chromium(
        [
            f"--screenshot={png.resolve()}",
            f"--window-size={size[0]},{size[1]}",
            page.resolve().as_uri(),
        ],
        timeout,
    )
    if done.returncode != 0 or not png.is_file():
        raise RuntimeError(
            f"chromium --screenshot failed ({done.returncode}): {done.stderr[-500:]}"
        )


def write_report(paths: list[str], out: Path) -> int:
    """``mtdetect report PATHS -o out`` in this process; its exit status."""
    from mtdetect import cli

    return cli.main(["report", *paths, "-o", str(out)])


def seed_paths() -> list[str]:
    return [str(SEEDS / name) for name in sorted(os.listdir(ROOT / SEEDS)) if name.endswith(".txt")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--keep-html", type=Path, help="also keep the report page here")
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # the page shows the paths as typed from the repository
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="mtdetect-report-") as tmp:
        page = args.keep_html or Path(tmp) / "report.html"
        status = write_report(seed_paths(), page)
        if status not in (0, 1):
            print(f"mtdetect report failed with status {status}", file=sys.stderr)
            return status
        screenshot(page, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
