"""Model card sections: calibration, leave-out refits, false-positive studies, weights, seeds."""

from __future__ import annotations

import json
from typing import Any

from training.evaluation._card_format import fmt, table


def _calibration(r: dict[str, Any]) -> list[str]:
    """Calibration error and the reliability plot."""
    out: list[str] = []
    c = r["calibration"]
    out += [
        "## Calibration",
        "",
        *table(
            ["metric", "value"],
            [
                [f"ECE ({c['bins']} equal-width bins), machine vs HT+ORIG", c["ece"]],
                ["ECE including learner essays", c["ece_with_learners"]],
                [
                    "ECE, class-balanced weights",
                    c["ece_class_balanced"],
                ],
            ],
        ),
        f"Note: {c['note']}.",
        "",
    ]
    if c.get("plot") == "reliability.png":
        out += ["![reliability diagram](reliability.png)", ""]
    elif c.get("plot"):
        out += [f"Plot: {c['plot']}", ""]
    return out


def _leave_out(r: dict[str, Any]) -> list[str]:
    """Refits without one language or one system family."""
    out: list[str] = []
    if "leave_out" in r:
        lo = r["leave_out"]
        out += ["## Generalisation: leave one out", "", "### Leave one source language out", ""]
        out += table(
            [
                "held-out language",
                "AUC (refit without it)",
                "AUC shipped model",
                "test MT",
                "train docs dropped",
            ],
            [
                [
                    k,
                    {kk: v[kk] for kk in ("value", "target", "pass")},
                    v["auc_full_model"],
                    v["n_test_mt"],
                    v["n_train_dropped"],
                ]
                for k, v in lo["leave_one_language_out"].items()
            ],
        )
        out += [
            f"Min {fmt(lo['leave_one_language_out_min'])}, "
            f"mean {fmt(lo['leave_one_language_out_mean'])}.",
            "",
            "### Leave one MT system family out",
            "",
        ]
        out += table(
            ["family", "AUC (refit without it)", "AUC shipped model", "test docs", "systems"],
            [
                [k, v["auc"], v["auc_full_model"], v["n_test"], ", ".join(v["systems"])]
                for k, v in lo["leave_one_system_family_out"].items()
            ],
        )
        skipped = lo["system_families_skipped_fewer_than"]
        if skipped["families"]:
            out += [
                f"Not refitted (fewer than {skipped['min_test_docs']} test documents): "
                + ", ".join(f"{k} ({n})" for k, n in skipped["families"].items()),
                "",
            ]
        out += [f"Method: {lo['note']}.", ""]
    return out


def _learners(r: dict[str, Any]) -> list[str]:
    """False positives on learner essays."""
    out: list[str] = []
    le = r["learners"]
    native = le["native_student_essays_fpr"]
    out += [
        "## Learner essays (must not be flagged)",
        "",
        *table(
            ["metric", "value"],
            [
                ["FPR at shipped threshold, all learners", le["learner_fpr"]],
                ["flagged / n", f"{le['flagged']} / {le['n']}"],
                ["highest probability given to a learner essay", le["max_probability"]],
                [
                    "native student essays (LOCNESS) FPR",
                    f"{fmt(native['fpr'])} (n={native['n']})",
                ],
            ],
        ),
    ]
    for key, title in (
        ("by_cefr", "CEFR level"),
        ("by_l1", "first language"),
        ("by_corpus", "corpus"),
    ):
        out += table(
            [title, "n", "flagged", "FPR"],
            [[k, v["n"], v["flagged"], v["fpr"]] for k, v in le[key].items()],
        )
    return out


def _native_news(r: dict[str, Any]) -> list[str]:
    """False positives on native news."""
    out: list[str] = []
    if "native_news" in r:
        nn = r["native_news"]
        out += [
            "## Native English news (must not be flagged)",
            "",
            f"{nn['n']} documents of the native news corpus. The corpus is the reference for "
            "the n-gram tables, the gazetteer and the telltale rates, so this is optimistic for "
            "the names and phrases families; these documents are a quarter of it that no model "
            "learned from (the roundtrip model's native negatives are another), so it is fair "
            "for the pattern models.",
            "",
        ]
        rows = [
            ["FPR at shipped threshold", nn["fpr_at_threshold"]],
            ["flagged / n", f"{nn['flagged']} / {nn['n']}"],
            ["highest probability", nn["max_probability"]],
        ]
        if "share_with_roundtrip_score_above_0" in nn:
            rows.append(
                ["share with roundtrip.score above 0", nn["share_with_roundtrip_score_above_0"]]
            )
        out += table(["metric", "value"], rows)
    return out


def _ablation(r: dict[str, Any]) -> list[str]:
    """Refits without one family, and the baseline."""
    out: list[str] = []
    if "ablation" in r:
        out += ["## Ablation (refit without one family, same C, same rows)", ""]
        cols = ["n_features", "auc_overall", "auc_mt", "auc_rt", "auc_vs_learners", "lolo_mean_auc"]
        out += table(
            ["variant", *cols],
            [[k, *[v.get(c) for c in cols]] for k, v in r["ablation"]["rows"].items()],
        )
    if "baseline" in r:
        out += render_baseline(r["baseline"], r)
    return out


def _features(r: dict[str, Any]) -> list[str]:
    """The shipped model's strongest features and pattern weights."""
    out: list[str] = []
    out += ["## Strongest features of the shipped model", ""]
    out += table(
        ["feature", "standardised coef (+ = machine)"],
        [[f["feature"], f["coef"]] for f in r["top_features"]],
    )
    intro = {
        "style": "Function words kept; C/w/X = a capitalised / lower-case / all-capitals other "
        "word, 0 = a number, <s> = a sentence start. No topic or name can appear here.",
        "wording": "Lowercase words kept, capitalised words masked (C, X), so no name can "
        "appear; fitted on matched pairs, so a topic word weighs the same on both sides "
        "and what is left is the translation's choice of words.",
        "roundtrip": "As `wording`, fitted on round trips matched with their sources only "
        "(originals, professional translations, learner essays): what a round trip through "
        "Spanish or Catalan adds, on top of translationese or a learner's errors.",
    }
    for family, patterns in (r.get("top_style_patterns") or {}).items():
        out += [f"## Strongest patterns of `{family}.score`", "", intro.get(family, ""), ""]
        rows = zip(patterns["machine"], patterns["human"], strict=False)
        out += table(
            ["towards machine", "coef", "towards human", "coef"],
            [[f"`{m['pattern']}`", m["coef"], f"`{h['pattern']}`", h["coef"]] for m, h in rows],
        )
    return out


def _seeds(r: dict[str, Any]) -> list[str]:
    """The five seed articles."""
    out: list[str] = []
    if "seeds" in r:
        out += ["## Seed articles", ""]
        out += table(
            ["file", "expected", "probability", "flagged", "correct", "top evidence"],
            [
                [
                    s["file"],
                    s["expected"],
                    s["probability"],
                    s["flagged"],
                    "yes" if s["correct"] else "**NO**",
                    "; ".join(e.replace("|", "/") for e in s["evidence"]) or "-",
                ]
                for s in r["seeds"]["rows"]
            ],
        )
    return out


def _shortcuts(r: dict[str, Any]) -> list[str]:
    """Layout and typography changes."""
    out: list[str] = []
    if "shortcuts" in r:
        sc = r["shortcuts"]
        out += [
            "## Shortcut checks (layout, typography, page furniture)",
            "",
            f"{sc['n_docs']} test documents ({json.dumps(sc['labels'])}), each rescored after "
            "the change; absolute change of the calibrated probability.",
            "",
        ]
        out += table(
            ["change", "mean |dp|", "max |dp|", "share >= 0.02", "verdict flips"],
            [
                [
                    k,
                    v["shortcut_mean_change"],
                    v["max_change"],
                    v["share_ge_0.02"],
                    v["verdict_flips"],
                ]
                for k, v in sc["transforms"].items()
            ],
        )
    return out


def render_baseline(b: dict[str, Any], r: dict[str, Any]) -> list[str]:
    ours = b["ours"]
    theirs = b["baseline"]
    out = [
        "## Baseline: TF-IDF n-grams + logistic regression",
        "",
        f"{b['description']}",
        "",
    ]
    narrow = b.get("scorer_rows_only") or {}
    rows = [[k, ours.get(k), theirs.get(k), narrow.get(k, "")] for k in ours if k != "lolo"]
    rows += [
        [
            f"leave-one-language-out AUC: {lang}",
            ours["lolo"].get(lang),
            theirs["lolo"].get(lang),
            "",
        ]
        for lang in ours["lolo"]
    ]
    header = ["metric", "mtdetect", "baseline"]
    if narrow:
        header.append("baseline on the scorer's rows only")
    else:
        rows = [row[:3] for row in rows]
    out += table(header, rows)
    if narrow:
        out += [
            "The last column is the baseline fitted without the round trips of translations "
            "and essays (the baseline of earlier reports); the paired gaps below compare "
            "with the baseline fitted on everything mtdetect learns from.",
            "",
        ]
    if b.get("paired_gaps"):
        out += [
            "Paired gaps: mtdetect minus the baseline on the same resampled test documents "
            "(whole source documents resampled, 200 times). An interval that spans 0 is a "
            "difference the test split cannot tell from luck.",
            "",
        ]
        out += table(
            ["metric", "mtdetect - baseline", "95% interval"],
            [[k, fmt(g["ours_minus_baseline"], 4), g["ci95"]] for k, g in b["paired_gaps"].items()],
        )
    if b.get("roundtrips_by_source"):
        out += [
            "Apertium round trips caught at each model's 1% FPR on test HT+ORIG, by the kind "
            "of original they were made from; the last row sets the 1% cut on originals only, "
            "whose genres match the round trips' sources.",
            "",
        ]
        out += table(
            ["round trips of", "n", "mtdetect", "baseline"],
            [[g["source"], g["n"], g["ours"], g["baseline"]] for g in b["roundtrips_by_source"]],
        )
    other_ours = (r.get("roundtrips") or {}).get("other_sources") or {}
    other_theirs = b.get("roundtrips_of_other_texts") or {}
    if other_ours and other_theirs:
        out += [
            "Round trips of test professional translations and learner essays, at each "
            "model's 1% FPR on test HT+ORIG:",
            "",
        ]
        out += table(
            ["round trips of", "n", "mtdetect", "baseline"],
            [
                [k, v["n"], v["tpr_at_1fpr"], other_theirs.get(k, {}).get("tpr_at_1fpr")]
                for k, v in other_ours.items()
            ],
        )
    out += table(
        ["seed", "expected", "baseline decision", "flagged at its threshold", "correct"],
        [[s["file"], s["expected"], s["decision"], s["flagged"], s["correct"]] for s in b["seeds"]],
    )
    out += [
        "Top 30 baseline features pulling towards machine. Topic and named-entity words "
        "among them tie it to what the WMT test sets were about; spacing and punctuation "
        "n-grams to how those outputs were formatted; neither is how a translation reads.",
        "",
        ", ".join(f"`{f['feature']}` ({f['coef']:.2f})" for f in b["top_positive"]),
        "",
    ]
    return out


SECTIONS = (
    _calibration,
    _leave_out,
    _learners,
    _native_news,
    _ablation,
    _features,
    _seeds,
    _shortcuts,
)
