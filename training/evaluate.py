"""``python training/evaluate.py``: the test-split report, kept as a path for the README.

The report lives in the ``training.evaluation`` package (one module per part);
``python -m training.evaluation`` is the same command.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from training.evaluation.report import main

    sys.exit(main())
