"""The library facade: a few lines of Python from files to a traceable PPTX.

::

    from presentai import PresentAI
    app = PresentAI.local("./workspace")
    deck = app.generate(["report.pdf", "notes.md"], slides=10, audience="board")
    deck.save("deck.pptx")
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from attrs import define, frozen

from presentai.config import Settings
from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandStyle
from presentai.domain.errors import (
    FileTooLarge,
    NoUsableSources,
    SourceError,
    ValidationFailed,
    VectorIndexUnavailable,
)
from presentai.domain.events import ProgressEvent, SourceIngested
from presentai.domain.exports import ExportFormat
from presentai.domain.presentation import DEFAULT_THEME, GenerationParameters, Presentation, check_theme
from presentai.domain.slides import Slide
from presentai.domain.sources import IngestionStatus, SourceDocument, megabytes

if TYPE_CHECKING:
    from presentai.containers import EmbeddedContainer

PathLike = str | os.PathLike[str]


@frozen
class SourceFailure:
    """A source that could not be used, and why."""

    filename: str
    code: str
    message: str


@define
class GeneratedDeck:
    """A generated presentation, its sources, and the rendered PPTX bytes."""

    presentation: Presentation
    sources: list[SourceDocument]
    pptx: bytes

    @property
    def slides(self) -> list[Slide]:
        """The content slides, in order."""
        return self.presentation.slides

    @property
    def failures(self) -> list[SourceFailure]:
        """Sources that failed ingestion (the deck was made from the others)."""
        return [
            SourceFailure(s.filename, s.error_code, s.error_message)
            for s in self.sources
            if s.status is IngestionStatus.FAILED
        ]

    @property
    def warnings(self) -> list[str]:
        """Things the user should know about this deck."""
        return list(self.presentation.warnings)

    def save(self, path: PathLike) -> Path:
        """Write the PPTX to ``path`` atomically: a reader never sees a half-written file."""
        return write_atomically(path, self.pptx)


def write_atomically(path: PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    try:
        with temporary.open("xb") as handle:  # created with the user's umask, like any file they save
            handle.write(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


class AsyncPresentAI:
    """The asynchronous facade; use inside an event loop."""

    def __init__(self, settings: Settings) -> None:
        # The wiring is imported here, not at module level: `from presentai import PresentAI` stays light.
        from presentai.containers import EmbeddedContainer

        self.settings = settings
        self.container: EmbeddedContainer = EmbeddedContainer(settings=settings)
        self._ready = False

    async def generate(
        self,
        files: Sequence[PathLike],
        *,
        slides: int = 10,
        topic: str = "",
        tone: str = "neutral",
        audience: str = "general",
        language: str | None = None,
        title: str = "",
        theme: str = DEFAULT_THEME,
        template: PathLike | None = None,
        brand: BrandStyle | PathLike | None = None,
        on_progress: Callable[[ProgressEvent], None] | None = None,
    ) -> GeneratedDeck:
        """Ingest ``files``, plan and write ``slides`` content slides, and render the PPTX.

        ``theme`` is the built-in look (``light``, ``dark`` or ``corporate``), kept with the presentation
        for every later render. ``brand`` (a ``brand_kit(...)``, or the path of a kit file: see
        ``read_brand_kit``) recolours that theme with its colours, fonts and logo; ``template`` is a .pptx
        whose masters, layouts and theme the deck uses instead of either.
        Sources that cannot be read are reported in ``GeneratedDeck.failures``;
        ``NoUsableSources`` is raised only when none of them can be used.
        """
        parameters = GenerationParameters(slides, topic, tone, audience, language)
        parameters.validate(self.settings.max_slides)
        check_theme(theme)
        template_bytes = await asyncio.to_thread(read_template, template) if template is not None else None
        style = await asyncio.to_thread(_brand, brand)
        c = self.container
        await self.open()
        presentation = Presentation.create(
            self.settings.organization_id, title, parameters, self.settings.max_slides, theme=theme
        )
        job = presentation.id  # every event of this generation carries it; other runs' events are not ours
        unsubscribe = (
            c.progress().subscribe(lambda event: on_progress(event) if event.job_id == job else None)
            if on_progress
            else None
        )
        try:
            await c.presentations().add(presentation)
            sources = await self._ingest_all(presentation, files)
            usable = [s for s in sources if s.status is IngestionStatus.INDEXED]
            presentation = await c.presentations().get(presentation.organization_id, presentation.id)
            for source in sources:
                if source.status is IngestionStatus.FAILED:
                    presentation.warn(source.error_message)
            await c.presentations().save(presentation)
            if not usable:
                raise NoUsableSources(
                    "none of the sources could be used: " + "; ".join(s.error_message for s in sources),
                    tuple(SourceError(s.error_message, s.filename) for s in sources),
                )
            org = presentation.organization_id
            await c.generate_outline()(org, presentation.id)
            presentation = await c.generate_slides()(org, presentation.id)
            pptx = await c.render_deck()(org, presentation.id, template_bytes, style)
            return GeneratedDeck(presentation, sources, pptx)
        finally:
            if unsubscribe:
                unsubscribe()

    async def open(self) -> None:
        """Prepare the workspace once: migrate its database, then open its vector index.

        A workspace held by another process fails fast; an unreachable vector
        server only degrades search. Vectors of documents the database does not
        know (left by an in-memory run, or a run that crashed) are dropped.
        """
        if self._ready:
            return
        # Migrating waits on the disk while building the tokenizer keeps a core busy: do both at once.
        await asyncio.gather(self._migrate(), asyncio.to_thread(self.container.tokenizer))
        if not self.settings.indexes_vectors:  # keyword search only: the vector index is never opened
            self._ready = True
            return
        index = self.container.vector_index()
        try:
            await index.open()
            known = await self.container.sources().ids(self.settings.organization_id)
            await index.retain_documents(self.settings.organization_id, known)
        except VectorIndexUnavailable:
            pass
        self._ready = True

    async def _migrate(self) -> None:
        if self.settings.database_kind != "memory":
            from presentai.adapters.sql.migrate import upgrade

            await asyncio.to_thread(upgrade, self.settings.database)

    async def _ingest_all(self, presentation: Presentation, files: Sequence[PathLike]) -> list[SourceDocument]:
        """Ingest each file, or reuse the workspace's earlier ingestion of the very same bytes."""
        c = self.container
        semaphore = asyncio.Semaphore(self.settings.ingest_concurrency)
        model = c.embedder().name if self.settings.indexes_vectors else ""
        pending: list[tuple[SourceDocument, bytes | SourceError | None]] = []
        for file in files:
            path = Path(file)
            data: bytes | SourceError | None = await asyncio.to_thread(_read, path, self.settings.max_upload_bytes)
            source = SourceDocument.from_upload(
                presentation.organization_id, path.name, data if isinstance(data, bytes) else b"", presentation.id
            )
            earlier = await c.sources().find_indexed(source.organization_id, source.content_hash, model)
            if isinstance(data, bytes) and earlier is not None:
                source, data = earlier, None
            else:
                await c.sources().add(source)
            presentation.add_source(source.id, self.settings.max_sources)
            pending.append((source, data))
        await c.presentations().save(presentation)

        async def one(source: SourceDocument, data: bytes | SourceError | None) -> SourceDocument:
            if isinstance(data, SourceError):
                source.mark_failed(data.code, f"{source.filename}: {data.message}")
                await c.sources().save(source)
            if data is None or isinstance(data, SourceError):  # reused as indexed, or unreadable
                await c.progress().publish(SourceIngested.of(source, presentation.id))
                return source
            async with semaphore:
                ingested: SourceDocument = await c.ingest_source()(source, data, job_id=presentation.id)
                return ingested

        return list(await asyncio.gather(*(one(s, d) for s, d in pending)))

    async def regenerate_slide(self, presentation_id: str, slide_id: str) -> Slide:
        """Write a new version of one slide; earlier versions are kept."""
        slide: Slide = await self.container.regenerate_slide()(self.settings.organization_id, presentation_id, slide_id)
        return slide

    async def render(
        self,
        presentation_id: str,
        template: PathLike | None = None,
        *,
        format: str = "pptx",
        brand: BrandStyle | PathLike | None = None,
        theme: str | None = None,
    ) -> bytes:
        """The presentation's current state as PPTX bytes, in its theme (or ``theme``), optionally in a
        corporate ``template`` or a ``brand`` kit (as for ``generate``); or, with
        ``format``, as a PDF (``pdf``) or a ZIP of one PNG per slide (``png``), which need LibreOffice and
        Poppler installed."""
        target = ExportFormat.parse(format)
        if target is ExportFormat.GOOGLE_SLIDES:
            raise ValidationFailed("the library renders pptx, pdf or png", {"format": "unavailable"})
        template_bytes = read_template(template) if template is not None else None
        pptx: bytes = await self.container.render_deck()(
            self.settings.organization_id, presentation_id, template_bytes, _brand(brand), theme=theme
        )
        if target is ExportFormat.PPTX:
            return pptx
        converted: bytes = await asyncio.to_thread(self.container.converter().convert, pptx, target.value)
        return converted

    async def aclose(self) -> None:
        """Release the workspace (the local vector index allows one process at a time)."""
        await self.container.vector_index().close()
        database = self.container.database()
        if database is not None:
            await database.close()


def read_template(path: PathLike) -> bytes:
    """A template's bytes; ``ValidationFailed`` unless it is a readable PowerPoint file."""
    template = Path(path)
    try:
        data = template.read_bytes()
    except OSError as error:
        raise ValidationFailed(f"template {template.name}: cannot be read", {"template": "unreadable"}) from error
    if not data.startswith(b"PK\x03\x04") or b"ppt/presentation.xml" not in data:
        raise ValidationFailed(f"template {template.name}: not a .pptx file", {"template": "not a .pptx file"})
    return data


def brand_kit(
    colors: Mapping[str, str] | None = None,
    fonts: Mapping[str, str] | None = None,
    logo: PathLike | None = None,
) -> BrandStyle:
    """A brand kit for ``generate`` and ``render``: ``colors`` by ``primary``, ``accent``, ``background``
    and ``text`` (hex), ``fonts`` by ``heading`` and ``body``, a PNG or JPEG ``logo``; what is not given
    is the light theme's. ``ValidationFailed`` for a bad colour, font or unreadable text contrast."""
    from presentai.adapters.pptx.brand_assets import PptxBrandAssetChecker

    colors, fonts = dict(colors or {}), dict(fonts or {})
    unknown = set(colors) - {"primary", "accent", "background", "text"} | set(fonts) - {"heading", "body"}
    if unknown:
        raise ValidationFailed(f"unknown brand kit fields: {', '.join(sorted(unknown))}", {"brand": "unknown fields"})
    colours = BrandColours.parse(colors.get("primary"), colors.get("accent"), colors.get("background"),
                                 colors.get("text"))  # fmt: skip
    families = BrandFonts.parse(fonts.get("heading"), fonts.get("body"))
    if logo is None:
        return BrandStyle(colours, families)
    try:
        data = Path(logo).read_bytes()
    except OSError as error:
        raise ValidationFailed(f"logo {Path(logo).name}: cannot be read", {"logo": "unreadable"}) from error
    return BrandStyle(colours, families, data, PptxBrandAssetChecker().check_logo(data))


def read_brand_kit(path: PathLike) -> BrandStyle:
    """A brand kit from a JSON file ``{"colors": {...}, "fonts": {...}, "logo": "logo.png"}`` (the logo's
    path relative to the file)."""
    kit_file = Path(path)
    try:
        data = json.loads(kit_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationFailed(
            f"brand kit {kit_file.name}: not a readable JSON file", {"brand": "unreadable"}
        ) from error
    if not isinstance(data, dict) or set(data) - {"name", "colors", "fonts", "logo"}:
        raise ValidationFailed(
            f"brand kit {kit_file.name}: an object of colors, fonts and logo", {"brand": "unknown fields"}
        )
    logo = data.get("logo")
    return brand_kit(data.get("colors"), data.get("fonts"), kit_file.parent / logo if logo else None)


def _brand(brand: BrandStyle | PathLike | None) -> BrandStyle | None:
    return read_brand_kit(brand) if brand is not None and not isinstance(brand, BrandStyle) else brand


def _read(path: Path, limit: int) -> bytes | SourceError:
    """The file's bytes, or the error that makes it unusable (checked before reading it all)."""
    try:
        size = path.stat().st_size
        if size > limit:
            return FileTooLarge(f"{megabytes(size)} is over the {megabytes(limit)} limit", path.name, limit)
        if not path.is_file():
            return SourceError("not a regular file", path.name)
        return path.read_bytes()
    except FileNotFoundError:
        return SourceError("no such file", path.name)
    except OSError as error:
        return SourceError(f"cannot be read ({error.strerror})", path.name)


class PresentAI:
    """The synchronous facade: every call runs on one private event loop."""

    def __init__(self, settings: Settings) -> None:
        self._runner = asyncio.Runner()
        self._async = AsyncPresentAI(settings)

    @classmethod
    def local(cls, workspace: PathLike = "workspace", **settings: object) -> PresentAI:
        """Embedded defaults, state kept under ``workspace``; ``settings`` override ``PRESENTAI_*``."""
        return cls(Settings.from_env(None, workspace=Path(workspace), **settings))

    @property
    def aio(self) -> AsyncPresentAI:
        """The asynchronous facade sharing this one's state (use it from inside an event loop)."""
        return self._async

    def generate(self, files: Sequence[PathLike], **options: object) -> GeneratedDeck:
        """See ``AsyncPresentAI.generate``."""
        return self._runner.run(self._async.generate(files, **options))  # type: ignore[arg-type]

    def regenerate_slide(self, presentation_id: str, slide_id: str) -> Slide:
        """See ``AsyncPresentAI.regenerate_slide``."""
        return self._runner.run(self._async.regenerate_slide(presentation_id, slide_id))

    def render(
        self,
        presentation_id: str,
        template: PathLike | None = None,
        *,
        format: str = "pptx",
        brand: BrandStyle | PathLike | None = None,
        theme: str | None = None,
    ) -> bytes:
        """See ``AsyncPresentAI.render``."""
        return self._runner.run(self._async.render(presentation_id, template, format=format, brand=brand, theme=theme))

    def close(self) -> None:
        """Release the workspace and the event loop."""
        self._runner.run(self._async.aclose())
        self._runner.close()

    def __enter__(self) -> PresentAI:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
