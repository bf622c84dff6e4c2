"""The TF-IDF baseline beside mtdetect on the same test split, with the same metric code.

    python -m training.evaluation.baseline [--model PATH]

The baseline itself (fitting, caching, scoring) is ``training.baseline``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from training.baseline import CONFIG, fit_baseline, score, seed_text
from training.corpus import seed_expectations
from training.evaluation.context import Context, build_context
from training.evaluation.groups import LANGS, LEARNER
from training.evaluation.leave_out import leave_one_language_out
from training.evaluation.metrics import auc, grouped_bootstrap, rate, rounded, tpr_at_fpr
from training.evaluation.roundtrips import roundtrips_of_other_texts
from training.evaluation.seeds import evaluate_seeds


def evaluate_baseline(ctx: Context) -> dict[str, Any]:
    """Baseline beside mtdetect on the same test split, with the same metric code.

    The baseline is fitted on everything mtdetect learns from: the scorer's
    train rows, and the round trips of professional translations and learner
    essays and the native news documents that the roundtrip model is also
    fitted on, all under the same matched-pair weights. A second fit on the
    scorer's rows alone (the baseline of earlier reports) is shown beside it.
    """
    val = [r for r in ctx.base_records if r.split == "val"]
    if ctx.train_with_roundtrips:
        val += [r for r in ctx.rt_records if r.split == "val"]
    fitted = fit_baseline(ctx.train + ctx.extra_train + ctx.roundtrip_natives, val)
    scores = score(fitted, [r.text for r in ctx.test])
    extra_scores = score(fitted, [r.text for r in ctx.extra_test])["main"]
    scorer_rows_only = None
    if ctx.extra_train or ctx.roundtrip_natives:
        narrow = fit_baseline(ctx.train, val)
        narrow_scores = score(narrow, [r.text for r in ctx.test])
        narrow_lolo = [_lolo_auc(ctx, narrow_scores[f"lolo:{lang}"], lang) for lang in LANGS]
        scorer_rows_only = {
            **comparable_metrics(ctx, narrow_scores["main"]),
            "C": narrow.C,
            "lolo_mean": rounded(float(np.mean([v for v in narrow_lolo if v is not None]))),
        }
    ours_lolo = _our_lolo(ctx)
    theirs_lolo = {lang: _lolo_auc(ctx, scores[f"lolo:{lang}"], lang) for lang in LANGS}
    seeds = []
    for path, spun in seed_expectations():
        decision = float(
            fitted.clf.decision_function(
                fitted.vectorizer.transform([seed_text(path.read_text(encoding="utf-8"))])
            )[0]
        )
        flagged = decision >= fitted.threshold
        seeds.append(
            {
                "file": path.name,
                "expected": "spun" if spun else "original",
                "decision": round(decision, 3),
                "flagged": bool(flagged),
                "correct": bool(flagged == spun),
            }
        )
    base_metrics = comparable_metrics(ctx, scores["main"])
    base_metrics["tpr_at_own_threshold"] = rounded(
        rate(scores["main"][ctx.positive] >= fitted.threshold)
    )
    base_metrics["fpr_human_at_own_threshold"] = rounded(
        rate(scores["main"][ctx.human] >= fitted.threshold)
    )
    learners = ctx.label == LEARNER
    base_metrics["fpr_learner_at_own_threshold"] = rounded(
        rate(scores["main"][learners] >= fitted.threshold)
    )
    base_metrics["seeds_correct"] = f"{sum(s['correct'] for s in seeds)}/{len(seeds)}"
    ours = comparable_metrics(ctx, ctx.decision)
    ours["tpr_at_own_threshold"] = rounded(rate(ctx.flagged[ctx.positive]))
    ours["fpr_human_at_own_threshold"] = rounded(rate(ctx.flagged[ctx.human]))
    ours["fpr_learner_at_own_threshold"] = rounded(rate(ctx.flagged[learners]))
    our_seeds = ctx_seeds(ctx)
    ours["seeds_correct"] = our_seeds
    values = [v for v in theirs_lolo.values() if v is not None]
    base_metrics["lolo_mean"] = rounded(float(np.mean(values)) if values else None)
    our_values = [v for v in ours_lolo.values() if v is not None]
    ours["lolo_mean"] = rounded(float(np.mean(our_values)) if our_values else None)
    base_metrics["lolo"] = theirs_lolo
    ours["lolo"] = ours_lolo
    return {
        "description": (
            "TF-IDF word 1-2-grams + char_wb 2-5-grams (100k features each, sublinear tf), "
            f"logistic regression ({CONFIG['solver']}, C={fitted.C} by validation AUC "
            f"{fitted.val_auc}), fitted on everything mtdetect learns from (the train split, "
            "with the round trips of professional translations and learner essays and the "
            "native news documents that the roundtrip model is fitted on) under the same "
            "matched-pair sample weights; "
            "threshold at 1% FPR on validation HT+ORIG. Its leave-one-language-out refits "
            "drop the language's MT, HT and round trips of its HT, and reuse the vocabulary "
            "fitted on the full train split (unlabelled text only, a mild advantage)."
        ),
        "scorer_rows_only": scorer_rows_only,
        "roundtrips_of_other_texts": roundtrips_of_other_texts(
            ctx, extra_scores, scores["main"], extra_scores >= fitted.threshold
        )
        if len(ctx.extra_test)
        else None,
        "C": fitted.C,
        "threshold": round(fitted.threshold, 4),
        "fit_seconds_when_fitted": fitted.fit_seconds,
        "ours": ours,
        "baseline": base_metrics,
        "seeds": seeds,
        "paired_gaps": paired_gaps(ctx, ctx.decision, scores["main"]),
        "roundtrips_by_source": roundtrips_by_source(ctx, ctx.decision, scores["main"]),
        "top_positive": fitted.top_positive(30),
    }


def paired_gaps(
    ctx: Context, ours: np.ndarray, theirs: np.ndarray, bootstrap: int = 200
) -> dict[str, Any]:
    """Ours minus the baseline on the same resampled test documents, with a 95% interval.

    Two models' figures each with its own interval hide that both are measured
    on the same documents; the interval of the paired gap says whether a lead
    is larger than the luck of which documents landed in the test split.
    """
    label = ctx.label
    core = ctx.positive | ctx.human
    is_rt = label == "RT"
    rt_groups = {r.get("orig_group") for r in ctx.test if r.label == "RT"}
    own_original = np.array([r.label == "ORIG" and r.group in rt_groups for r in ctx.test])

    def overall(d: np.ndarray, idx: np.ndarray) -> float | None:
        idx = idx[core[idx]]
        return auc(ctx.y[idx], d[idx])

    def rt_tpr(d: np.ndarray, idx: np.ndarray) -> float | None:
        return tpr_at_fpr(d[idx[is_rt[idx]]], d[idx[ctx.human[idx]]])

    def rt_vs_own(d: np.ndarray, idx: np.ndarray) -> float | None:
        idx = idx[is_rt[idx] | own_original[idx]]
        return auc(ctx.y[idx], d[idx])

    groups = np.array([r.group for r in ctx.test], dtype=object)
    everything = np.arange(len(ctx.test))
    out: dict[str, Any] = {}
    for name, metric in (
        ("auc_overall", overall),
        ("tpr_at_1fpr_apertium_rt", rt_tpr),
        ("rt_vs_originals_auc", rt_vs_own),
    ):
        a, b = metric(ours, everything), metric(theirs, everything)
        if a is None or b is None:
            continue

        def gap(idx: np.ndarray, metric: Any = metric) -> float | None:
            x, z = metric(ours, idx), metric(theirs, idx)
            return None if x is None or z is None else x - z

        out[name] = {
            "ours_minus_baseline": rounded(a - b),
            "ci95": grouped_bootstrap(gap, groups, bootstrap) if bootstrap else None,
        }
    return out


def roundtrips_by_source(
    ctx: Context, ours: np.ndarray, theirs: np.ndarray
) -> list[dict[str, Any]]:
    """Round-trip recall at each model's 1% test FPR, by the kind of original it came from.

    Why: if the baseline's lead on round trips came from genre (product
    reviews and chats look nothing like the news that professional translators
    translate), it would show against HT+ORIG and vanish against originals
    only, whose genres match the round trips' sources. The last row measures
    against originals only.
    """
    source = {r.group: r.source for r in ctx.test if r.label == "ORIG"}
    is_rt = ctx.label == "RT"
    kind = np.array(
        [source.get(r.get("orig_group"), "?") if r.label == "RT" else "" for r in ctx.test]
    )
    slices = [(name, is_rt & (kind == name), ctx.human) for name in sorted(set(kind[is_rt]))]
    slices += [
        ("all", is_rt, ctx.human),
        ("all, against originals only", is_rt, ctx.label == "ORIG"),
    ]
    return [
        {
            "source": name,
            "n": int(rt.sum()),
            "ours": rounded(tpr_at_fpr(ours[rt], ours[negative])),
            "baseline": rounded(tpr_at_fpr(theirs[rt], theirs[negative])),
        }
        for name, rt, negative in slices
    ]


def comparable_metrics(ctx: Context, decision: np.ndarray) -> dict[str, Any]:
    """The headline numbers for any scorer's decision values on the test split."""
    label = ctx.label
    core = ctx.positive | ctx.human
    human = decision[ctx.human]
    out: dict[str, Any] = {
        "auc_overall": rounded(auc(ctx.y[core], decision[core])),
        "auc_vs_learners": rounded(
            auc(
                ctx.y[ctx.positive | (label == LEARNER)],
                decision[ctx.positive | (label == LEARNER)],
            )
        ),
        "tpr_at_1fpr_mt": rounded(tpr_at_fpr(decision[label == "MT"], human)),
        "tpr_at_1fpr_roundtrip": rounded(
            tpr_at_fpr(decision[np.isin(label, ["RT", "MT-roundtrip"])], human)
        ),
    }
    rt = [i for i, r in enumerate(ctx.test) if r.label == "RT"]
    groups = {r.get("orig_group") for r in ctx.test if r.label == "RT"}
    originals = [i for i, r in enumerate(ctx.test) if r.label == "ORIG" and r.group in groups]
    y = np.array([1] * len(rt) + [0] * len(originals))
    out["rt_vs_originals_auc"] = rounded(auc(y, decision[rt + originals])) if rt else None
    return out


def _lolo_auc(ctx: Context, decision: np.ndarray, lang: str) -> float | None:
    mask = ctx.human | ((ctx.label == "MT") & np.array([r.lang == lang for r in ctx.test]))
    return rounded(auc(ctx.y[mask], decision[mask]))


def _our_lolo(ctx: Context) -> dict[str, float | None]:
    """Our leave-one-language-out AUCs (refit on cached features; cheap)."""
    return {lang: row["value"] for lang, row in leave_one_language_out(ctx).items()}


def ctx_seeds(ctx: Context) -> str:
    rows = evaluate_seeds(ctx)["rows"]
    return f"{sum(r['correct'] for r in rows)}/{len(rows)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="our bundle, for comparison")
    args = parser.parse_args(argv)
    from mtdetect.bundle import default_path

    ctx = build_context(args.model or default_path())
    result = evaluate_baseline(ctx)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
