"""False positives on native English news no model learned from."""

from __future__ import annotations

from typing import Any

import numpy as np

from training.corpus import native_news
from training.dataset import featurize
from training.evaluation.context import Context
from training.evaluation.metrics import (
    rate,
    rounded,
)

NATIVE_NEWS_DOCS = 2000


def evaluate_native_news(ctx: Context, n: int = NATIVE_NEWS_DOCS) -> dict[str, Any]:
    """False positives on native English news no model learned from.

    The news corpus (``english-news-lm``) is the reference for the n-gram and
    compound tables, the gazetteer and the telltale base rates, so its names
    and word pairs are known to those resources, and this rate is optimistic
    for the ``names`` and ``phrases`` families. These documents are the
    corpus's evaluation quarter (``training.corpus.NEWS_QUARTERS``; the
    roundtrip model's native negatives are another), its first ``n`` of 60
    words or more, so for the pattern models they are new.
    """
    texts = native_news("evaluation", n)
    X = featurize(ctx.extractor, texts, label="native-news")
    probability = ctx.calibrate(np.asarray(ctx.scorer.decision_function(X), dtype=np.float64))
    flagged = probability >= ctx.threshold
    out: dict[str, Any] = {
        "n": len(texts),
        "fpr_at_threshold": rounded(rate(flagged)),
        "flagged": int(flagged.sum()),
        "max_probability": rounded(float(probability.max()) if len(texts) else None),
    }
    if "roundtrip" in ctx.pattern_columns:
        above = X[:, ctx.pattern_columns["roundtrip"]] > 0
        out["share_with_roundtrip_score_above_0"] = rounded(rate(above))
    return out
