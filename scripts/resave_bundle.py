"""Re-save a model bundle (the shipped one by default) with the current storage settings.

    python scripts/resave_bundle.py                 # rewrites mtdetect/data/model.joblib + .json
    python scripts/resave_bundle.py --model PATH

Why: how a bundle is stored (``mtdetect.bundle.COMPRESS``) is chosen for load
time; following a change of it must not need a retrain. The bundle is loaded
with every check, pickled again unchanged (refused if its objects would pickle
differently), and its metadata kept apart from a new sha256 and this
environment's versions. Probabilities stay the same (tests/test_golden.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mtdetect.bundle import resave_bundle  # noqa: E402
from mtdetect.resources import file_sha256  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="bundle to rewrite (default: the shipped one)")
    args = parser.parse_args(argv)
    path = resave_bundle(args.model)
    size = path.stat().st_size / 1e6
    print(f"re-saved {path} ({size:.1f} MB, sha256 {file_sha256(path)[:16]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
