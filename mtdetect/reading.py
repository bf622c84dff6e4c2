"""Read user input robustly: any file a user points at becomes text or a clear error.

Command-line users feed whatever they have: UTF-8 with or without a BOM,
UTF-16 exported from Word, Windows-1252 files, CRLF line ends, HTML pages,
empty files, stray binaries, huge dumps, directories, typos in a path. None
of that may crash a batch: every case ends in an :class:`InputText` with
either text (plus notes about what was done to it) or an error string.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mtdetect.html_text import html_to_text, looks_like_html

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_GLOBS = ("*.txt", "*.html", "*.htm", "*.md")
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
HTML_NOTE = (
    "HTML page: scored the article's main text, not the markup; evidence offsets refer to that text"
)

# How much of the start of a file the binary sniffing looks at.
_SNIFF_BYTES = 8192
# Control bytes that plain text does contain.
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.I)

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class InputText:
    """One input: its text (None on error), notes on how it was read, or an error."""

    path: str
    text: str | None
    notes: tuple[str, ...] = ()
    error: str | None = None
    #: the input is an HTML page: ``text`` is its article text, or its markup when read
    #: with ``keep_html`` (for the detector's ``content_type="html"``)
    html: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


def read_input(
    path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, *, keep_html: bool = False
) -> InputText:
    """Read one file as text; never raises for anything a user can cause.

    An HTML page becomes its article text, or stays markup with ``keep_html``
    (``html`` is set either way).
    """
    name = str(path)
    target = Path(path)
    try:
        if target.is_dir():
            return _directory_error(name, target)
        with open(target, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return InputText(name, None, (), "no such file")
    except PermissionError:
        return InputText(name, None, (), "permission denied")
    except IsADirectoryError:
        return InputText(name, None, (), "is a directory")
    except OSError as exc:
        return InputText(name, None, (), f"cannot read file: {exc.strerror or exc}")
    html_hint = target.suffix.lower() in HTML_SUFFIXES
    return decode_input(name, data, max_bytes=max_bytes, html=html_hint, keep_html=keep_html)


def read_stdin(
    stream: IO[Any], max_bytes: int = DEFAULT_MAX_BYTES, *, keep_html: bool = False
) -> InputText:
    """Read standard input (path ``"-"``), bytes when the stream offers them."""
    source = getattr(stream, "buffer", stream)
    try:
        data = source.read(max_bytes + 1)
    except (OSError, ValueError) as exc:
        return InputText("-", None, (), f"cannot read standard input: {exc}")
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    return decode_input("-", data, max_bytes=max_bytes, keep_html=keep_html)


def decode_input(
    name: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    html: bool = False,
    keep_html: bool = False,
) -> InputText:
    """Turn raw bytes into normalised text: encoding, binary check, HTML, line ends."""
    notes: list[str] = []
    truncated = len(data) > max_bytes
    if truncated:
        data = data[:max_bytes]
        notes.append(f"larger than {max_bytes:,} bytes: only the first {max_bytes:,} were read")
    if not data:
        return InputText(name, "", ("file is empty",), None)
    decoded = _decode(data, notes, final=not truncated, html=html)
    if decoded is None:
        return InputText(name, None, tuple(notes), "binary file, not text")
    text = decoded.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    del decoded  # a large input is held once, not twice
    is_html = html or looks_like_html(text)
    if is_html:
        notes.append(HTML_NOTE)
        if keep_html:
            return InputText(name, text, tuple(notes), None, True)
        text = html_to_text(text)
    if not text.strip():
        notes.append("no text found" if is_html and data.strip() else "file is empty")
    return InputText(name, text, tuple(notes), None, is_html)


def _decode(data: bytes, notes: list[str], *, final: bool, html: bool) -> str | None:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if codec != "utf-8":
                notes.append(f"decoded as {label} (byte-order mark)")
            return _incremental(body, codec, "replace", final)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        notes.append(f"decoded as {utf16.upper()} (no byte-order mark)")
        return _incremental(data, utf16, "replace", final)
    if _is_binary(data):
        return None
    try:
        return _incremental(data, "utf-8", "strict", final)
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data) if html or b"<" in data[:1024] else None
    if declared is not None and declared != "utf-8":
        notes.append(f"not valid UTF-8: decoded as {declared}, as the page declares")
        return _incremental(data, declared, "replace", final)
    replaced = _incremental(data, "utf-8", "replace", final)
    bad = replaced.count("\ufffd")
    multibyte = sum(1 for char in replaced if ord(char) > 0x7F and char != "\ufffd")
    if multibyte == 0:
        # no valid UTF-8 sequence at all: a legacy single-byte file
        notes.append("not valid UTF-8: decoded as Windows-1252 (Latin-1)")
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined
            return data.decode("latin-1")
    notes.append(f"not valid UTF-8: {bad} invalid byte sequence(s) replaced with \ufffd")
    return replaced


def _incremental(data: bytes, codec: str, errors: str, final: bool) -> str:
    """Decode; a file cut at the size cap may end mid-character, so drop that tail."""
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    return decoder.decode(data, final=final)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Spot BOM-less UTF-16 of mostly-ASCII text: every other byte is zero."""
    sample = data[:_SNIFF_BYTES]
    if len(sample) < 8 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, chars, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        printable = sum(1 for byte in chars if 0x20 <= byte < 0x7F or byte in _TEXT_CONTROLS)
        if zeros.count(0) > 0.9 * len(zeros) and printable > 0.9 * len(chars):
            return codec
    return None


def _is_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > 0.05 * len(sample)


def _directory_error(name: str, target: Path) -> InputText:
    try:
        os.listdir(target)
    except PermissionError:
        return InputText(name, None, (), "cannot read directory: permission denied")
    except OSError as exc:
        return InputText(name, None, (), f"cannot read directory: {exc.strerror or exc}")
    return InputText(name, None, (), "is a directory")


def iter_paths(paths: Sequence[str], glob: Sequence[str] = DEFAULT_GLOBS) -> Iterator[str]:
    """Expand the user's paths: files as given, directories searched recursively.

    Files named explicitly are always yielded, whatever their name. Inside
    directories, files matching any of ``glob`` (case-insensitive) are
    yielded in sorted order, hidden files and directories skipped. A
    directory that cannot be listed is yielded itself, so that
    :func:`read_input` reports the error for it instead of the walk raising.
    """
    patterns = [pattern.lower() for pattern in glob]
    for path in paths:
        if path != "-" and os.path.isdir(path):
            yield from _walk(path, patterns)
        else:
            yield path


def _walk(directory: str, patterns: list[str]) -> Iterator[str]:
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        yield directory  # read_input turns it into "cannot read directory"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            # never follow a link to a directory: it could loop back up
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(entry.path, patterns)
        elif any(fnmatch.fnmatchcase(entry.name.lower(), pattern) for pattern in patterns):
            yield entry.path
