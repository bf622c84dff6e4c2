"""How often each surface and name telltale fires, by kind of text.

    python -m training.experiments.surface_rates          # under a minute on 2 cores
    python -m training.experiments.surface_rates --families phrases   # about 2 minutes

Why: a telltale earns its place only if machine output shows it far more often
than human text does. This prints, for the train and validation splits (full
documents, no partial round trips), the share of documents of each label with
at least one item of each kind, with a few kinds split by form: a broken join
within a line or across a line break, a space before a percent sign or after a
currency sign. Forms the signals deliberately ignore (a space before "%", a
spaced ellipsis) are counted from the raw text, so the measurement behind
those exceptions stays rerunnable after them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mtdetect.evidence import Evidence
from mtdetect.features import FeatureExtractor
from training.records import load_records

LABELS = ("MT", "RT", "HT", "ORIG", "LEARNER")
# Forms the signals skip on purpose, counted straight from the text
RAW_FORMS = {
    "raw: digit, space, percent sign ('12 %')": re.compile(r"\d[ \u00a0]+%"),
    "raw: spaced ellipsis ('. . .')": re.compile(r"\.[ ]\.[ ]\."),
}


def form_of(item: Evidence) -> str:
    """The evidence kind, split by form where the form matters for a rule."""
    kind = item.kind
    if kind == "surface.broken_join":
        return kind + (" (across lines)" if "\n" in item.text else " (within a line)")
    if kind == "surface.spaced_currency":
        return kind + (" (percent)" if item.text.rstrip().endswith("%") else " (sign)")
    return kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--families",
        default="names,surface",
        help="comma-separated signal families whose evidence kinds are counted",
    )
    args = parser.parse_args(argv)
    families = tuple(f.strip() for f in args.families.split(",") if f.strip())
    extractor = FeatureExtractor(families=families, count_telltales=False).fit([])
    documents: Counter[str] = Counter()
    firing: dict[str, Counter[str]] = defaultdict(Counter)
    for record in load_records(roundtrips=True):
        if record.split == "test" or record.label not in LABELS:
            continue
        documents[record.label] += 1
        kinds = {form_of(item) for item in extractor.extract_one(record.text).evidence}
        kinds |= {name for name, pattern in RAW_FORMS.items() if pattern.search(record.text)}
        for kind in kinds:
            firing[kind][record.label] += 1
    print("| kind | " + " | ".join(f"{label} (n={documents[label]})" for label in LABELS) + " |")
    print("|---|" + "---|" * len(LABELS))
    for kind in sorted(firing):
        shares = [100 * firing[kind][label] / max(documents[label], 1) for label in LABELS]
        print(f"| {kind} | " + " | ".join(f"{share:.1f}%" for share in shares) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
