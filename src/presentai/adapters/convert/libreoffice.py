"""LibreOfficeConverter: PPTX → PDF with LibreOffice (headless), PDF → PNG slides with Poppler's pdftoppm."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from presentai.adapters.children import ChildProcesses
from presentai.domain.errors import RenderError

TARGETS = ("pdf", "png")


class LibreOfficeConverter:
    """Runs ``soffice --headless --convert-to pdf`` with a private profile per call (so that calls may run
    side by side), and ``pdftoppm -png`` for images. Both are Debian packages (``libreoffice-impress``,
    ``poppler-utils``); a worker without them fails PDF and PNG exports with a message that says so.

    Each runs as a child of ``children`` in its own process group: killed with all its helpers past
    ``timeout_s``, or at once when the service stops."""

    def __init__(
        self,
        *,
        soffice: str = "soffice",
        pdftoppm: str = "pdftoppm",
        timeout_s: float = 180.0,
        dpi: int = 96,
        children: ChildProcesses | None = None,
    ) -> None:
        self._children = children or ChildProcesses()
        self._soffice = soffice
        self._pdftoppm = pdftoppm
        self._timeout = timeout_s
        self._dpi = dpi

    def convert(self, pptx: bytes, target: str) -> bytes:
        """The deck as a PDF, or as a ZIP of ``slide-01.png`` …"""
        if target not in TARGETS:
            raise RenderError(f"cannot convert a deck to {target!r}; only to {', '.join(TARGETS)}")
        with tempfile.TemporaryDirectory(prefix="presentai-convert-") as scratch:
            folder = Path(scratch)
            pdf = self._pdf(pptx, folder)
            if target == "pdf":
                return pdf.read_bytes()
            return self._pngs(pdf, folder)

    def _run(self, command: list[str], what: str) -> None:
        if shutil.which(command[0]) is None:
            raise RenderError(f"{what} needs {command[0]!r}, which is not installed on this worker")
        done = self._children.run(command, timeout_s=self._timeout)
        if done.stopped:
            raise RenderError(f"{what} was stopped because the service is stopping")
        if done.timed_out:
            raise RenderError(f"{what} took longer than {self._timeout:.0f} s and was stopped")
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).decode(errors="replace").strip()[-300:]
            raise RenderError(f"{what} failed (exit {done.returncode}): {detail}")

    def _pdf(self, pptx: bytes, folder: Path) -> Path:
        source = folder / "deck.pptx"
        source.write_bytes(pptx)
        profile = (folder / "profile").as_uri()
        self._run(
            [
                self._soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                "--convert-to", "pdf", "--outdir", str(folder), str(source),
            ],
            "PDF export",
        )  # fmt: skip
        pdf = folder / "deck.pdf"
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise RenderError("PDF export produced no file (LibreOffice could not read the deck)")
        return pdf

    def _pngs(self, pdf: Path, folder: Path) -> bytes:
        self._run([self._pdftoppm, "-png", "-r", str(self._dpi), str(pdf), str(folder / "slide")], "PNG export")
        images = sorted(folder.glob("slide-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if not images:
            raise RenderError("PNG export produced no images")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:  # PNGs are compressed already
            for number, image in enumerate(images, start=1):
                zipped.write(image, f"slide-{number:02d}.png")
        return archive.getvalue()
