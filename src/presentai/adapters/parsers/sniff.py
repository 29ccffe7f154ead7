"""Telling a file's type from its content, not its name."""

from __future__ import annotations

import enum
import io
import zipfile

import charset_normalizer

from presentai.domain.errors import CorruptDocument, EncryptedDocument, FileTooLarge, UnsupportedFileType
from presentai.domain.sources import megabytes


class Kind(enum.StrEnum):
    """The formats PresentAI reads, by MIME type."""

    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    HTML = "text/html"
    MARKDOWN = "text/markdown"
    TEXT = "text/plain"


_BINARY_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "a legacy Office file (.doc/.ppt/.xls); save it as .docx or .pptx",  # unless encrypted
    b"\x89PNG": "a PNG image; PresentAI reads text documents and does not run OCR",
    b"\xff\xd8\xff": "a JPEG image; PresentAI reads text documents and does not run OCR",
    b"GIF8": "a GIF image",
    b"Rar!": "a RAR archive",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"{\\rtf": "an RTF document; save it as .docx",
}


def sniff(data: bytes, filename: str, *, max_unzipped: int) -> Kind:
    """The kind of ``data``. Raises ``UnsupportedFileType``, ``CorruptDocument`` or ``FileTooLarge``."""
    if _is_pdf(data):
        return Kind.PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data, filename, max_unzipped)
    if data.startswith(_OLE) and _OLE_ENCRYPTED in data[: 65536 * 8]:
        raise EncryptedDocument("the Office file is password-protected; remove the password and try again", filename)
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UnsupportedFileType(f"this is {what}", filename)
    text = decode_text(data, filename)
    return sniff_text(text)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream a password-protected .docx/.pptx keeps


def _is_pdf(data: bytes) -> bool:
    """A PDF header at the start, or within the first 1 KiB after binary junk (never after text)."""
    position = data[:1024].find(b"%PDF-")
    if position < 0:
        return False
    prefix = data[:position]
    if not prefix.strip(b" \t\r\n\xef\xbb\xbf"):
        return True
    try:
        prefix.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return b"\x00" in prefix


def _sniff_zip(data: bytes, filename: str, max_unzipped: int) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as error:
        raise CorruptDocument(f"the file is a damaged zip container ({error})", filename) from error
    names = {info.filename for info in infos}
    unzipped = sum(info.file_size for info in infos)
    if unzipped > max_unzipped:
        raise FileTooLarge(
            f"it would unpack to {megabytes(unzipped)}, over the {megabytes(max_unzipped)} limit "
            "(a zip bomb, or a document padded with huge media)",
            filename,
            max_unzipped,
        )
    if "word/document.xml" in names:
        return Kind.DOCX
    if "ppt/presentation.xml" in names:
        return Kind.PPTX
    if "xl/workbook.xml" in names:
        raise UnsupportedFileType("this is a spreadsheet (.xlsx); spreadsheets are not supported yet", filename)
    raise UnsupportedFileType("this is a zip archive, not a Word or PowerPoint document", filename)


def decode_text(data: bytes, filename: str) -> str:
    """Decode text of any common encoding. Raises ``UnsupportedFileType`` for binary data."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFileType("this is a binary file of a format PresentAI does not read", filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data[:200_000]).best()
        if best is None:
            raise UnsupportedFileType("this is a binary file of a format PresentAI does not read", filename) from None
        text = str(data, best.encoding, errors="replace")
    sample = text[:8192]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > len(sample) // 10:
        raise UnsupportedFileType("this is a binary file of a format PresentAI does not read", filename)
    return text


def sniff_text(text: str) -> Kind:
    """HTML, Markdown or plain text, by what the text looks like."""
    start = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if start.startswith(("<!doctype html", "<html", "<head")) or (start.startswith("<") and "<body" in start):
        return Kind.HTML
    lines = text[:20000].splitlines()
    marks = sum(
        1
        for line in lines
        if line.startswith(("# ", "## ", "### ", "#### ", "```", "> ", "|")) or line.rstrip().startswith("](")
    )
    if marks >= 1 and any(line.startswith("#") for line in lines):
        return Kind.MARKDOWN
    return Kind.TEXT
