"""What the model is: its summary, strongest features and pattern-model weights."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np

from training.evaluation.context import Context
from training.evaluation.metrics import rounded


def top_features(ctx: Context, k: int = 20) -> list[dict[str, Any]]:
    """Our model's strongest standardised weights (positive = towards machine)."""
    coef = np.asarray(ctx.bundle.pipeline.named_steps["clf"].coef_, dtype=np.float64).ravel()
    order = np.argsort(-np.abs(coef))[:k]
    return [{"feature": ctx.feature_names[i], "coef": rounded(float(coef[i]))} for i in order]


def top_style_patterns(ctx: Context, k: int = 15) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each pattern model's strongest weights: they should read as grammar and word
    choice, never topic or names."""
    out = {}
    for family in ctx.pattern_columns:
        model = ctx.pattern_model(family)
        order = np.argsort(model.coef_)
        if hasattr(model, "terms"):
            terms = model.terms()
        else:  # the character model keeps hashes: spell its strongest from test text
            shown = [*order[::-1][:k], *order[:k]]
            spelled = model.spell(shown, (r.text for r in ctx.test))
            terms = dict(zip(shown, spelled, strict=True))

        def pick(indices: np.ndarray, model: Any = model, terms: Any = terms) -> list:
            return [{"pattern": terms[i], "coef": rounded(float(model.coef_[i]))} for i in indices]

        out[family] = {"machine": pick(order[::-1][:k]), "human": pick(order[:k])}
    return out


def model_summary(ctx: Context) -> dict[str, Any]:
    meta = ctx.bundle.metadata
    families: dict[str, list[str]] = defaultdict(list)
    for name in ctx.feature_names:
        family, _, feature = name.partition(".")
        families[family].append(feature)
    return {
        "path": str(ctx.model_path),
        "model_version": ctx.bundle.model_version,
        "created": meta.get("created"),
        "sha256": meta.get("sha256"),
        "threshold": rounded(ctx.threshold),
        "selected_C": ctx.C,
        "selected_shrink": ctx.shrink,
        "pattern_models": meta.get("pattern_models"),
        "families": {f: {"n": len(v), "features": v} for f, v in families.items()},
        "n_features": len(ctx.feature_names),
        "training_data": meta.get("training_data", {}),
        "training_metrics": meta.get("metrics", {}),
        "test_split": dict(sorted(Counter(ctx.label.tolist()).items())),
        "roundtrip_cache": ctx.roundtrip_info,
    }
