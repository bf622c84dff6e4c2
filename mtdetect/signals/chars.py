"""``chars.score``: character patterns of fluent neural MT, with the sentences that carry them.

The model (``mtdetect.char_model.CharGramModel``) is fitted on neural MT
matched with the professional translations of the same documents, so topic
is on both sides and only the machine's habits of spelling, punctuation and
phrasing remain. A character n-gram is not something a reader can point at
on its own, so the evidence is the sentences whose n-grams pull hardest
towards machine translation, each with its share of the score.
"""

from __future__ import annotations

from mtdetect.evidence import Evidence
from mtdetect.features import score_feature
from mtdetect.signals.patterns import PatternSignal
from mtdetect.text import Document

#: sentences shown as evidence, at most
TOP_SENTENCES = 2
MESSAGE = (
    "this sentence's character patterns (spelling, punctuation, word endings and "
    "joins) are typical of fluent neural machine translation"
)


class CharSignal(PatternSignal):
    """One feature, ``chars.score``: the character model's log-odds for the document."""

    name = "chars"
    model_kind = "CharGramModel"
    typical_of = "fluent neural machine translation"

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        text = doc.text
        score, running = self.model.running_contributions(doc.norm)
        if score <= 0:
            return [score], []
        sentences = doc.sentences
        # as Python floats: sorting numpy scalars costs more than the rest of this
        edges = running[[s.end for s in sentences]] - running[[s.start for s in sentences]]
        pulls = [(pull, s.start, s.end) for pull, s in zip(edges.tolist(), sentences, strict=True)]
        kind = score_feature(self.name)
        items = [
            Evidence(kind, start, end, text[start:end], MESSAGE, float(pull))
            for pull, start, end in sorted(pulls, reverse=True)[:TOP_SENTENCES]
            if pull > 0
        ]
        return [score], sorted(items, key=lambda e: e.start)
