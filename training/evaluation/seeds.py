"""The five real articles the project started from."""

from __future__ import annotations

from typing import Any

from training.corpus import seed_expectations
from training.evaluation.context import Context
from training.evaluation.metrics import rounded


def evaluate_seeds(ctx: Context) -> dict[str, Any]:
    """The five real articles the project started from: each must be scored right."""
    if "seeds" in ctx.memo:
        return ctx.memo["seeds"]
    from mtdetect.detector import Detector

    detector = Detector(ctx.bundle)
    rows = []
    for path, spun in seed_expectations():
        result = detector.detect(path.read_text(encoding="utf-8"))
        rows.append(
            {
                "file": path.name,
                "expected": "spun" if spun else "original",
                "status": result.status,
                "probability": rounded(result.probability),
                "flagged": result.flagged,
                "correct": result.flagged == spun,
                "evidence": [f"{e.kind}: {e.text!r}" for e in result.evidence[:5]],
                "boilerplate_lines_removed": len(result.boilerplate),
            }
        )
    ctx.memo["seeds"] = {"rows": rows, "all_correct": all(r["correct"] for r in rows)}
    return ctx.memo["seeds"]
