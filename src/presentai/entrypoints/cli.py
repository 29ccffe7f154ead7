"""The ``presentai`` command line."""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from presentai.config import Settings
from presentai.domain.brand_kits import BrandColours, BrandStyle
from presentai.domain.errors import NoUsableSources, PresentAIError, ValidationFailed
from presentai.domain.events import ProgressEvent, SlideCompleted, SourceIngested, StageProgressed
from presentai.domain.presentation import DEFAULT_THEME, THEMES, GenerationParameters

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
_STAGES = ("parse", "embed", "outline", "slides", "render")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "generate":
        return _generate(args)
    if args.command == "db" and args.action == "upgrade":
        return _db_upgrade(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "worker":
        return _worker(args)
    if args.command == "admin":
        return _admin(args)
    if args.command == "housekeeping":
        return _housekeeping(args)
    parser.print_help()
    return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="presentai", description="Turn your documents into a traceable PPTX deck.")
    commands = parser.add_subparsers(dest="command")
    generate = commands.add_parser(
        "generate",
        help="generate a deck from files",
        description="Generate a PPTX deck from PDF, DOCX, PPTX, Markdown, HTML or text files. "
        "Exit codes: 0 all sources used, 1 deck written but some sources failed, 2 bad arguments, "
        "3 no deck written.",
    )
    generate.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="source documents: PDF, DOCX, PPTX, Markdown, HTML or text (the format is read from the content)",
    )
    generate.add_argument(
        "-o", "--output", type=Path, required=True, help="where to write the deck: .pptx, or .pdf (needs LibreOffice)"
    )
    generate.add_argument(
        "--slides",
        type=int,
        default=10,
        metavar="N",
        help="number of content slides, 1 to PRESENTAI_MAX_SLIDES (100 unless set); a title, an agenda and "
        "a Sources slide are added (default 10)",
    )
    generate.add_argument(
        "--topic", default="", help="what the deck should focus on: relevant sections are chosen, and it is the title"
    )
    generate.add_argument(
        "--tone",
        default="neutral",
        help="the deck's tone, e.g. formal or persuasive: a language-model writer follows it, the default "
        "extractive one records it (default neutral)",
    )
    generate.add_argument(
        "--audience", default="general", help="who the deck is for; shown on the title slide (default general)"
    )
    generate.add_argument("--language", choices=("en", "ru"), help="deck language (default: the sources')")
    generate.add_argument("--title", default="", help="deck title (default: from the topic or the sources)")
    generate.add_argument(
        "--theme",
        choices=THEMES,
        default=DEFAULT_THEME,
        help="the built-in look: light (white, blue accents), dark (navy, sky-blue accents) or corporate "
        "(off-white, teal, Arial); a brand kit recolours it, a --template replaces it (default light)",
    )
    generate.add_argument("--template", type=Path, help="a .pptx whose theme, masters and layouts the deck uses")
    generate.add_argument(
        "--brand-kit",
        type=Path,
        help='a brand kit file for a deck without --template: JSON {"colors": {"primary": "#0B3D2E", "accent": …, '
        '"background": …, "text": …}, "fonts": {"heading": …, "body": …}, "logo": "logo.png"}',
    )
    generate.add_argument(
        "--brand-colors",
        help="the kit's colours as PRIMARY,ACCENT,BACKGROUND,TEXT hex (e.g. 0B3D2E,C2410C,FFFFFF,1A1A1A); "
        "over --brand-kit's",
    )
    generate.add_argument("--logo", type=Path, help="a PNG or JPEG logo for every slide (over --brand-kit's)")
    generate.add_argument(
        "--embedder",
        choices=("e5", "static"),
        help="static (default): fast (~50 pages/s), searched with BM25; "
        "e5: multilingual-e5-small, better and cross-lingual retrieval, ~2 pages/s",
    )
    generate.add_argument("--workspace", type=Path, default=None, help="state folder (default ./workspace)")
    generate.add_argument("--quiet", action="store_true", help="no progress bars")
    serve = commands.add_parser("serve", help="run the HTTP API (configured by PRESENTAI_* variables)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on; 0 lets the system pick a free one")
    serve.add_argument("--workspace", type=Path, default=None, help="state folder of the embedded defaults")
    worker = commands.add_parser(
        "worker",
        help="run background jobs from Redis (PRESENTAI_WORKERS=rq); start as many as you like",
        description="Run background jobs from Redis, one at a time per worker process. A generation mostly "
        "waits for the model, so a machine sustains more worker processes than it has cores (measure with "
        "bench/worker_capacity.py). A job whose worker dies with its machine is taken for dead once silent "
        "for --abandoned-after seconds; the next maintenance pass of any live worker retries it 5 s later, "
        "so it runs again within about 90 + 60 + 5 s with the defaults, which suit production. Shorter "
        "intervals recover sooner; but a worker too busy to send its heartbeat in time has its job run twice.",
    )
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.add_argument("--name", help="the worker's name in RQ (default: generated; one process only)")
    worker.add_argument(
        "--processes", type=int, default=1, help="worker processes this command runs and restarts (default 1)"
    )
    worker.add_argument(
        "--heartbeat-interval",
        type=int,
        metavar="SECONDS",
        help="how often a busy worker proves its job is alive (default 30)",
    )
    worker.add_argument(
        "--abandoned-after",
        type=int,
        metavar="SECONDS",
        help="silence after which a job is taken for dead and retried; more than twice the heartbeat "
        "interval (default 90)",
    )
    worker.add_argument(
        "--maintenance-interval",
        type=int,
        metavar="SECONDS",
        help="how often this worker looks for dead jobs and moves traces buffered while MongoDB was down "
        "into it (default 60)",
    )
    worker.add_argument("--workspace", type=Path, default=None, help="state folder of the embedded defaults")
    admin = commands.add_parser("admin", help="make a user a platform administrator (or not)")
    admin.add_argument("action", choices=("grant", "revoke"))
    admin.add_argument("email")
    admin.add_argument("--workspace", type=Path, default=None, help="for the default SQLite database")
    housekeeping = commands.add_parser(
        "housekeeping",
        help="delete expired exports' files and purge presentations deleted long ago (workers do it hourly)",
    )
    housekeeping.add_argument("--workspace", type=Path, default=None, help="state folder of the embedded defaults")
    db = commands.add_parser("db", help="manage the database schema")
    db.add_argument("action", choices=("upgrade",), help="upgrade: apply pending migrations")
    db.add_argument("--database-url", help="postgresql://… or sqlite:///PATH (default: PRESENTAI_DATABASE_URL)")
    db.add_argument("--workspace", type=Path, default=None, help="for the default SQLite database")
    return parser


def _serve(args: argparse.Namespace) -> int:

    from aiohttp import web

    from presentai.entrypoints.http.app import AccessLogger, create_app
    from presentai.entrypoints.http.keys import CONTAINER

    console = Console(stderr=True)
    try:
        settings = Settings.from_env(workspace=args.workspace)
    except PresentAIError as error:
        console.print(f"[red]error:[/] {error}")
        return EXIT_USAGE
    try:  # bound before anything else: with --port 0 the system picks a free port, and links name it
        listening = socket.create_server((args.host, args.port))
    except OSError as error:
        console.print(f"[red]error:[/] cannot listen on {args.host}:{args.port}: {error.strerror}")
        return EXIT_USAGE
    port = listening.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    if "PRESENTAI_PUBLIC_URL" not in os.environ:  # links in emails and downloads point at this very server
        settings = attrs.evolve(settings, public_url=f"http://{host}:{port}")
    _quiet_logging()
    console.print(
        f"PresentAI is serving at http://{host}:{port} (open it in a browser)", highlight=False, soft_wrap=True
    )
    app = create_app(settings)
    # The job runner (its tokenizer, rankers and use cases) is built now rather than by the first job, which
    # would hold the event loop for a moment doing it (0.35 s, measured on a first export).
    app[CONTAINER].run_job()
    web.run_app(app, sock=listening, print=None, access_log_class=AccessLogger)
    return EXIT_OK


def _worker(args: argparse.Namespace) -> int:

    from presentai.entrypoints.worker import Liveness, work

    console = Console(stderr=True)
    try:
        settings = Settings.from_env(workspace=args.workspace)
        intervals = {
            "heartbeat_s": args.heartbeat_interval,
            "abandoned_after_s": args.abandoned_after,
            "maintenance_s": args.maintenance_interval,
        }
        liveness = Liveness(**{k: v for k, v in intervals.items() if v is not None})
    except PresentAIError as error:
        console.print(f"[red]error:[/] {error}")
        return EXIT_USAGE
    if not settings.redis_url:
        console.print("[red]error:[/] a worker takes its jobs from Redis: set PRESENTAI_REDIS_URL")
        return EXIT_USAGE
    if args.processes < 1 or (args.name and args.processes > 1):
        console.print("[red]error:[/] --processes must be at least 1, and --name goes with one process only")
        return EXIT_USAGE
    _quiet_logging()
    work(settings, burst=args.burst, name=args.name, liveness=liveness, processes=args.processes)
    return EXIT_OK


def _quiet_logging() -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("yoyo", "bm25s"):  # a line per migration step, a line per index build
        logging.getLogger(chatty).setLevel(logging.WARNING)


@contextlib.asynccontextmanager
async def _stored_state(workspace: Path | None) -> AsyncIterator[Any]:
    """The service's container on the configured database, migrated first; its database closed after."""
    import asyncio

    from presentai.adapters.sql.migrate import upgrade
    from presentai.containers import service_container

    settings = Settings.from_env(workspace=workspace)
    if settings.database_kind != "memory":
        await asyncio.to_thread(upgrade, settings.database)
    container = service_container(settings, jwt_secret="-" * 32)  # signs nothing here
    try:
        yield container
    finally:
        database = container.database()
        if database is not None:
            await database.close()


def _admin(args: argparse.Namespace) -> int:
    import asyncio

    console = Console(stderr=True)

    async def change() -> str:
        async with _stored_state(args.workspace) as container:
            users = container.users()
            user = await users.by_email(args.email.strip().lower())
            if user is None:
                return f"no account with the email {args.email}"
            user.is_platform_admin = args.action == "grant"
            await users.save(user)
            return ""

    try:
        problem = asyncio.run(change())
    except PresentAIError as error:
        problem = str(error)
    if problem:
        console.print(f"[red]error:[/] {problem}")
        return EXIT_FAILED
    console.print(f"{args.email} {'is' if args.action == 'grant' else 'is no longer'} a platform administrator")
    return EXIT_OK


def _housekeeping(args: argparse.Namespace) -> int:
    import asyncio

    console = Console(stderr=True)

    async def keep_house() -> str:
        async with _stored_state(args.workspace) as container:
            report = await container.housekeeping()(datetime.now(UTC))
        return (
            f"{report.export_files_deleted} expired export files deleted, "
            f"{report.presentations_purged} deleted presentations purged"
        )

    try:
        console.print(asyncio.run(keep_house()))
    except PresentAIError as error:
        console.print(f"[red]error:[/] {error}")
        return EXIT_FAILED
    return EXIT_OK


def _db_upgrade(args: argparse.Namespace) -> int:
    from presentai.adapters.sql.migrate import upgrade

    console = Console(stderr=True)
    try:
        settings = Settings.from_env(workspace=args.workspace, database_url=args.database_url)
        if settings.database_kind == "memory":
            console.print("the in-memory database has no schema to upgrade")
            return EXIT_USAGE
        applied = upgrade(settings.database)
    except PresentAIError as error:
        console.print(f"[red]error:[/] {error}")
        return EXIT_FAILED
    console.print(f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "already up to date")
    return EXIT_OK


class _Bars:
    """One progress bar per stage, fed by the job's progress events."""

    def __init__(self, progress: Progress, files: int, slides: int) -> None:
        self._progress = progress
        totals = {"parse": files, "embed": 0, "outline": 1, "slides": slides, "render": 1}
        self.tasks: dict[str, TaskID] = {s: progress.add_task(s, total=totals[s] or None) for s in _STAGES}
        self._embed: dict[str, tuple[int, int]] = {}
        self._parsed = 0

    def __call__(self, event: ProgressEvent) -> None:
        if isinstance(event, StageProgressed) and event.stage == "embed":
            self._embed[event.detail] = (event.done, event.total)
            done = sum(d for d, _ in self._embed.values())
            total = sum(t for _, t in self._embed.values())
            self._progress.update(self.tasks["embed"], completed=done, total=total)
        elif isinstance(event, StageProgressed) and event.stage == "outline":
            self._progress.update(self.tasks["outline"], completed=event.done)
        elif isinstance(event, SourceIngested):
            self._parsed += 1
            self._progress.update(self.tasks["parse"], completed=self._parsed)
        elif isinstance(event, SlideCompleted):
            self._progress.advance(self.tasks["slides"])


def _generate(args: argparse.Namespace) -> int:
    from presentai import PresentAI
    from presentai.entrypoints.library import read_template, write_atomically

    console = Console(stderr=True)
    try:  # everything that can be refused is refused before any work: exit 2
        settings = _check_arguments(args)
        if args.template is not None:
            read_template(args.template)
        brand = _brand(args)
    except PresentAIError as error:
        console.print(f"[red]error:[/] {error}")
        return EXIT_USAGE
    started = time.perf_counter()
    app = PresentAI(settings)
    columns = (TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, disable=args.quiet, transient=False, refresh_per_second=4) as progress:
            bars = _Bars(progress, len(args.files), args.slides)
            deck = app.generate(
                args.files,
                slides=args.slides,
                topic=args.topic,
                tone=args.tone,
                audience=args.audience,
                language=args.language,
                title=args.title,
                theme=args.theme,
                template=args.template,
                brand=brand,
                on_progress=bars,
            )
            if args.output.suffix.lower() == ".pdf":
                pdf = app.render(deck.presentation.id, args.template, format="pdf", brand=brand)
                path = write_atomically(args.output, pdf)
            else:
                path = deck.save(args.output)
            progress.update(bars.tasks["render"], completed=1)
    except NoUsableSources as error:
        console.print("[red]error:[/] none of the sources could be used:")
        for failure in error.failures:
            console.print(f"  [red]✗[/] {failure}")
        return EXIT_FAILED
    except PresentAIError as error:
        console.print(f"[red]error:[/] {error}")
        return EXIT_FAILED
    except Exception as error:  # noqa: BLE001 - a bug must still end with a clear message and exit 3
        console.print(f"[red]internal error:[/] {type(error).__name__}: {error} (please report it)")
        return EXIT_FAILED
    finally:
        app.close()
    _summary(console, deck, path, time.perf_counter() - started)
    return EXIT_PARTIAL if deck.failures else EXIT_OK


def _brand(args: argparse.Namespace) -> BrandStyle | None:
    """The brand kit of ``--brand-kit``, ``--brand-colors`` and ``--logo`` (none of them: ``None``)."""
    from presentai.entrypoints.library import brand_kit, read_brand_kit

    if args.brand_kit is None and args.brand_colors is None and args.logo is None:
        return None
    if args.template is not None:
        raise ValidationFailed("--template and a brand kit exclude each other", {"brand": "with a template"})
    base = read_brand_kit(args.brand_kit) if args.brand_kit is not None else brand_kit()
    colours = base.colours
    if args.brand_colors is not None:
        values = [v.strip() for v in args.brand_colors.split(",")]
        if len(values) != 4:
            raise ValidationFailed(
                "--brand-colors takes four colours: PRIMARY,ACCENT,BACKGROUND,TEXT", {"brand_colors": "not four"}
            )
        colours = BrandColours.parse(*values)
    logo = brand_kit(logo=args.logo) if args.logo is not None else base
    return BrandStyle(colours, base.fonts, logo.logo, logo.logo_media_type)


def _check_arguments(args: argparse.Namespace) -> Settings:
    """Settings and parameters, checked; raises ``ValidationFailed`` with a message for people."""
    if args.output.suffix.lower() not in (".pptx", ".pdf"):
        raise ValidationFailed(
            f"the output must be a .pptx or .pdf file, got {args.output}", {"output": "not .pptx or .pdf"}
        )
    folder = args.output.parent
    if folder.exists() and not folder.is_dir():
        raise ValidationFailed(f"cannot write {args.output}: {folder} is not a folder", {"output": "bad folder"})
    if folder.exists() and not os.access(folder, os.W_OK):
        raise ValidationFailed(f"cannot write {args.output}: {folder} is not writable", {"output": "not writable"})
    settings = Settings.from_env(workspace=args.workspace, embedder=args.embedder)
    GenerationParameters(args.slides, args.topic, args.tone, args.audience, args.language).validate(settings.max_slides)
    return settings


def _summary(console: Console, deck: object, path: Path, seconds: float) -> None:
    from presentai.entrypoints.library import GeneratedDeck

    assert isinstance(deck, GeneratedDeck)
    used = [s for s in deck.sources if s.status.value == "indexed"]
    bullets = [b for s in deck.slides for b in s.content.bullets]
    supported = sum(1 for b in bullets if b.supported)
    for failure in deck.failures:
        console.print(f"[yellow]skipped[/] {failure.message}", soft_wrap=True)
    for warning in deck.warnings:
        if not any(warning == f.message for f in deck.failures):
            console.print(f"[yellow]warning[/] {warning}", soft_wrap=True)
    console.print(
        f"[green]Wrote[/] {path} — {len(deck.slides)} content slides, {len(bullets)} bullets "
        f"({supported} with verified attribution), {len(used)} of {len(deck.sources)} sources used, "
        f"language {deck.presentation.language}, {seconds:.1f} s",
        soft_wrap=True,  # one line: the terminal wraps it, a log or a pipe keeps it whole
    )


def run() -> None:
    """Console-script entry point."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] == ["generate"]:
        # The deck is written and closed and the workspace released: nothing is left to finalize, and
        # the interpreter's teardown (the tokenizer's 200,000 ranks, the imported libraries) took 0.5 s.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
