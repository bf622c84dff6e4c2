"""Reading inputs: every kind of file becomes text plus notes, or an error string."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from mtdetect.html_text import html_to_text, looks_like_html
from mtdetect.reading import InputText, decode_input, iter_paths, read_input, read_stdin

PARAGRAPH = "The ferry resumed service on Monday after a week of storms.\n"
WITH_ACCENT = "The café on the pier reopened on Friday.\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_plain_utf8(tmp_path: Path) -> None:
    result = read_input(write(tmp_path, "a.txt", WITH_ACCENT.encode("utf-8")))
    assert result == InputText(str(tmp_path / "a.txt"), WITH_ACCENT, (), None)
    assert result.ok


def test_utf8_with_bom_loses_the_bom(tmp_path: Path) -> None:
    result = read_input(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + WITH_ACCENT.encode()))
    assert result.text == WITH_ACCENT
    assert result.error is None


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path: Path, codec: str) -> None:
    data = WITH_ACCENT.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    result = read_input(write(tmp_path, "a.txt", data))
    assert result.text == WITH_ACCENT
    assert any("byte-order mark" in note for note in result.notes)


def test_utf16_without_bom_is_recognised_not_called_binary(tmp_path: Path) -> None:
    result = read_input(write(tmp_path, "a.txt", PARAGRAPH.encode("utf-16-le")))
    assert result.error is None
    assert result.text == PARAGRAPH


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_ends_are_normalised(tmp_path: Path, newline: str) -> None:
    data = f"First line.{newline}Second line.{newline}".encode()
    result = read_input(write(tmp_path, "a.txt", data))
    assert result.text == "First line.\nSecond line.\n"


def test_legacy_single_byte_file_is_decoded_as_windows_1252(tmp_path: Path) -> None:
    data = "The caf\u00e9 sold \u201cfresh\u201d bread.".encode("cp1252")
    result = read_input(write(tmp_path, "a.txt", data))
    assert result.text == "The caf\u00e9 sold \u201cfresh\u201d bread."
    assert any("Windows-1252" in note for note in result.notes)


def test_invalid_bytes_in_utf8_are_replaced_with_a_note(tmp_path: Path) -> None:
    data = "Caf\u00e9 owners met on Friday. ".encode() + b"\xff\xfe broken" + b" end."
    result = read_input(write(tmp_path, "a.txt", data))
    assert result.error is None
    assert result.text is not None and "\ufffd" in result.text
    assert result.text.startswith("Caf\u00e9 owners")
    assert any("invalid byte" in note for note in result.notes)


def test_empty_file(tmp_path: Path) -> None:
    result = read_input(write(tmp_path, "a.txt", b""))
    assert result.text == ""
    assert result.error is None
    assert result.notes == ("file is empty",)


def test_whitespace_only_file(tmp_path: Path) -> None:
    result = read_input(write(tmp_path, "a.txt", b"  \n\n\t "))
    assert result.error is None
    assert result.notes


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"PK\x03\x04" + b"\x00" * 40,
        bytes(range(1, 32)) * 20,  # control characters, no NUL
    ],
)
def test_binary_file_is_an_error(tmp_path: Path, data: bytes) -> None:
    result = read_input(write(tmp_path, "a.bin", data))
    assert result.text is None
    assert result.error == "binary file, not text"


def test_file_over_the_cap_is_truncated_with_a_note(tmp_path: Path) -> None:
    data = ("\u00e9" * 100).encode()  # 200 bytes, cut at 51 splits a character
    result = read_input(write(tmp_path, "a.txt", data), max_bytes=51)
    assert result.text == "\u00e9" * 25
    assert any("only the first 51" in note for note in result.notes)


def test_missing_path(tmp_path: Path) -> None:
    result = read_input(tmp_path / "nope.txt")
    assert result.text is None
    assert result.error == "no such file"


def test_directory_is_an_error(tmp_path: Path) -> None:
    assert read_input(tmp_path).error == "is a directory"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root, so simulate the OS refusing
    path = write(tmp_path, "a.txt", b"text")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    result = read_input(path)
    assert result.error == "permission denied"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read 000")
def test_permission_denied_for_real(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"text")
    path.chmod(0)
    try:
        assert read_input(path).error == "permission denied"
    finally:
        path.chmod(0o644)


def test_html_by_extension(tmp_path: Path) -> None:
    page = b"<p>The <b>harbour</b> reopened.</p><p>Boats returned.</p>"
    result = read_input(write(tmp_path, "page.htm", page))
    assert result.text == "The harbour reopened.\n\nBoats returned."
    assert any("HTML" in note for note in result.notes)


def test_html_by_sniffing_a_txt_file(tmp_path: Path) -> None:
    page = b"\n  <!DOCTYPE html><html><body><p>Rain is expected tonight.</p></body></html>"
    result = read_input(write(tmp_path, "page.txt", page))
    assert result.text == "Rain is expected tonight."


def test_html_declared_charset_is_used_when_not_utf8(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9</p></body></html>'
    result = read_input(write(tmp_path, "page.html", page.encode("cp1252")))
    assert result.text == "Caf\u00e9"
    assert any("declares" in note for note in result.notes)


def test_prose_mentioning_html_is_not_sniffed(tmp_path: Path) -> None:
    text = b"Engineers said the <html> tag was missing from the old site."
    result = read_input(write(tmp_path, "a.txt", text))
    assert result.text == text.decode()
    assert result.notes == ()


def test_read_stdin_bytes_and_text() -> None:
    binary = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfLine one.\r\nLine two.\r\n"))
    result = read_stdin(binary)
    assert result.path == "-"
    assert result.text == "Line one.\nLine two.\n"
    assert read_stdin(io.StringIO("Plain text.")).text == "Plain text."


def test_decode_input_empty() -> None:
    assert decode_input("x", b"").notes == ("file is empty",)


# -- HTML to text -------------------------------------------------------------------


def test_html_to_text_keeps_article_drops_furniture() -> None:
    page = """<!DOCTYPE html><html><head><title>Site</title><style>p {color: red}</style>
    <script>var ad = "<p>not text</p>";</script></head><body>
    <nav><a href="/">Home</a> | <a href="/news">News</a></nav>
    <article><h1>Bridge &amp; road works</h1>
    <p>The bridge   closed
    on Monday.<br>It will reopen in May.</p>
    <p>Drivers were <em>advised</em> to use the ring road.</p>
    <div hidden>tracking pixel text</div><span style="display: none">hidden</span>
    <aside>Related: other stories</aside></article>
    <footer>&copy; 2023 Example Times</footer></body></html>"""
    assert html_to_text(page) == (
        "Bridge & road works\n\n"
        "The bridge closed on Monday.\nIt will reopen in May.\n\n"
        "Drivers were advised to use the ring road."
    )


def test_html_without_closing_head_keeps_the_body() -> None:
    page = "<html><head><title>T</title><body><p>Storm warning issued.</p>"
    assert html_to_text(page) == "Storm warning issued."


def test_unclosed_nav_falls_back_to_all_visible_text() -> None:
    assert html_to_text("<nav><p>Everything is inside a nav") == "Everything is inside a nav"


def test_pre_keeps_its_line_breaks() -> None:
    assert html_to_text("<pre>line one\nline two</pre>") == "line one\nline two"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!doctype html><html>", True),
        ("\ufeff  <HTML lang='en'>", True),
        ('<?xml version="1.0"?>\n<html xmlns="x">', True),
        ("A story about <html> tags.", False),
        ("", False),
    ],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected


# -- paths --------------------------------------------------------------------------


def make_tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "b").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for name in ["c.txt", "a.TXT", "note.md", "page.html", "data.csv", "b/z.txt", ".hidden/x.txt"]:
        (root / name).write_text("x")
    return root


def test_iter_paths_recurses_sorted_and_filters(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    got = [os.path.relpath(p, root) for p in iter_paths([str(root)])]
    assert got == ["a.TXT", os.path.join("b", "z.txt"), "c.txt", "note.md", "page.html"]


def test_iter_paths_custom_glob_and_explicit_files(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    explicit = str(root / "data.csv")
    got = list(iter_paths([explicit, str(root), "-", "missing.txt"], glob=["*.csv"]))
    assert got == [explicit, explicit, "-", "missing.txt"]


def test_iter_paths_is_deterministic(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    assert list(iter_paths([str(root)])) == list(iter_paths([str(root)]))


def test_unreadable_directory_yields_an_error_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_tree(tmp_path)
    blocked = str(root / "b")
    real_scandir, real_listdir = os.scandir, os.listdir

    def scandir(path: str) -> object:
        if os.fspath(path) == blocked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def listdir(path: object) -> list[str]:
        if os.fspath(path) == blocked:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    got = list(iter_paths([str(root)]))
    assert blocked in got
    assert read_input(blocked).error == "cannot read directory: permission denied"
