"""Rebuild ``mtdetect/data/names.tables.pickle``: the shipped gazetteer's counts and tables.

    python scripts/build_name_tables.py

Run it after ``names.tsv`` changes (``python -m training.build_gazetteer``) or
the code that builds the near-miss tables does; ``tests/test_gazetteer_file.py``
fails until then, and meanwhile the library reads ``names.tsv`` itself (same
results, about 50 ms slower to a detector's first document).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mtdetect.gazetteer import write_default_tables  # noqa: E402


def main() -> int:
    path = write_default_tables()
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
