"""Honest evaluation of a model bundle on the untouched test split.

    python -m training.evaluation [--model PATH] [--out-dir DIR] [--skip baseline,...]

The test split (20% of source documents, see ``training.corpus.split_of``) is
never used for fitting, selection, calibration or the threshold; this is the
only place that looks at it. Every number is printed next to its target with
PASS or MISS, misses included. Features are computed once (cached on disk by
``training.dataset.featurize``); everything else, the refits of the
leave-one-out and ablation studies included, is matrix work on cached
features, so a rerun takes minutes.

Outputs: ``metrics.json`` (everything), ``metrics.md`` (the model card, rendered
from the same dict) and ``reliability.png`` (needs matplotlib, the optional
``train`` extra; skipped with a note when it is missing).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mtdetect.bundle import default_path
from training.evaluation.calibration import evaluate_calibration
from training.evaluation.context import build_context
from training.evaluation.headline import evaluate_headline, evaluate_slices, evaluate_threshold
from training.evaluation.learners import evaluate_learners
from training.evaluation.leave_out import evaluate_ablation, evaluate_leave_out
from training.evaluation.model_card import fmt, render_markdown, target_checks, verdict
from training.evaluation.native_news import evaluate_native_news
from training.evaluation.roundtrips import evaluate_roundtrips
from training.evaluation.seeds import evaluate_seeds
from training.evaluation.shortcuts import evaluate_shortcuts
from training.evaluation.weights import model_summary, top_features, top_style_patterns

REPORTS = Path(__file__).resolve().parents[1] / "reports"
SECTIONS = ("slices", "leave_out", "ablation", "baseline", "seeds", "shortcuts", "native_news")


def evaluate(
    model: Path | None = None,
    out_dir: Path | None = REPORTS,
    skip: Sequence[str] = (),
    shortcut_docs: int = 300,
) -> dict[str, Any]:
    """Run every section; write metrics.json/.md and reliability.png when ``out_dir``."""
    started = time.perf_counter()
    ctx = build_context(Path(model) if model is not None else default_path())
    report: dict[str, Any] = {"model": model_summary(ctx)}

    def timed(name: str, fn: Callable[[], Any]) -> None:
        t0 = time.perf_counter()
        report[name] = fn()
        ctx.timings[f"{name}_s"] = round(time.perf_counter() - t0, 1)
        print(f"  {name}: {ctx.timings[f'{name}_s']}s", file=sys.stderr)

    png = out_dir / "reliability.png" if out_dir is not None else None
    timed("headline", lambda: evaluate_headline(ctx))
    timed("threshold", lambda: evaluate_threshold(ctx))
    timed("roundtrips", lambda: evaluate_roundtrips(ctx))
    timed("calibration", lambda: evaluate_calibration(ctx, png))
    timed("learners", lambda: evaluate_learners(ctx))
    timed("top_features", lambda: top_features(ctx))
    timed("top_style_patterns", lambda: top_style_patterns(ctx))
    if "slices" not in skip:
        timed("slices", lambda: evaluate_slices(ctx))
    if "seeds" not in skip:
        timed("seeds", lambda: evaluate_seeds(ctx))
    if "shortcuts" not in skip:
        timed("shortcuts", lambda: evaluate_shortcuts(ctx, shortcut_docs))
    if "native_news" not in skip:
        timed("native_news", lambda: evaluate_native_news(ctx))
    if "leave_out" not in skip:
        timed("leave_out", lambda: evaluate_leave_out(ctx))
    if "ablation" not in skip:
        timed("ablation", lambda: evaluate_ablation(ctx))
    if "baseline" not in skip:
        from training.evaluation.baseline import evaluate_baseline

        timed("baseline", lambda: evaluate_baseline(ctx))
    loso_json = REPORTS / "loso.json"  # python -m training.loso_report (refits; run apart)
    if loso_json.is_file():
        report["loso"] = json.loads(loso_json.read_text(encoding="utf-8"))
    report["summary"] = summarise(report)
    ctx.timings["total_s"] = round(time.perf_counter() - started, 1)
    report["runtime"] = dict(ctx.timings)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
        (out_dir / "metrics.md").write_text(render_markdown(report))
    return report


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    checks = [(p, c) for p, c in target_checks(report) if p.split(".")[0] != "summary"]
    return {
        "targets_checked": len(checks),
        "passed": sum(c["pass"] is True for _, c in checks),
        "missed": [p for p, c in checks if c["pass"] is False],
        "not_measured": [p for p, c in checks if c["pass"] is None],
    }


def print_summary(report: dict[str, Any]) -> None:
    for path, c in target_checks({k: v for k, v in report.items() if k != "summary"}):
        print(f"{verdict(c).strip('*'):>5}  {path:<70} {fmt(c['value'])}  ({c['target']})")
    s = report["summary"]
    print(
        f"{s['passed']}/{s['targets_checked']} targets met; "
        f"runtime {report['runtime'].get('total_s')}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--model", type=Path, default=None, help="bundle (.joblib); default shipped"
    )
    parser.add_argument("--out-dir", type=Path, default=REPORTS)
    parser.add_argument(
        "--skip", default="", help=f"comma-separated sections to skip: {','.join(SECTIONS)}"
    )
    parser.add_argument("--shortcut-docs", type=int, default=300)
    args = parser.parse_args(argv)
    skip = tuple(s for s in args.skip.split(",") if s)
    unknown = set(skip) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; known: {SECTIONS}")
    report = evaluate(args.model, args.out_dir, skip, args.shortcut_docs)
    print_summary(report)
    print(f"wrote {args.out_dir / 'metrics.json'} and metrics.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
