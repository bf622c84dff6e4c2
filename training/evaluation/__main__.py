"""``python -m training.evaluation``: write the test-split report."""

import sys

from training.evaluation.report import main

sys.exit(main())
