"""The golden table: the shipped model's outputs on fixed real documents.

Why: refactors (renamed modules, split files, a shared analysis pass) must not
move a single probability. ``tests/test_golden.py`` compares the shipped model
against the table written here, keyed by the bundle's sha256, so a retrained
bundle fails loudly instead of passing against stale numbers.

Regenerate after retraining (and only then)::

    python -m tests.golden
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
ORIGINALS = SHARED / "corpus" / "english-originals.jsonl.gz"
TABLE = Path(__file__).resolve().parent / "data" / "golden_probabilities.json"
COMMAND = "python -m tests.golden"
# every STRIDE-th English original: ~50 documents spread over the file's sources
STRIDE = 64


def documents() -> dict[str, str]:
    """The five seeds and ~50 English originals, by a stable name."""
    docs = {
        f"seed/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted(SEEDS.glob("*.txt"))
    }
    with gzip.open(ORIGINALS, "rt", encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if index % STRIDE == 0:
                record = json.loads(line)
                docs[f"orig/{index}/{record.get('doc_id', '')}"] = record["english_text"]
    return docs


def outputs(detector: Any, docs: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Probability, status and evidence (kind and span) of each document."""
    names = list(docs)
    results = detector.detect_many([docs[name] for name in names])
    return {
        name: {
            "probability": result.probability,
            "status": result.status,
            "evidence": [[item.kind, item.start, item.end] for item in result.evidence],
        }
        for name, result in zip(names, results, strict=True)
    }


def bundle_sha256() -> str:
    from mtdetect.bundle import default_path
    from mtdetect.resources import file_sha256

    return file_sha256(default_path())


def main() -> int:
    from mtdetect.detector import Detector

    table = {
        "bundle_sha256": bundle_sha256(),
        "command": COMMAND,
        "outputs": outputs(Detector.load(), documents()),
    }
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(table['outputs'])} documents to {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
