"""Evidence files of a check-in are what their names say: checked by content, not by name.

A verifier opens these files, so a program or a web page renamed to `laporan.pdf` must not
get through. Each accepted kind has a cheap structural test (no parsing of whole documents):

- PDF: starts with `%PDF-`;
- JPEG, PNG: Pillow's lazy open (headers only) finds that format;
- XLSX, DOCX: a ZIP archive holding the part that makes it a workbook or a document;
- ODS, ODT: a ZIP archive whose `mimetype` member names a spreadsheet or a text;
- CSV: UTF-8 text without NUL bytes.

puremagic names what a refused file really is, for the message.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import PurePath
from typing import IO

import puremagic
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# How much of a CSV is read to check that it is text.
_TEXT_SAMPLE = 64 * 1024


def _starts_with(prefix: bytes) -> Callable[[IO[bytes]], bool]:
    def check(stream: IO[bytes]) -> bool:
        return stream.read(len(prefix)) == prefix

    return check


def _image(image_format: str) -> Callable[[IO[bytes]], bool]:
    def check(stream: IO[bytes]) -> bool:
        try:
            with Image.open(stream) as image:
                return image.format == image_format
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            return False

    return check


def _zip_with(member: str, content: bytes | None = None) -> Callable[[IO[bytes]], bool]:
    """A ZIP archive with `member` (holding exactly `content`, when given)."""

    def check(stream: IO[bytes]) -> bool:
        try:
            with zipfile.ZipFile(stream) as archive:
                if member not in archive.namelist():
                    return False
                # `mimetype` is a few dozen bytes; read one byte more than expected at most.
                with archive.open(member) as part:
                    return content is None or part.read(len(content) + 1) == content
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            return False

    return check


def _utf8_text(stream: IO[bytes]) -> bool:
    sample = stream.read(_TEXT_SAMPLE)
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may end inside a character; anything else is not UTF-8.
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    return True


CHECKS: dict[str, Callable[[IO[bytes]], bool]] = {
    ".pdf": _starts_with(b"%PDF-"),
    ".jpg": _image("JPEG"),
    ".jpeg": _image("JPEG"),
    ".png": _image("PNG"),
    ".xlsx": _zip_with("xl/workbook.xml"),
    ".docx": _zip_with("word/document.xml"),
    ".ods": _zip_with("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
    ".odt": _zip_with("mimetype", b"application/vnd.oasis.opendocument.text"),
    ".csv": _utf8_text,
}
EXTENSIONS = frozenset(CHECKS)


def extension(name: str) -> str:
    return PurePath(name.lower()).suffix


def _looks_like(stream: IO[bytes]) -> str:
    """What puremagic takes the content for (".exe", ".html"), or "" when it cannot tell."""
    stream.seek(0)
    try:
        guesses = puremagic.magic_stream(stream)
    except (puremagic.PureError, ValueError):
        return ""
    finally:
        stream.seek(0)
    return str(guesses[0].extension) if guesses else ""


def problem(name: str, stream: IO[bytes]) -> str | None:
    """Why the file `name` is refused as evidence, or None when its content is what its
    extension says."""
    ext = extension(name)
    check = CHECKS.get(ext)
    if check is None:
        return _("%(name)s: this kind of file is not accepted.") % {"name": name}
    stream.seek(0)
    try:
        matches = check(stream)
    finally:
        stream.seek(0)
    if matches:
        return None
    found = _looks_like(stream)
    if found and found != ext:
        return _(
            "The content of %(name)s is not %(kind)s but %(found)s. Attach the document itself."
        ) % {"name": name, "kind": ext[1:].upper(), "found": found[1:].upper()}
    return _("The content of %(name)s is not %(kind)s. Attach the document itself.") % {
        "name": name,
        "kind": ext[1:].upper(),
    }
