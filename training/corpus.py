"""Read the shared corpus into uniform, grouped, split records.

Layout and surface must carry no label: every source's text goes through the
same :func:`uniform_layout`, and each record's group is its source document,
so that a document and all its translations land in the same split.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mtdetect.text import normalise

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"

# RT: an Apertium round trip of an English original (what the round-trip metrics
# measure); RT-HT and RT-LEARNER: of a professional translation or a learner
# essay (training/roundtrip.py says why).
POSITIVE_LABELS = frozenset({"MT", "MT-roundtrip", "RT", "RT-HT", "RT-LEARNER"})
# Round trips of translations and essays: the ``roundtrip`` pattern model's
# extra pairs, not rows of the main scorer or of the headline metrics.
EXTRA_ROUNDTRIP_LABELS = frozenset({"RT-HT", "RT-LEARNER"})
HUMAN_LABELS = frozenset({"HT", "ORIG"})  # the negatives of the headline metrics and threshold
#: documents shorter than this are left out of training and evaluation data
MIN_CORPUS_WORDS = 60
SPLITS = ("train", "val", "test")


@dataclass(frozen=True, slots=True)
class Record:
    text: str
    label: str  # MT, MT-roundtrip, RT, RT-HT, RT-LEARNER (Apertium round trips), HT, ORIG, LEARNER
    group: str  # source document: all its versions share it
    source: str  # file or generator the record came from
    lang: str  # source language of the translation, "en" for originals
    system: str
    meta: tuple[tuple[str, str], ...] = ()

    @property
    def y(self) -> int:
        return int(self.label in POSITIVE_LABELS)

    @property
    def split(self) -> str:
        return split_of(self.group)

    @property
    def n_words(self) -> int:
        return len(self.text.split())

    def get(self, key: str, default: str = "") -> str:
        return dict(self.meta).get(key, default)


def split_of(group: str) -> str:
    """Deterministic split of a group: 65% train, 15% validation, 20% test."""
    bucket = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % 100
    if bucket < 65:
        return "train"
    if bucket < 80:
        return "val"
    return "test"


_SPACES = re.compile(r"[ ]+")


def uniform_layout(segments: list[str]) -> str:
    """Join segments the same way for every source: one segment a line.

    Quotes, dashes and whitespace are normalised, blank lines dropped, so no
    source can be told apart by its layout or typography.
    """
    lines = []
    for segment in segments:
        line = _SPACES.sub(" ", normalise(html.unescape(segment))).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def _read_jsonl(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def wmt_records() -> Iterator[Record]:
    """MT, MT-roundtrip, HT and liv-en ORIG documents of WMT 2021-2022."""
    for row in _read_jsonl(CORPUS / "x-en_2021-2022.jsonl.gz"):
        group = f"wmt:{row['year']}:{row['pair']}:{row['doc_id']}"
        yield Record(
            text=uniform_layout(row["english_text"].split("\n")),
            label=row["label"],
            group=group,
            source="wmt",
            lang=row.get("src_lang") or row["pair"].split("-")[0],
            system=row["system"],
            meta=(("pair", row["pair"]), ("year", str(row["year"]))),
        )


LIV_BLOCK = 8  # liv-en segments joined into one document


def liv_blocks(size: int = LIV_BLOCK) -> list[Record]:
    """liv-en as documents: blocks of ``size`` consecutive segments, per system.

    Why: liv-en is the one real neural round trip in the corpus (English
    sources, translated into Livonian by people, machine-translated back by
    neural systems), but one sentence a document, too short to score. Joined
    in blocks of consecutive segment ids, each system's round trip and the
    English original of the same block share a group.
    """
    blocks: dict[tuple[str, str, int], list[tuple[int, str]]] = {}
    for row in _read_jsonl(CORPUS / "x-en_2021-2022.jsonl.gz"):
        if row["pair"] != "liv-en":
            continue
        segment = int(row["doc_id"])
        key = (row["label"], row["system"], segment // size)
        blocks.setdefault(key, []).append((segment, row["english_text"]))
    return [
        Record(
            text=uniform_layout([text for _, text in sorted(segments)]),
            label=label,
            group=f"liv-block:{block}",
            source="liv-blocks",
            lang="liv",
            system=system,
        )
        for (label, system, block), segments in sorted(blocks.items())
    ]


# In part of the BBC set, names were cut out of the text, leaving lines that
# start with a comma or colon ("won by\n, who had to ..."): broken text that
# no writer produced. Such documents would teach that broken joins are human.
_CUT_NAME = re.compile(r"(?m)^[,:;]")


def original_records() -> Iterator[Record]:
    for row in _read_jsonl(CORPUS / "english-originals.jsonl.gz"):
        if _CUT_NAME.search(row["english_text"]):
            continue
        group = f"orig:{row['year']}:{row['doc_id']}"
        yield Record(
            text=uniform_layout(row["english_text"].split("\n")),
            label="ORIG",
            group=group,
            source=f"orig-{row['domain']}",
            lang="en",
            system="original",
            meta=(("domain", row["domain"]), ("year", str(row["year"]))),
        )


def learner_records() -> Iterator[Record]:
    for row in _read_jsonl(CORPUS / "learner-essays.jsonl.gz"):
        author = row.get("author_id") or row["doc_id"]
        yield Record(
            text=uniform_layout(row["english_text"].split("\n")),
            label=row["label"],
            group=f"author:{author}",
            source="learner",
            lang="en",
            system="human",
            meta=(
                ("cefr", str(row.get("cefr") or "")),
                ("l1", str(row.get("l1") or "")),
                ("native", str(row.get("native"))),
            ),
        )


def labelled_records(min_words: int = MIN_CORPUS_WORDS) -> list[Record]:
    """The shared corpus's labelled records of at least ``min_words`` words.

    The Apertium round trips are made from these, so they are added one level
    up (``training.records.load_records``), never here.
    """
    records: list[Record] = [*wmt_records(), *original_records(), *learner_records()]
    return [r for r in records if r.n_words >= min_words]


def news_lm_documents(limit: int | None = None) -> Iterator[str]:
    """Native English news, one document per item, for word statistics."""
    with gzip.open(CORPUS / "english-news-lm.txt.gz", "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if limit is not None and i >= limit:
                return
            if line.strip():
                yield line.strip()


# The native news corpus is read whole for word statistics (n-grams, compounds,
# gazetteer). Where documents are needed one by one, each use takes its own
# quarter (document index mod 4), so no document serves two of them: the
# telltale base rates, the false positives reported by evaluate.py, choices
# made in training/experiments and train.py's threshold (at most 0.5% of its
# native news flagged), and the roundtrip model's human texts. The fluency
# model (training/build_fluency.py) is built from every quarter but
# "evaluation", so the selection quarter reads a little more predictable to
# it than unseen news: a threshold set there errs on the strict side.
NEWS_STEP = 4
NEWS_QUARTERS = {"telltale_rates": 0, "evaluation": 1, "selection": 2, "roundtrip_negatives": 3}


def native_news(use: str, n: int, min_words: int = MIN_CORPUS_WORDS) -> list[str]:
    """The first ``n`` native news documents of ``use``'s quarter, of ``min_words`` or more."""
    quarter = NEWS_QUARTERS[use]
    out: list[str] = []
    for i, text in enumerate(news_lm_documents()):
        if i % NEWS_STEP == quarter and len(text.split()) >= min_words:
            out.append(text)
            if len(out) == n:
                break
    return out


def seed_expectations() -> list[tuple[Path, bool]]:
    """The user's seed articles and whether each is spun (``shared/seeds/labels.csv``)."""
    with (SEEDS / "labels.csv").open(encoding="utf-8") as handle:
        return [
            (SEEDS / row["file"], row["label"] == "spun")
            for row in csv.DictReader(handle)
            if row.get("file")
        ]
