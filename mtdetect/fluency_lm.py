"""A pruned Kneser-Ney trigram model of native news, loaded once, scored in bulk.

Why: neural MT decoders prefer the likeliest English and rule-based MT writes
English nobody would predict. How predictable each word of a document is
under a model of native news (its surprisal, and whether it is the model's
first or one of its ten likeliest next words, GLTR's idea) measures both, for
the ``fluency`` signal. All lookups for a document are a few numpy
``searchsorted`` calls.

File format (``news_lm.npz``, built by ``training/build_fluency.py``); ids are
16-bit, log-probabilities are base 2, ``lp_step`` is their quantisation step
(a uint8 ``q`` means ``-q * lp_step``; float arrays are stored as they are):

* ``vocab``: UTF-8 tokens joined by newlines (id = position, by descending
  corpus count after :data:`SPECIALS`);
* ``uni_lp``, ``uni_bow``: log P(w), and the backoff weight of w as a history;
* ``hist_top``: [V, 2] log-probability of the 1st and 10th likeliest next
  token after a one-word history;
* ``bi_n`` (kept bigrams per first word), ``bi_w`` (their second words, in
  order), ``bi_lp``;
* ``ctx_delta``: the sorted two-word histories ``(u << 16) | v`` that have
  kept trigrams, delta-encoded; ``ctx_bow``, ``ctx_top`` ([C, 2]) as above;
  ``tri_n`` (kept trigrams per history), ``tri_w``, ``tri_lp``.

Keys are rebuilt on loading (``np.repeat`` + ``cumsum``), so the file holds
about three bytes per n-gram.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path

import numpy as np

from mtdetect import _accel
from mtdetect._type_table import TypeTable, token_rows
from mtdetect.resources import data_path, file_sha256, shared
from mtdetect.text import Document, Token

UNK, NUM, BOUNDARY = 0, 1, 2
SPECIALS = ("<unk>", "<num>", "<s>")
FILENAME = "news_lm.npz"
TOP_K = 10  # "within the model's top 10" (GLTR's middle bucket)
# a token's log-probability and a context's k-th best are quantised apart: a
# tie may come out this far below the k-th best (half a step, plus float16)
_TIE = 0.06


@dataclass(frozen=True, slots=True)
class LmTokens:
    """A document as the language model reads it: words and numbers, no punctuation.

    Why no punctuation: quote style, dashes and layout must not change what
    the model sees, and sentence boundaries (``<s>``) carry the rest.
    """

    is_word: np.ndarray  # bool: a word, else a number ("<num>")
    sentence: np.ndarray  # index into doc.sentences, non-decreasing
    index: np.ndarray  # index into doc.tokens
    doc_tokens: Sequence[Token] = field(repr=False, compare=False)

    @property
    def source(self) -> np.ndarray:
        """Index into doc.lower_words, or -1 for a number (for tools: scoring never reads it)."""
        return np.where(self.is_word, np.cumsum(self.is_word) - 1, -1)

    @property
    def starts(self) -> np.ndarray:
        """Character offsets into the document's text (for tools: scoring never reads them)."""
        tokens = self.doc_tokens
        return np.array([tokens[i][1] for i in self.index.tolist()], dtype=np.int64)

    def strings(self, doc: Document) -> list[str]:
        words = doc.lower_words
        return [words[i] if i >= 0 else "<num>" for i in self.source.tolist()]


def lm_tokens(doc: Document) -> LmTokens:
    """The token stream of ``doc``: the same at build time and at run time.

    Words (a letter first) and numbers (the tokens of ``TOKEN_RE``'s number
    branch, the only ones that open with a decimal digit), in text order.
    Each distinct token is classed once per process (a type-table column).
    """
    tokens = token_rows(doc)
    kind = tokens.values(tokens.table, "lm_kind", _row_lm_kind)
    index = np.flatnonzero(kind)
    return _stream(doc, index, kind[index] == _WORD)


def _stream(doc: Document, index: np.ndarray, is_word: np.ndarray) -> LmTokens:
    """The tokens ``index`` of ``doc`` (``is_word``: a word, else a number) as
    :class:`LmTokens`; a token's sentence is the one whose tokens hold it
    (sentences partition the tokens)."""
    sentences = doc.sentences
    lengths = np.fromiter(map(len, map(_SENTENCE_TOKENS, sentences)), np.int64, len(sentences))
    sentence = np.repeat(np.arange(len(sentences)), lengths)[index]
    return LmTokens(is_word, sentence, index, doc.tokens)


_WORD, _NUMBER = 1, 2
_SENTENCE_TOKENS = attrgetter("tokens")


def _row_lm_kind(types: TypeTable, start: int, stop: int) -> np.ndarray:
    """Per row: a word (a letter first), a number (a decimal digit first: ``\\d``) or neither."""
    texts = types.texts[start:stop]
    kinds = (_WORD if t[:1].isalpha() else _NUMBER if t[:1].isdecimal() else 0 for t in texts)
    return np.fromiter(kinds, dtype=np.int8, count=len(texts))


def with_boundaries(ids: np.ndarray, sentence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``<s> s1 <s> s2 ... <s>`` from token ids and their sentence indices.

    Returns the stream and the stream position of each token.
    """
    n = len(ids)
    if n == 0:
        return np.array([BOUNDARY], dtype=np.int64), np.zeros(0, dtype=np.int64)
    opens = np.ones(n, dtype=bool)
    opens[1:] = sentence[1:] != sentence[:-1]
    positions = np.arange(n) + np.cumsum(opens)
    stream = np.full(n + int(opens.sum()) + 1, BOUNDARY, dtype=np.int64)
    stream[positions] = ids
    return stream, positions


def histories(stream: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two-word history ``(u, v)`` of each position; a sentence start cuts it.

    After ``<s>`` the earlier word is ``<s>`` too, so a sentence's first word
    never depends on the previous sentence.
    """
    v = stream[positions - 1]
    u = np.where(positions >= 2, stream[np.maximum(positions - 2, 0)], BOUNDARY)
    u = np.where(v == BOUNDARY, BOUNDARY, u)
    return u, v


@dataclass(frozen=True, slots=True)
class TokenScores:
    """Per token of :func:`lm_tokens`: log2 probability and GLTR-style rank flags."""

    ids: np.ndarray
    logprob: np.ndarray  # log2 P(token | two-word history), <= 0
    top1: np.ndarray  # bool: the model's likeliest next token
    top10: np.ndarray  # bool: among its 10 likeliest
    tokens: LmTokens

    @property
    def surprisal(self) -> np.ndarray:
        """Bits: -log2 P."""
        return -self.logprob


def _search(keys: np.ndarray, want: np.ndarray) -> np.ndarray:
    """``np.searchsorted(keys, want)``, with the queries sorted first.

    Why: numpy starts each search from the previous answer when queries
    ascend, and neighbouring queries share cache lines; a third faster here.
    """
    order = np.argsort(want)
    pos = np.empty(len(want), dtype=np.int64)
    pos[order] = np.searchsorted(keys, want[order])
    return pos


def _find(keys: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Index of each wanted key in sorted ``keys``, or -1."""
    if len(keys) == 0:
        return np.full(len(want), -1, dtype=np.int64)
    pos = np.minimum(_search(keys, want), len(keys) - 1)
    return np.where(keys[pos] == want, pos, -1)


def _lp(values: np.ndarray, step: float) -> np.ndarray:
    """Log-probabilities as float32, dequantised if stored as uint8."""
    if values.dtype == np.uint8:
        return values.astype(np.float32) * np.float32(-step)
    return values.astype(np.float32)


class NewsLanguageModel:
    """The trigram model: token ids, backoff lookups, k-th best per history."""

    def __init__(self, arrays: Mapping[str, np.ndarray], path: Path | None = None) -> None:
        step = float(arrays["lp_step"][0])
        self.vocab: list[str] = bytes(arrays["vocab"]).decode("utf-8").split("\n")
        self.index: dict[str, int] = dict(zip(self.vocab, range(len(self.vocab)), strict=True))
        self.uni_lp = arrays["uni_lp"].astype(np.float32)
        self.uni_bow = arrays["uni_bow"].astype(np.float32)
        self.hist_top = _lp(arrays["hist_top"], step)
        first = np.repeat(np.arange(len(self.vocab), dtype=np.uint64), arrays["bi_n"])
        self.bi_keys = (first << np.uint64(16)) | arrays["bi_w"].astype(np.uint64)
        self.bi_lp = _lp(arrays["bi_lp"], step)
        ctx_keys = np.cumsum(arrays["ctx_delta"], dtype=np.uint64)
        # one spare row at the end, which a history index of -1 reads (and discards)
        self.ctx_bow = np.append(arrays["ctx_bow"].astype(np.float32), np.float32(0.0))
        self.ctx_top = np.vstack([_lp(arrays["ctx_top"], step).reshape(-1, 2), np.zeros((1, 2))])
        history = np.repeat(ctx_keys, arrays["tri_n"])
        # each trigram's history, as an index into ctx_bow / ctx_top
        self.tri_ctx = np.repeat(np.arange(len(ctx_keys), dtype=np.int32), arrays["tri_n"])
        keys = (history << np.uint64(16)) | arrays["tri_w"].astype(np.uint64)
        # a sentinel above every real key (ids stay below 0xFFFF), so that a
        # search's insertion point is always a valid index
        self.tri_keys = np.append(keys, np.uint64(2**64 - 1))
        self.tri_ctx = np.append(self.tri_ctx, np.int32(0))
        self.tri_lp = np.append(_lp(arrays["tri_lp"], step), np.float32(0.0))
        self.path = path

    @classmethod
    def load(cls, path: Path) -> NewsLanguageModel:
        with np.load(path) as data:
            return cls({name: data[name] for name in data.files}, path)

    def __getstate__(self) -> dict[str, object]:
        """Without the per-process caches (compiled tables cannot be pickled; rebuilt on use)."""
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_cache")}

    def ids(self, tokens: Sequence[str]) -> np.ndarray:
        """Ids of :func:`lm_tokens` tokens; words outside the vocabulary are ``<unk>``."""
        found = map(self.index.get, tokens, repeat(UNK, len(tokens)))  # no Python-level loop
        return np.fromiter(found, dtype=np.int64, count=len(tokens))

    def _row_token_ids(self, types: TypeTable, start: int, stop: int) -> np.ndarray:
        """Per row: the id of a word (lower-cased), ``<num>`` for a number, -1 for neither."""
        get, texts = self.index.get, types.texts[start:stop]
        kinds = _row_lm_kind(types, start, stop)
        coded = (
            get(t.lower(), UNK) if k == _WORD else NUM if k == _NUMBER else -1
            for t, k in zip(texts, kinds.tolist(), strict=True)
        )
        return np.fromiter(coded, dtype=np.int64, count=len(texts))

    def logprob(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """log2 P(w | u v), and the log2 probabilities of the 1st and k-th best next
        tokens after ``u v`` ([n, 2]), for arrays of ids.

        One search in the trigram keys finds both the trigram and its history:
        a history's trigrams are contiguous, so if it has any, the insertion
        point or the key before it belongs to it. Bigrams are searched only
        for the trigrams that missed.
        """
        fast = _accel.lm_logprob(self, u, v, w)
        if fast is not None:
            lp, ctx = fast
            top = np.where((ctx >= 0)[:, None], self.ctx_top[ctx], self.hist_top[v])
            return lp, top
        sixteen = np.uint64(16)
        history = (u.astype(np.uint64) << sixteen) | v.astype(np.uint64)
        want = (history << sixteen) | w.astype(np.uint64)
        keys = self.tri_keys
        last = len(keys) - 1
        pos = _search(keys, want)
        at, before = np.minimum(pos, last), np.maximum(pos - 1, 0)
        found = keys[at] == want
        ctx = np.where(
            (keys[at] >> sixteen) == history,
            self.tri_ctx[at],
            np.where((pos > 0) & ((keys[before] >> sixteen) == history), self.tri_ctx[before], -1),
        )
        lp = np.where(found, self.tri_lp[at], 0.0).astype(np.float32)
        miss = np.flatnonzero(~found)
        if len(miss):
            vm, wm = v[miss], w[miss]
            bi = _find(self.bi_keys, (vm.astype(np.uint64) << sixteen) | wm.astype(np.uint64))
            lp2 = np.where(bi >= 0, self.bi_lp[bi], self.uni_bow[vm] + self.uni_lp[wm])
            cm = ctx[miss]
            lp[miss] = np.minimum(np.where(cm >= 0, self.ctx_bow[cm], 0.0) + lp2, 0.0)
        top = np.where((ctx >= 0)[:, None], self.ctx_top[ctx], self.hist_top[v])
        return lp, top

    def score(self, doc: Document) -> TokenScores:
        """Score every word and number of ``doc`` against its two-word history."""
        coded = token_rows(doc).values(self, "news_lm_token_ids", self._row_token_ids)
        index = np.flatnonzero(coded >= 0)
        ids = coded[index]
        toks = _stream(doc, index, ids != NUM)  # (no word's id is <num>)
        fast = _accel.lm_score(self, ids, toks.sentence, _TIE)
        if fast is not None:
            return TokenScores(ids, *fast, toks)
        stream, positions = with_boundaries(ids, toks.sentence)
        u, v = histories(stream, positions)
        lp, top = self.logprob(u, v, ids)
        known = ids != UNK
        top1 = known & (lp >= top[:, 0] - _TIE)
        top10 = known & (lp >= top[:, 1] - _TIE)
        return TokenScores(ids, lp, top1, top10, toks)

    def fingerprint(self) -> str:
        """The file's hash, computed once (a detector checks it at every load)."""
        if "_fingerprint_cache" not in self.__dict__:
            digest = file_sha256(self.path)[:16] if self.path is not None else ""
            self.__dict__["_fingerprint_cache"] = digest
        return self.__dict__["_fingerprint_cache"]


def news_lm() -> NewsLanguageModel:
    """The shared model, loaded on first use (thread-safe)."""
    return shared(FILENAME, lambda: NewsLanguageModel.load(data_path(FILENAME)))
