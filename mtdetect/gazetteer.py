"""Known spellings of names, and a fuzzy lookup that tolerates pivot-language confusions.

Round-trip translation through a pivot language mangles proper names the way
a listener would: l/r and v/f/b/w merge, vowels drift, letters drop or double
("Blinken" -> "Brinken", "Vershbow" -> "Fushbo", "McFaul" -> "McFall"). A
mangled form is rare in native English news while the real name is common,
so a frequency table of the capitalised forms seen in native news, plus a
phonetic-ish blocking key and a weighted edit distance, finds them quickly.

The table also holds lowercase word counts, so that a capitalised word that
is just an ordinary word at the start of a sentence ("Meanwhile") or a
surname that is also a word ("Brown") is never taken for a name variant.

File format (UTF-8 text): one form per line, optionally ``<TAB>count``;
``#`` starts a comment. A capitalised form's count is how often it was seen
capitalised in the middle of a sentence; a lowercase form's count is how
often it was seen as an ordinary lowercase word. A name given without a
count is trusted as well attested.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from mtdetect._gazetteer_file import DEFAULT_COUNT as DEFAULT_COUNT
from mtdetect._gazetteer_file import TABLES_FILE, parse_counts, read_tables, write_tables
from mtdetect._name_forms import count_forms, is_capitalised_name_shape
from mtdetect._spelling import (
    _INNER_VOWELS,
    _PIVOT_KEY,
    _SUB,
    Blocks,
    block_partners,
    fold,
    pivot_key,
    skeleton,
    skeleton_blocks,
    weighted_distance,
)

#: a canonical name must have been seen this often mid-sentence
WELL_ATTESTED = 3
#: a form seen at most this often is "unattested": one sighting may be a typo
RARE_COUNT = 1
#: near misses by pivot swaps: at most this distance per 6 letters (one swap)
PIVOT_SWAP_LIMIT = 0.4
#: near misses by any other slip are only sought toward names this frequent...
FREQUENT_NAME = 50

# ---------------------------------------------------------------------------
# spelling normalisation, blocking key and weighted distance


def is_ordinary_word(word_count: int, name_count: int) -> bool:
    """Seen lowercase at least as often as capitalised ('Meanwhile', 'Brown', 'River')."""
    return word_count > RARE_COUNT and word_count >= name_count


# ---------------------------------------------------------------------------
# the gazetteer


class Gazetteer:
    """Counts of name spellings (and ordinary words) seen in native English news.

    ``count(form)`` is how often a capitalised form was seen mid-sentence;
    ``word_count(word)`` how often its lowercase form was seen as a word.
    """

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        self.counts: dict[str, int] = dict(counts or {})
        self._indexes: dict[str, object] = {}  # lookup structures, built on first use
        self._near_cache: dict[str, tuple[str, float] | None] = {}

    # -- basic queries ---------------------------------------------------
    def __len__(self) -> int:
        return len(self.counts)

    def __contains__(self, form: object) -> bool:
        return form in self.counts

    def __iter__(self) -> Iterator[str]:
        return iter(self.counts)

    def count(self, form: str) -> int:
        """Mid-sentence capitalised sightings of ``form`` (accent-insensitive fallback)."""
        found = self.counts.get(form)
        if found is None:
            folded = fold(form)
            if folded != form.lower():
                found = self.counts.get(folded[:1].upper() + folded[1:])
        return found or 0

    def word_count(self, word: str) -> int:
        """Sightings of ``word`` as an ordinary lowercase word."""
        return self.counts.get(word.lower(), 0)

    def is_attested(self, form: str) -> bool:
        """Seen in native news, as a name or as a word, more than a stray typo would be."""
        return self.count(form) > RARE_COUNT or self.word_count(form) > RARE_COUNT

    def is_word(self, form: str) -> bool:
        """An ordinary word at least as often as a name ('Meanwhile', 'Brown', 'River')."""
        return is_ordinary_word(self.word_count(form), self.count(form))

    def is_name(self, form: str) -> bool:
        """A well-attested name spelling that is not mainly an ordinary word."""
        return self.count(form) >= WELL_ATTESTED and not self.is_word(form)

    # -- fuzzy lookup -----------------------------------------------------
    def _canonical_forms(self, min_count: int) -> dict[str, str]:
        """Folded spelling -> most frequent surface form, for names seen ``min_count``+ times."""
        out: dict[str, str] = {}
        counts = self.counts
        for form, n in counts.items():
            if n < min_count or len(form) < 4 or not form[0].isupper():
                continue
            if is_ordinary_word(counts.get(form.lower(), 0), n):
                continue  # an ordinary word ('River', 'Meanwhile'), never canonical
            folded = form.lower() if form.isascii() else fold(form)
            best = out.get(folded)
            if best is None or counts[best] < n:
                out[folded] = form
        return out

    def _pivot_index(self) -> dict[str, list[str]]:
        """Pivot key -> folded well-attested names sharing it (built on first use)."""
        index = self._indexes.get("pivot")
        if index is None:
            index = {}
            for folded in self._canonical(WELL_ATTESTED):
                index.setdefault(folded.translate(_PIVOT_KEY), []).append(folded)
            self._indexes["pivot"] = index
        return index

    def _canonical(self, min_count: int) -> dict[str, str]:
        key = f"canon{min_count}"
        found = self._indexes.get(key)
        if found is None:
            found = self._canonical_forms(min_count)
            self._indexes[key] = found
        return found

    def _skeleton_index(self, min_count: int) -> Blocks:
        """Skeleton blocks over names seen ``min_count``+ times."""
        key = f"skel{min_count}"
        found = self._indexes.get(key)
        if found is None:
            found = skeleton_blocks(self._canonical(min_count))
            self._indexes[key] = found
        return found

    def candidates(self, word: str, min_count: int = WELL_ATTESTED) -> list[str]:
        """Names seen ``min_count``+ times whose skeleton is within one dropped consonant."""
        canon = self._canonical(min_count)
        found = set(block_partners(self._skeleton_index(min_count), skeleton(word)))
        return [canon[f] for f in found]

    def closest(
        self, word: str, limit: float = math.inf, min_count: int = WELL_ATTESTED
    ) -> tuple[str, float] | None:
        """The nearest name seen ``min_count``+ times, by weighted distance up to ``limit``.

        Tolerates every pivot confusion (l/r, v/f/b/w, vowels, dropped or
        doubled letters, swaps); ties go to the more frequent name.
        """
        folded = fold(word)
        best: tuple[str, float] | None = None
        for cand in self.candidates(word, min_count):
            cf = fold(cand)
            if cf == folded:
                continue
            bound = best[1] if best is not None else limit
            dist = weighted_distance(folded, cf, bound)
            if dist == math.inf:
                continue
            if (
                best is None
                or dist < best[1]
                or (dist == best[1] and self.count(cand) > self.count(best[0]))
            ):
                best = (cand, dist)
        return best

    def near_miss(self, word: str) -> tuple[str, float] | None:
        """A well-attested name that the unattested capitalised ``word`` looks mangled from.

        Returns ``(canonical, score)`` with score in (0, 1], or None when
        ``word`` is itself attested (as a name or a word), too short, or not
        close enough to a well-attested name. Two kinds of closeness count:
        the swaps pivots make outright (l/r, v/f, b/p: 'Brinken' for
        'Blinken'), and, toward frequent names only (seen 50+ times), one
        changed inner vowel ('Clinten'). 'Iraq' is never a near miss: it is a
        known spelling in its own right.
        """
        if word in self._near_cache:
            return self._near_cache[word]
        result = self._near_miss(word)
        if len(self._near_cache) > 50_000:
            self._near_cache.clear()
        self._near_cache[word] = result
        return result

    def _near_miss(self, word: str) -> tuple[str, float] | None:
        if len(word) < 5 or not is_capitalised_name_shape(word):
            return None
        if self.counts.get(word, 0) > 0 or self.is_attested(word):
            return None
        folded = fold(word)
        best: tuple[str, float] | None = None
        limit = PIVOT_SWAP_LIMIT if len(folded) < 7 else 2 * PIVOT_SWAP_LIMIT
        for cand in self._pivot_index().get(pivot_key(folded), ()):
            if cand == folded or len(cand) != len(folded):
                continue
            dist = weighted_distance(folded, cand, limit)
            if dist < math.inf and (best is None or dist < best[1]):
                best = (self._canonical(WELL_ATTESTED)[cand], dist)
        if best is None and len(folded) >= 6:
            best = self._vowel_slip(folded)
        if best is None:
            return None
        canonical, dist = best
        support = min(1.0, math.log10(self.count(canonical) + 1) / 2.0)  # 99 sightings: full
        closeness = 1.0 - dist / 1.5
        return canonical, round(max(0.05, closeness * support), 3)

    def _vowel_slip(self, folded: str) -> tuple[str, float] | None:
        """A frequent name that differs by one vowel inside the word ('Clinten' for 'Clinton').

        Only inner vowels: a changed first or last letter ('Sandro'/'Sandra',
        'Antonie'/'Antonio') and dropped or doubled letters ('Hellen'/'Helen')
        are how legitimate names and ordinary typos differ, not pivots.
        """
        canon = self._canonical(FREQUENT_NAME)
        best: tuple[str, float] | None = None
        for i in range(1, len(folded) - 1):
            if folded[i] not in _INNER_VOWELS:
                continue
            for v in _INNER_VOWELS:
                if v == folded[i]:
                    continue
                cand = canon.get(folded[:i] + v + folded[i + 1 :])
                if cand is not None and (best is None or self.count(cand) > self.count(best[0])):
                    best = (cand, _SUB.get((folded[i], v), 1.0))
        return best

    # -- combination and persistence ---------------------------------------
    def merged(self, other: Gazetteer) -> Gazetteer:
        """A new gazetteer with both tables' counts added up."""
        counts = Counter(self.counts)
        counts.update(other.counts)
        return Gazetteer(counts)

    def save(self, path: str | Path) -> None:
        """Write ``form<TAB>count`` lines, most frequent first."""
        items = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("# mtdetect gazetteer: form<TAB>count (capitalised: mid-sentence name\n")
            handle.write("# sightings; lowercase: ordinary-word sightings)\n")
            for form, n in items:
                handle.write(f"{form}\t{n}\n")

    @classmethod
    def load(cls, path: str | Path) -> Gazetteer:
        """Read a gazetteer file; a line without a count is a trusted name."""
        with open(path, encoding="utf-8") as handle:
            return cls(parse_counts(handle.read()))


class GazetteerError(ValueError):
    """A user's gazetteer file that cannot be used, said once before any text is scored."""


def check_file(path: str | Path) -> int:
    """Read a user's gazetteer file strictly; return how many spellings it holds.

    Why: the names signal loads the file on first use, inside feature
    extraction, so a bad file used to fail every input one by one. Callers
    check it up front and stop with one clear message (``GazetteerError``)
    instead: a missing or unreadable file, a binary one, one that is not
    UTF-8, a count that is not a whole number, or no names at all.
    """
    where = Path(path)
    if not where.exists():
        raise GazetteerError(f"gazetteer file not found: {path}")
    if where.is_dir():
        raise GazetteerError(f"gazetteer {path} is a directory, not a file")
    try:
        data = where.read_bytes()
    except OSError as exc:
        raise GazetteerError(f"cannot read gazetteer {path}: {exc.strerror or exc}") from None
    if b"\0" in data:
        raise GazetteerError(f"gazetteer {path} is a binary file, not a list of names")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GazetteerError(
            f"gazetteer {path}, line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None
    names = 0
    for number, raw in enumerate(text.split("\n"), 1):
        form, tab, rest = raw.partition("\t")
        form = form.strip()
        if not form or form[0] == "#":
            continue
        count = rest.split("\t", 1)[0].strip() if tab else ""
        if count and not count.isdecimal():  # what int() reads ("²" is a digit, not a number)
            raise GazetteerError(
                f"gazetteer {path}, line {number}: count {count!r} is not a whole number "
                "(expected: name, or name<TAB>count)"
            )
        names += 1
    if not names:
        raise GazetteerError(f"gazetteer {path} holds no names")
    return names


def build_from_texts(
    texts: Iterable[str], min_count: int = 2, *, keep_words: bool = True
) -> Gazetteer:
    """Count the names (and, with ``keep_words``, the ordinary words) in ``texts``.

    Capitalised words at the start of a sentence, after a quote or bracket
    are skipped (they may be ordinary words), as are all-caps acronyms;
    forms seen fewer than ``min_count`` times are dropped, since a typo seen
    once must not make a spelling look attested.
    """
    caps, lower = count_forms(texts)
    counts = {f: n for f, n in caps.items() if n >= min_count}
    if keep_words:
        counts.update({w: n for w, n in lower.items() if n >= min_count})
    return Gazetteer(counts)


_DEFAULT: Gazetteer | None = None
#: what the stored tables of the shipped gazetteer depend on besides names.tsv;
#: bump the version when the code that builds them (fold, pivot keys) changes
_TABLES_PARAMS = (1, WELL_ATTESTED, FREQUENT_NAME, RARE_COUNT)


def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer (native news + human-written training text), loaded once.

    From its stored tables when they were built from this ``names.tsv``
    (``_gazetteer_file``), else from ``names.tsv``.
    """
    global _DEFAULT
    if _DEFAULT is None:
        from mtdetect.resources import data_path, file_sha256

        path = data_path("names.tsv")
        if not path.exists():
            _DEFAULT = Gazetteer()
            return _DEFAULT
        stored = read_tables(data_path(TABLES_FILE), file_sha256(path), _TABLES_PARAMS)
        if stored is None:
            _DEFAULT = Gazetteer.load(path)
        else:
            gazetteer = Gazetteer()
            gazetteer.counts, tables = stored
            gazetteer._indexes.update(tables)
            _DEFAULT = gazetteer
    return _DEFAULT


def write_default_tables(path: Path | None = None) -> Path:
    """Build the shipped gazetteer's stored tables from ``names.tsv`` (the slow way)."""
    from mtdetect.resources import data_path, file_sha256

    source = data_path("names.tsv")
    gazetteer = Gazetteer.load(source)
    gazetteer._pivot_index()
    gazetteer._canonical(FREQUENT_NAME)
    keys = ("pivot", f"canon{WELL_ATTESTED}", f"canon{FREQUENT_NAME}")
    tables = {key: gazetteer._indexes[key] for key in keys}
    out = path or data_path(TABLES_FILE)
    write_tables(out, file_sha256(source), _TABLES_PARAMS, gazetteer.counts, tables)
    return out
