"""Many texts through one Apertium call, and recovery when a call comes back short.

Why apart from ``training.roundtrip``: this is the protocol with Apertium
(documents joined by a separator paragraph, outputs trusted only when a
separator follows them, crashing units isolated and retried); ``roundtrip``
decides what to round-trip, caches it and turns outputs into records.
:func:`postprocess` cleans what comes back (marks, entities, layout).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mtdetect.text import Document
from training.corpus import uniform_layout
from training.pivots import (
    repair_glitches,
    restore_entities,
    run_pipeline,
    strip_markers,
)

SEPARATOR = "ZZDOCSEPZZ"

_SEPARATOR_LINE = re.compile(rf"^[ \t]*{SEPARATOR}[ \t]*\.?[ \t]*$", re.MULTILINE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True, slots=True)
class Original:
    """What a round trip needs from a human text: its group and segments, and what it is.

    ``kind`` is the source's label (ORIG, HT, LEARNER) and ``lang`` the language
    it was translated from (HT only); neither enters the cache key.
    """

    group: str
    segments: tuple[str, ...]
    kind: str = "ORIG"
    lang: str = "en"


def join_document(segments: Sequence[str]) -> str:
    """One segment a paragraph: a blank line makes Apertium end the sentence there."""
    return "\n\n".join(s.strip() for s in segments if s.strip())


def join_units(units: Sequence[str]) -> str:
    """Units separated, and followed, by a separator paragraph.

    The trailing separator is the completeness check: Apertium stages can crash
    (``apertium-postchunk`` in eng-cat segfaults on some sentences) while the
    ``apertium`` script still exits 0 with a silently truncated output.
    """
    separator = f"\n\n{SEPARATOR}\n\n"
    return "".join(unit + separator for unit in units)


def split_batch(output: str) -> list[str]:
    return _SEPARATOR_LINE.split(output)


def split_segments(document: str) -> list[str]:
    return [s.strip() for s in _PARAGRAPH_BREAK.split(document) if s.strip()]


Runner = Callable[[str, str], str]


@dataclass
class BatchResult:
    """Round-trip outputs of a batch, with how much recovery they needed."""

    segments: list[list[str]]
    calls: int = 0
    fallback: bool = False  # anything beyond the one batch call was needed
    repaired_docs: int = 0  # documents redone sentence by sentence
    dropped_sentences: int = 0  # sentences that crash Apertium even alone


def run_units(pivot: str, units: Sequence[str], runner: Runner) -> tuple[list[str], bool]:
    """Outputs of the units that surely came back whole, and whether all did.

    A part is trusted only when a separator follows it. A truncated output
    (crash) yields the complete prefix; a misaligned one (separator lost or
    doubled) yields nothing, so no output can ever be paired with the wrong unit.
    """
    parts = split_batch(runner(pivot, join_units(units)))
    done, tail = parts[:-1], parts[-1]
    if not all(p.strip() for p in done) or len(done) > len(units):
        return [], False
    if len(done) == len(units) and not tail.strip():
        return done, True
    if tail.strip():  # cut off inside a unit: everything before it is whole
        return done, False
    return [], False


def translate_units(
    pivot: str,
    units: Sequence[str],
    runner: Runner,
    on_failure: Callable[[str], str | None],
    result: BatchResult,
) -> list[str | None]:
    """Translate units in as few calls as possible, isolating any unit that crashes.

    Apertium buffers its output, so the unit cut off is not necessarily the one
    that crashed: the first unconfirmed unit is retried alone, and only if it
    fails alone too is it handed to ``on_failure``; the rest go on as a group.
    """
    outputs: list[str | None] = []
    i = 0
    while i < len(units):
        good, complete = run_units(pivot, units[i:], runner)
        result.calls += 1
        outputs.extend(good)
        i += len(good)
        if complete:
            break
        result.fallback = True
        if len(units) - i > 1:
            alone, ok = run_units(pivot, [units[i]], runner)
            result.calls += 1
        else:
            alone, ok = [], False
        outputs.append(alone[0] if ok else on_failure(units[i]))
        i += 1
    return outputs


def sentences_of(segment: str) -> list[str]:
    doc = Document(segment)
    return [segment[s.start : s.end] for s in doc.sentences] or [segment]


def translate_batch(
    pivot: str, originals: Sequence[Original], runner: Runner = run_pipeline
) -> BatchResult:
    """Round-trip a batch: all documents in one call when nothing goes wrong.

    A document that fails alone is redone sentence by sentence (sentences of a
    segment rejoined on one line); a sentence that crashes Apertium alone is
    dropped and counted, never left untranslated.
    """
    result = BatchResult(segments=[])

    def by_sentence(document: str) -> str:
        sentences = [
            (k, s) for k, seg in enumerate(split_segments(document)) for s in sentences_of(seg)
        ]
        outs = translate_units(pivot, [s for _, s in sentences], runner, lambda _: None, result)
        lines: dict[int, list[str]] = {}
        for (k, _), out in zip(sentences, outs, strict=True):
            if out is not None:
                lines.setdefault(k, []).append(" ".join(out.split()))
        result.repaired_docs += 1
        result.dropped_sentences += sum(out is None for out in outs)
        return "\n\n".join(" ".join(lines[k]) for k in sorted(lines))

    documents = [join_document(o.segments) for o in originals]
    outputs = translate_units(pivot, documents, runner, by_sentence, result)
    result.segments = [split_segments(out or "") for out in outputs]
    return result


def postprocess(segments: Sequence[str], original: Original, repair: bool = False) -> str:
    """The same layout normalisation as every other source, after mark stripping.

    ``repair`` also undoes the Serbo-Croatian pair's glitches (:func:`repair_glitches`);
    Spanish and Catalan records are left as the shipped model learned them.
    """
    source = "\n".join(original.segments)
    text = uniform_layout(list(segments))
    text = strip_markers(restore_entities(text, source), source)
    if repair:
        text = repair_glitches(text, source)
    return uniform_layout(text.split("\n"))
