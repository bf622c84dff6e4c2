"""Phrases: word pairs native news never uses, and known machine-translation calques.

Why: a machine translating word by word picks each English word well enough
but joins them in ways a native writer would not ("marginal policies" for
brinkmanship, "make weaken"), and repeats the source language's set phrases
literally. The first shows as adjacent content words that are each common in
native news but never seen together there, while no pair of similar words is
seen either (so it is not just sparse data); the second is caught by a short,
hand-reviewed lexicon mined from MT against human translations of the same
documents (``training/mine_calques.py``). A round trip through a language
without noun compounds (Spanish, Catalan) leaves a third trace: compounds
turned inside out, "campaign of election" for "election campaign", which
native news writes one way only (``training/build_compounds.py``). Fluency
against a native bigram model rounds the family off.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from mtdetect._type_table import TypeTable, token_rows
from mtdetect.evidence import Evidence
from mtdetect.exceptions import ModelError
from mtdetect.ngrams import NewsNgrams, news_ngrams
from mtdetect.resources import data_path, file_sha256
from mtdetect.signals.base import Signal
from mtdetect.text import Document, Token

# Closed-class words (and a few near-grammatical adverbs). Pairs that touch
# one of them are grammar, not collocation, so they are not tested for being
# "unseen"; without a POS tagger this list stands in for "not a content word".
FUNCTION_WORDS = frozenset(
    """a an the this that these those some any each every no all both either neither
    i me my mine myself we us our ours ourselves you your yours yourself he him his himself
    she her hers herself it its itself they them their theirs themselves one ones
    who whom whose which what whatever whoever where when why how
    and or but nor so yet if than then because while whilst although though as since unless
    until till whether once
    of in on at by for with from to into onto upon about above below over under after before
    between among amongst through throughout during without within against along across around
    behind beyond near toward towards via per off out up down past like unlike despite
    be am is are was were been being have has had having do does did doing done
    will would shall should can could may might must ought
    i'm i've i'd i'll you're you've you'd you'll he's he'd he'll she's she'd she'll it's it'd
    we're we've we'd we'll they're they've they'd they'll that's there's here's what's who's
    isn't aren't wasn't weren't hasn't haven't hadn't don't doesn't didn't won't wouldn't
    can't cannot couldn't shouldn't mustn't let's
    not also too very just only even still already ever never more most less least much many
    few several such other another same own else rather quite almost enough
    there here now again ago however therefore thus hence yes
    s t""".split()
)

CALQUES = "calques.tsv"
REVERSED_COMPOUNDS = "reversed_compounds.npz"
MIN_WORD_COUNT = 50  # both words of a tested pair must be this common in native news
# A tested pair must sit in a modifier-head slot: its first word is followed by
# a content word, and its second preceded by one, at least this often in news.
# This keeps "marginal policies" and drops phrase-boundary pairs ("officials | doubled").
MIN_SLOT_SHARE = 0.3
# The modifier of a turned compound must be a word that can end a noun phrase:
# adjectives and numbers ("modern", "two") are followed by a content word in
# news more often than this; nouns that modify ("election", "tax") less often.
MAX_MODIFIER_SHARE = 0.75
ANALOGY_NEIGHBOURS = 20  # similar words tried on each side of an unseen pair
MAX_EVIDENCE = 20  # evidence items per feature
# priors, so that a short text with two tested pairs is not an outlier
_PRIOR_PAIRS, _PRIOR_ODD, _PRIOR_PMI = 10.0, 0.08, 3.2


@dataclass(frozen=True, slots=True)
class _Resources:
    ngrams: NewsNgrams
    common: np.ndarray  # per vocabulary id: a content word common in native news
    testable_left: np.ndarray  # ... that may open a tested pair (modifier slot)
    testable_right: np.ndarray  # ... that may close a tested pair
    calques: tuple[tuple[int, np.ndarray, dict[int, float]], ...]  # (n, sorted keys, key -> score)
    content: np.ndarray  # per vocabulary id: a word that is not a function word
    compounds: np.ndarray  # sorted keys (A << 16) | B of compounds "A B" never written "B of A"
    compound_counts: np.ndarray  # how often native news writes each of them
    fingerprint: str
    # per vocabulary id, the _COMMON ... _MODIFIER bits and, from _CALQUE_BIT on, one bit
    # per word position of each calque length: a document gathers them once, and every
    # test below is a shift and an and of that one array
    token_flags: np.ndarray
    calque_bits: tuple[int, ...]  # per entry of calques: the bit of its first word


# Token flag bits. A content pair is ``left & (right >> 2)``: bit 0 both common,
# bit 1 also in a modifier-head slot (so _COMMON is there twice). A turned compound
# "B of A" is ``B & (of >> 1) & (A >> 2)`` at _HEAD.
_COMMON, _LEFT, _COMMON_AS_RIGHT, _RIGHT = 1, 2, 4, 8
_PAIR_BITS = 15  # cleared for a capitalised token (a name, or a sentence's first word)
_HEAD, _OF, _MODIFIER = 16, 32, 64
_CALQUE_BIT = 7

_LOCK = threading.Lock()
_RESOURCES: _Resources | None = None


def _load_calques(ng: NewsNgrams) -> tuple[tuple[int, np.ndarray, dict[int, float]], ...]:
    """Lexicon phrases as packed id keys (16 bits per word), longest first."""
    by_length: dict[int, dict[int, float]] = {2: {}, 3: {}}
    for line in data_path(CALQUES).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, score = line.split("\t")[:2]
        ids = [ng.index.get(w, -1) for w in phrase.split()]
        if min(ids) < 0:
            continue  # a word outside the news vocabulary cannot be matched by id
        key = 0
        for i in ids:
            key = (key << 16) | i
        by_length[len(ids)][key] = float(score)
    return tuple(
        (n, np.array(sorted(table), dtype=np.int64), table)
        for n, table in sorted(by_length.items(), reverse=True)
        if table
    )


def _load_compounds(ng: NewsNgrams) -> tuple[np.ndarray, np.ndarray, str]:
    """The reversed-compound table; refused if built against another vocabulary."""
    path = data_path(REVERSED_COMPOUNDS)
    with np.load(path) as data:
        built_for = bytes(data["ngrams_fingerprint"]).decode("ascii")
        if built_for != ng.fingerprint():
            raise ModelError(
                f"{path} was built for news_ngrams {built_for}, not {ng.fingerprint()}; "
                "rebuild it with python -m training.build_compounds"
            )
        keys = np.cumsum(data["key_delta"], dtype=np.uint32).astype(np.int64)
        counts = data["compound_count"].astype(np.int64)
    return keys, counts, file_sha256(path)[:16]


def content_words(ng: NewsNgrams) -> np.ndarray:
    """Per id: a word outside the function words (not a number, punctuation or special)."""
    is_word = np.fromiter((w[:1].isalpha() for w in ng.vocab), dtype=bool, count=len(ng.vocab))
    return is_word & ~ng.function_word


def _resources() -> _Resources:
    global _RESOURCES
    if _RESOURCES is None:
        with _LOCK:
            if _RESOURCES is None:
                ng = news_ngrams()
                content = content_words(ng)
                common = content & (ng.unigram >= MIN_WORD_COUNT)
                testable_left = common & (ng.content_after >= MIN_SLOT_SHARE)
                testable_right = common & (ng.content_before >= MIN_SLOT_SHARE)
                compounds, compound_counts, compounds_sha = _load_compounds(ng)
                calques = _load_calques(ng)
                flags, calque_bits = _token_flags(
                    ng, common, testable_left, testable_right, content, calques
                )
                _RESOURCES = _Resources(
                    ngrams=ng,
                    common=common,
                    testable_left=testable_left,
                    testable_right=testable_right,
                    calques=calques,
                    content=content,
                    compounds=compounds,
                    compound_counts=compound_counts,
                    fingerprint=(
                        f"{ng.fingerprint()}:{file_sha256(data_path(CALQUES))[:16]}:{compounds_sha}"
                    ),
                    token_flags=flags,
                    calque_bits=calque_bits,
                )
    return _RESOURCES


def _token_flags(
    ng: NewsNgrams,
    common: np.ndarray,
    testable_left: np.ndarray,
    testable_right: np.ndarray,
    content: np.ndarray,
    calques: tuple[tuple[int, np.ndarray, dict[int, float]], ...],
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Per vocabulary id, every flag a document's tests read, and each calque length's bit."""
    flags = np.zeros(len(ng.vocab), dtype=np.uint32)
    for mask, bit in (
        (common, _COMMON),
        (testable_left, _LEFT),
        (common, _COMMON_AS_RIGHT),
        (testable_right, _RIGHT),
        (content, _HEAD),
        (content & (ng.content_after < MAX_MODIFIER_SHARE), _MODIFIER),
    ):
        flags[mask] |= bit
    flags[ng.index["of"]] |= _OF
    bits, at = [], _CALQUE_BIT
    for n, keys, _ in calques:
        for k in range(n):  # word k of a phrase of length n: bit at + k
            flags[(keys >> (16 * (n - 1 - k))) & 0xFFFF] |= 1 << (at + k)
        bits.append(at)
        at += n
    if at > 32:
        raise ModelError("too many calque lengths for the token flags")
    return flags, tuple(bits)


def _row_ids(types: TypeTable, start: int, stop: int) -> np.ndarray:
    """Per row: ``ng.ids`` of the token, lower-cased and looked up once per process."""
    return _resources().ngrams.ids(types.texts[start:stop])


def _row_flags(types: TypeTable, start: int, stop: int) -> np.ndarray:
    """Per row: the token's flags, without the pair bits if it opens with a capital."""
    res = _resources()
    texts = types.texts[start:stop]
    ids = np.asarray(types.column(res.ngrams, "news_ngram_ids", _row_ids))[start:stop]
    flags = res.token_flags[ids]
    capital = np.fromiter((t[:1].isupper() for t in texts), dtype=bool, count=len(texts))
    flags[capital] &= np.uint32(~_PAIR_BITS & 0xFFFFFFFF)
    return flags


class PhraseSignal(Signal):
    """Odd word pairs, n-gram fluency and calque hits, measured against native news."""

    name = "phrases"

    def feature_names(self) -> list[str]:
        return [
            f"{self.name}.odd_pair_rate",
            f"{self.name}.pair_pmi",
            f"{self.name}.bigram_logprob",
            f"{self.name}.calque_rate",
            f"{self.name}.reversed_compound_rate",
        ]

    def fingerprint(self) -> str:
        return _resources().fingerprint

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        res = _resources()
        ng = res.ngrams
        tokens = doc.tokens
        odd_kind, _, _, calque_kind, compound_kind = self.feature_names()
        if len(tokens) < 2:
            return [_PRIOR_ODD, _PRIOR_PMI, 0.0, 0.0, 0.0], []
        rows = token_rows(doc)
        # ng.ids(texts), each distinct token lower-cased and looked up once per process
        ids = rows.values(ng, "news_ngram_ids", _row_ids)
        flags = rows.values(ng, "phrases_flags", _row_flags)
        pair_counts = ng.adjacent_counts(ids)
        word_counts = ng.word_counts(ids)
        logprob = float(np.mean(ng.bigram_logprob(ids, pair_counts, word_counts)))

        # content pairs: adjacent lowercase content words, both common in news
        # (bit 0), and tested pairs (bit 1): those in a modifier-head slot
        pair_kind = flags[:-1] & (flags[1:] >> 2) & 3
        pairs = np.flatnonzero(pair_kind)
        n_pairs = len(pairs)
        pmi = np.log(
            (pair_counts[pairs] + 0.5)
            * ng.n_tokens
            / (word_counts[:-1][pairs] * word_counts[1:][pairs])
        )
        pair_pmi = float((pmi.sum() + _PRIOR_PAIRS * _PRIOR_PMI) / (n_pairs + _PRIOR_PAIRS))
        tested = pair_kind == 3
        n_tested = int(np.count_nonzero(tested))
        odd = self._odd_pairs(ng, ids, np.flatnonzero(tested & (pair_counts == 0)))
        odd_rate = (len(odd) + _PRIOR_PAIRS * _PRIOR_ODD) / (n_tested + _PRIOR_PAIRS)

        evidence: list[Evidence] = []
        strength = np.minimum(word_counts[odd], word_counts[odd + 1])
        shown = odd[np.argsort(-strength, kind="stable")][:MAX_EVIDENCE].tolist()  # Python ints
        for i in shown:
            start, end = tokens[i].start, tokens[i + 1].end
            evidence.append(
                Evidence(
                    odd_kind,
                    start,
                    end,
                    doc.text[start:end],
                    f"'{tokens[i][0]} {tokens[i + 1][0]}' is a word pair native news does not use, "
                    f"though both words are common ({word_counts[i]:,.0f} and "
                    f"{word_counts[i + 1]:,.0f} times in 13M words) and no similar pair is seen",
                )
            )

        hits = self._calques(res, ids, flags)
        for i, n, score in hits[:MAX_EVIDENCE]:
            start, end = tokens[i].start, tokens[i + n - 1].end
            phrase = " ".join(t[0] for t in tokens[i : i + n]).lower()
            evidence.append(
                Evidence(
                    calque_kind,
                    start,
                    end,
                    doc.text[start:end],
                    f"'{phrase}' is a translation calque: machine "
                    f"translation uses it {2**score:.1f} times as often as human translators",
                )
            )
        calque_rate = float(np.log1p(1000.0 * len(hits) / max(doc.n_words, 1)))

        reversed_ = self._reversed_compounds(res, ids, flags, tokens)
        for i, count in reversed_[:MAX_EVIDENCE]:
            start, end = tokens[i].start, tokens[i + 2].end
            head, modifier = tokens[i][0].lower(), tokens[i + 2][0].lower()
            evidence.append(
                Evidence(
                    compound_kind,
                    start,
                    end,
                    doc.text[start:end],
                    f"'{doc.text[start:end]}' looks like a compound turned inside out, as a round "
                    f"trip through a language without noun compounds leaves it: native news says "
                    f"'{modifier} {head}' ({count:,} times in 13M words) and never "
                    f"'{head} of {modifier}'",
                )
            )
        compound_rate = float(np.log1p(1000.0 * len(reversed_) / max(doc.n_words, 1)))
        return [float(odd_rate), pair_pmi, logprob, calque_rate, compound_rate], evidence

    @staticmethod
    def _reversed_compounds(
        res: _Resources, ids: np.ndarray, flags: np.ndarray, tokens: list[Token]
    ) -> list[tuple[int, int]]:
        """(token index of B, native count of "A B") for each bare "B of A" in the table.

        Only a bare, lower-case "B of A" counts: with an article ("the results
        of the election") the of-form is ordinary English. A must be able to
        head a noun phrase: a word that news nearly always follows with another
        content word (an adjective or number: "the world of modern art") is a
        modifier of what comes next, not the end of a turned compound.
        """
        n = len(ids)
        # B a content word, then "of", then A a content word that may end a noun phrase
        at = np.flatnonzero(flags[: n - 2] & (flags[1 : n - 1] >> 1) & (flags[2:] >> 2) & _HEAD)
        if len(at) == 0 or len(res.compounds) == 0:
            return []
        keys = (ids[at + 2] << 16) | ids[at]
        pos = np.minimum(np.searchsorted(res.compounds, keys), len(res.compounds) - 1)
        hit = res.compounds[pos] == keys
        found: list[tuple[int, int]] = []
        for i, p in zip(at[hit].tolist(), pos[hit].tolist(), strict=True):
            if tokens[i][0][:1].islower() and tokens[i + 2][0][:1].islower():
                found.append((i, int(res.compound_counts[p])))
        return found

    @staticmethod
    def _odd_pairs(ng: NewsNgrams, ids: np.ndarray, unseen: np.ndarray) -> np.ndarray:
        """Unseen pairs (by first-token index) for which no pair of similar words is seen either.

        "opposition candidate" is unseen but "democratic candidate" is not, so it
        is sparse data, not an odd collocation; "marginal policies" has no such
        support ("modest policies", "marginal measures", ... are all unseen).
        """
        if len(unseen) == 0:
            return unseen
        return unseen[ng.unsupported(ids[unseen], ids[unseen + 1], ANALOGY_NEIGHBOURS)]

    @staticmethod
    def _calques(
        res: _Resources, ids: np.ndarray, flags: np.ndarray
    ) -> list[tuple[int, int, float]]:
        """(token index, length, score) of lexicon phrases, longest first, no overlaps.

        The flags keep only the places where every word of a phrase of that length
        could stand (a few per document); the lexicon is looked up there alone.
        """
        hits: list[tuple[int, int, float]] = []
        taken: set[int] = set()
        size = len(ids)
        for (n, _, table), bit in zip(res.calques, res.calque_bits, strict=True):
            if size < n:
                continue
            last = size - n + 1
            can = flags[:last] & (1 << bit)
            for k in range(1, n):
                can = can & (flags[k : last + k] >> k)
            at = np.flatnonzero(can).tolist()
            if not at:
                continue
            for i in at:
                key = 0
                for word in ids[i : i + n].tolist():
                    key = (key << 16) | word
                score = table.get(key)
                if score is None:
                    continue
                span = range(i, i + n)
                if taken.isdisjoint(span):
                    taken.update(span)
                    hits.append((i, n, score))
        hits.sort()
        return hits
