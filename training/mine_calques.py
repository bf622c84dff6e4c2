"""Mine word 2-3-grams that machine translation writes and human writers don't.

Why: MT systems carry source-language idiom into English word for word
("it is noted that", "on the territory of", "new corona"); a short,
reviewed list of such phrases is cheap, precise evidence for the ``phrases``
signal.

Method. Counts come from the TRAIN split only. Every MT output of a source
document is set against the human translation(s) (HT) of that same document,
so topic cancels out; phrases are ranked by Dunning's log-likelihood G2 for
"more frequent in MT than in HT", and must pass:

- at least ``--min-count`` MT occurrences, in at least ``--min-docs`` source
  documents where MT uses it more than HT, from ``--min-systems`` MT systems
  (not one system's quirk, not one document's topic);
- no number, no capitalised word other than a sentence's first, no word that
  is more often capitalised than not inside sentences (names), at least one
  content word;
- an MT rate at least twice the HT rate, and at least three times its rate in
  English originals (ORIG), learner essays and native news (english-news-lm),
  so that it neither is ordinary English nor flags learners.

The ranked candidates are printed for review; a human keeps only the genuine
translation artefacts (calques, literal set phrases). ``--write`` stores the
reviewed phrases with their scores (smoothed log2 of the MT/HT rate ratio) in
``mtdetect/data/calques.tsv``.

Run: ``python -m training.mine_calques > /tmp/candidates.tsv``, review, then
``python -m training.mine_calques --write mtdetect/data/calques.tsv`` (or any
file with one reviewed phrase per line) to refresh the scores.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mtdetect.resources import data_path
from mtdetect.signals.phrases import FUNCTION_WORDS
from mtdetect.text import TOKEN_RE, Document, normalise
from training.corpus import (
    Record,
    learner_records,
    news_lm_documents,
    original_records,
    wmt_records,
)

HEADER = (
    "# Calque lexicon, reviewed by hand: word n-grams that MT output uses far more than the human "
    "translations of the same source documents (WMT 2021-22 x-en, train split only; Dunning G2; "
    ">= {min_count:g} MT hits in >= {min_docs} documents from >= {min_systems} systems; 3x rarer "
    "in English originals, learner essays and native news); only translation artefacts were kept. "
    "score = log2 of the MT/HT rate ratio. Built by training/mine_calques.py --write."
)


def phrases(
    text: str, lower: Counter[str], capitalised: Counter[str], max_n: int = 3
) -> Iterator[str]:
    """Lowercase word 2..max_n-grams with no number, punctuation or inner capital.

    Tallies each word written in lowercase in ``lower``, and each word written
    with a capital inside a sentence in ``capitalised`` (names).
    """
    for sentence in Document(text).sentences:
        run: list[str] = []
        first_word = True
        for tok in sentence.tokens:
            word = tok.text
            if not word[0].isalpha():
                run = []
                continue
            if word[0].isupper() and not first_word:
                capitalised[word.lower()] += 1
                run = []
                continue
            first_word = False
            if word[0].islower():
                lower[word] += 1
            run.append(word.lower())
            for n in range(2, max_n + 1):
                if len(run) >= n:
                    yield " ".join(run[-n:])


def g2(a: float, b: float, n_a: float, n_b: float) -> float:
    """Dunning's log-likelihood ratio for a phrase seen a times in n_a words vs b in n_b."""
    total = a + b
    e_a = n_a * total / (n_a + n_b)
    e_b = n_b * total / (n_a + n_b)
    return 2.0 * sum(o * math.log(o / e) for o, e in ((a, e_a), (b, e_b)) if o > 0)


def log_ratio(a: float, b: float, n_a: float, n_b: float) -> float:
    """Smoothed log2 of the MT rate over the human rate (half a count added)."""
    return math.log2(((a + 0.5) / n_a) / ((b + 0.5) / n_b))


@dataclass
class Mined:
    """Phrase counts of MT and of the human translations of the same documents."""

    mt: Counter[str] = field(default_factory=Counter)  # all systems' outputs
    ht: Counter[str] = field(default_factory=Counter)  # per-document average over references
    mt_words: float = 0.0
    ht_words: float = 0.0
    docs: Counter[str] = field(default_factory=Counter)  # documents where MT uses it more than HT
    systems: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))  # bitmask
    orig: Counter[str] = field(default_factory=Counter)
    orig_words: int = 0
    learner: Counter[str] = field(default_factory=Counter)
    learner_words: int = 0
    lower: Counter[str] = field(default_factory=Counter)
    capitalised: Counter[str] = field(default_factory=Counter)


def _average(counters: list[Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for counter in counters:
        total.update(counter)
    return Counter({gram: c / len(counters) for gram, c in total.items()})


def count(records: Iterable[Record]) -> Mined:
    """Count train-split phrases; MT only in documents that have a human translation."""
    mined = Mined()
    by_group: defaultdict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.split != "train":
            continue
        if record.label in ("MT", "HT"):
            by_group[record.group].append(record)
        elif record.label in ("ORIG", "LEARNER"):
            grams = Counter(phrases(record.text, Counter(), Counter()))
            if record.label == "ORIG":
                mined.orig.update(grams)
                mined.orig_words += record.n_words
            else:
                mined.learner.update(grams)
                mined.learner_words += record.n_words
    system_bit: dict[str, int] = {}
    for group in by_group.values():
        mt = [r for r in group if r.label == "MT"]
        ht = [r for r in group if r.label == "HT"]
        if not mt or not ht:
            continue
        mt_counts = [Counter(phrases(r.text, mined.lower, mined.capitalised)) for r in mt]
        ht_avg = _average([Counter(phrases(r.text, Counter(), Counter())) for r in ht])
        mt_avg = _average(mt_counts)
        for counts in mt_counts:
            mined.mt.update(counts)
        mined.ht.update(ht_avg)
        mined.mt_words += sum(r.n_words for r in mt)
        mined.ht_words += sum(r.n_words for r in ht) / len(ht)
        mined.docs.update(gram for gram, c in mt_avg.items() if c > ht_avg[gram])
        for record, counts in zip(mt, mt_counts, strict=True):
            bit = 1 << system_bit.setdefault(record.system, len(system_bit))
            for gram in counts:
                mined.systems[gram] |= bit
    return mined


ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})  # "5th" tokenises as 5 + th


def candidates(
    mined: Mined, min_count: float, min_docs: int, min_systems: int
) -> list[tuple[str, float, float, float, float, int, int]]:
    """(phrase, g2, score, mt, ht, docs, systems) for phrases that pass the corpus filters."""
    out = []
    mt_rate_of = 1.0 / mined.mt_words
    for gram, a in mined.mt.items():
        if a < min_count or mined.docs[gram] < min_docs:
            continue
        systems = mined.systems[gram].bit_count()
        if systems < min_systems:
            continue
        words = gram.split()
        if all(w in FUNCTION_WORDS for w in words) or ORDINAL_SUFFIXES.intersection(words):
            continue
        # a word more often capitalised than not inside sentences is a name
        if any(mined.capitalised[w] >= mined.lower[w] for w in words):
            continue
        b = mined.ht[gram]
        rate = a * mt_rate_of
        if rate <= 2 * (b + 0.5) / mined.ht_words:
            continue
        # native English and learners must use it clearly less than MT does
        if mined.orig[gram] / mined.orig_words > rate / 3:
            continue
        if mined.learner[gram] / mined.learner_words > rate / 3:
            continue
        out.append(
            (
                gram,
                g2(a, b, mined.mt_words, mined.ht_words),
                log_ratio(a, b, mined.mt_words, mined.ht_words),
                a,
                b,
                mined.docs[gram],
                systems,
            )
        )
    out.sort(key=lambda row: -row[1])
    return out


def news_rates(grams: set[str]) -> dict[str, float]:
    """Occurrences per million words of each phrase in native news (english-news-lm)."""
    counts: Counter[str] = Counter()
    total = 0
    for doc in news_lm_documents():
        toks = TOKEN_RE.findall(normalise(doc).lower())
        total += len(toks)
        for n in (2, 3):
            windows = zip(*(toks[k:] for k in range(n)), strict=False)
            counts.update(g for g in map(" ".join, windows) if g in grams)
    return {g: 1e6 * counts[g] / total for g in grams}


def all_records() -> Iterator[Record]:
    yield from wmt_records()
    yield from original_records()
    yield from learner_records()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=400)
    parser.add_argument("--min-count", type=float, default=6.0)
    parser.add_argument("--min-docs", type=int, default=5)
    parser.add_argument("--min-systems", type=int, default=4)
    parser.add_argument(
        "--write",
        metavar="REVIEWED",
        help="reviewed phrases (first column of each line; calques.tsv itself will do) "
        "to store with fresh scores in mtdetect/data/calques.tsv",
    )
    args = parser.parse_args()
    mined = count(all_records())
    rows = candidates(mined, args.min_count, args.min_docs, args.min_systems)
    news = news_rates({row[0] for row in rows})
    rows = [row for row in rows if news[row[0]] * 3 <= 1e6 * row[3] / mined.mt_words]
    if args.write:
        keep = {
            line.split("\t")[0].strip().lower()
            for line in Path(args.write).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
        found = {row[0]: row for row in rows}
        missing = sorted(keep - set(found))
        if missing:
            raise SystemExit(f"reviewed phrases no longer pass the filters: {missing}")
        with open(data_path("calques.tsv"), "w", encoding="utf-8") as out:
            header = HEADER.format(
                min_count=args.min_count, min_docs=args.min_docs, min_systems=args.min_systems
            )
            out.write(header + "\n")
            for gram in sorted(keep, key=lambda g: (-round(found[g][2], 2), g)):
                out.write(f"{gram}\t{found[gram][2]:.2f}\n")
        print(f"wrote {len(keep)} phrases to {data_path('calques.tsv')}")
        return
    print("phrase\tg2\tlog2_ratio\tmt\tht\tdocs\tsystems\torig\tlearner\tmt_pm\tnews_pm")
    for gram, g, score, a, b, docs, systems in rows[: args.top]:
        print(
            f"{gram}\t{g:.1f}\t{score:.2f}\t{a:.0f}\t{b:.1f}\t{docs}\t{systems}"
            f"\t{mined.orig[gram]}\t{mined.learner[gram]}"
            f"\t{1e6 * a / mined.mt_words:.1f}\t{news[gram]:.1f}"
        )
    print(
        f"# MT words {mined.mt_words:,.0f}, HT {mined.ht_words:,.0f}, "
        f"ORIG {mined.orig_words:,}, learner {mined.learner_words:,}; {len(rows)} candidates"
    )


if __name__ == "__main__":
    main()
