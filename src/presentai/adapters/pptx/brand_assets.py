"""Checking a brand kit's uploads from their content: a PPTX template python-pptx can open (no zip bomb,
no macros) and a logo Pillow can read as PNG or JPEG."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from presentai.domain.errors import CorruptDocument, FileTooLarge, UnsupportedFileType
from presentai.domain.sources import megabytes

_PRESENTATION = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_MACRO_TYPES = (
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.addin.macroEnabled.main+xml",
    "application/vnd.ms-office.vbaProject",
)
_OTHER_OFFICE = {
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": (
        "a PowerPoint template (.potx); open it and save it as a presentation (.pptx)"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": (
        "a PowerPoint show (.ppsx); save it as a presentation (.pptx)"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "a Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "an Excel workbook",
}
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


class PptxBrandAssetChecker:
    """Templates: at most ``template_bytes``, unpacking to at most ``unzipped_bytes`` with no part
    compressed more than ``max_ratio`` times (a zip bomb), no macros, and a presentation python-pptx
    opens with slide layouts. Logos: at most ``logo_bytes`` and ``logo_pixels``, PNG or JPEG."""

    def __init__(
        self,
        *,
        template_bytes: int = 50 * 2**20,
        unzipped_bytes: int = 200 * 2**20,
        max_ratio: int = 100,
        max_entries: int = 10_000,
        logo_bytes: int = 2 * 2**20,
        logo_pixels: int = 25_000_000,
    ) -> None:
        self._template_bytes, self._unzipped, self._ratio = template_bytes, unzipped_bytes, max_ratio
        self._entries, self._logo_bytes, self._logo_pixels = max_entries, logo_bytes, logo_pixels

    def check_template(self, data: bytes) -> None:
        """Raise unless ``data`` is a macro-free PowerPoint presentation that is safe to open."""
        if len(data) > self._template_bytes:
            raise FileTooLarge(f"a template is at most {megabytes(self._template_bytes)}", "template",
                               self._template_bytes)  # fmt: skip
        if not data.startswith(b"PK\x03\x04"):
            raise UnsupportedFileType("the template is not a PowerPoint presentation (.pptx)", "template")
        try:
            package = zipfile.ZipFile(io.BytesIO(data))
            entries = package.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise CorruptDocument(f"the template is a damaged ZIP package: {error}", "template") from error
        self._check_sizes(entries)
        names = {e.filename.lower() for e in entries}
        if any(name.endswith("vbaproject.bin") for name in names):
            raise UnsupportedFileType("the template contains macros (vbaProject.bin); save it as a .pptx without "
                                      "macros", "template")  # fmt: skip
        main = self._main_type(package)
        if main != _PRESENTATION:
            what = _OTHER_OFFICE.get(main, f"of the type {main or 'unknown'}")
            raise UnsupportedFileType(f"the template is {what}, not a PowerPoint presentation (.pptx)", "template")
        self._opens(data)

    def _check_sizes(self, entries: list[zipfile.ZipInfo]) -> None:
        if len(entries) > self._entries:
            raise FileTooLarge(f"the template has more than {self._entries} parts", "template", self._entries)
        total = sum(e.file_size for e in entries)
        if total > self._unzipped:
            raise FileTooLarge(f"the template unpacks to more than {megabytes(self._unzipped)}", "template",
                               self._unzipped)  # fmt: skip
        for entry in entries:
            ratio = entry.file_size // max(entry.compress_size, 1)
            if entry.file_size > 2**20 and ratio > self._ratio:
                raise FileTooLarge(
                    f"the template's part {entry.filename} is compressed {ratio} times (at most {self._ratio}):"
                    " a zip bomb is refused", "template", self._unzipped,
                )  # fmt: skip

    def _main_type(self, package: zipfile.ZipFile) -> str:
        """The content type of the package's main part; ``UnsupportedFileType`` for a macro-enabled one."""
        try:
            root = etree.fromstring(package.read("[Content_Types].xml"), _SAFE_XML)
        except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError) as error:
            raise CorruptDocument("the template has no readable [Content_Types].xml", "template") from error
        types = {t.get("ContentType", "") for t in root.iter(f"{_CT}Override", f"{_CT}Default")}
        if types & set(_MACRO_TYPES):
            raise UnsupportedFileType("the template is macro-enabled (.pptm/.potm); save it as a .pptx without "
                                      "macros", "template")  # fmt: skip
        overrides = {t.get("PartName", ""): t.get("ContentType", "") for t in root.iter(f"{_CT}Override")}
        mains = [t for t in overrides.values() if t.endswith(".main+xml")]
        return mains[0] if mains else ""

    def _opens(self, data: bytes) -> None:
        import pptx

        try:
            prs = pptx.Presentation(io.BytesIO(data))
            layouts = len(prs.slide_layouts)
        except Exception as error:  # python-pptx raises anything from KeyError to lxml errors on a damaged file
            raise CorruptDocument(f"the template cannot be opened as a presentation: {error}", "template") from error
        if not layouts:
            raise CorruptDocument("the template has no slide layouts to draw slides with", "template")

    def check_logo(self, data: bytes) -> str:
        """The logo's media type, once Pillow has read the whole image."""
        from PIL import Image, UnidentifiedImageError

        if len(data) > self._logo_bytes:
            raise FileTooLarge(f"a logo is at most {megabytes(self._logo_bytes)}", "logo", self._logo_bytes)
        if data.lstrip()[:5] in (b"<?xml", b"<svg ") or b"<svg" in data[:1024]:
            raise UnsupportedFileType("SVG logos are not supported; upload a PNG or a JPEG", "logo")
        try:
            with Image.open(io.BytesIO(data)) as image:
                kind = _IMAGE_FORMATS.get(image.format or "")
                if kind is None:
                    raise UnsupportedFileType(f"a logo is PNG or JPEG, not {image.format}", "logo")
                width, height = image.size
                if width * height > self._logo_pixels:
                    raise FileTooLarge(f"a logo has at most {self._logo_pixels} pixels", "logo", self._logo_pixels)
                image.load()  # decodes every pixel: a truncated or damaged file fails here
        except UnidentifiedImageError as error:
            raise UnsupportedFileType("the logo is not an image (upload a PNG or a JPEG)", "logo") from error
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
            raise CorruptDocument(f"the logo image is damaged: {error}", "logo") from error
        return kind
