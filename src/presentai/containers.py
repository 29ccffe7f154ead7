"""Dependency-injector wiring: the only place that knows which adapter serves which port.

Adapters and use cases are named here as ``"package.module:Name"`` and imported
when the container first builds one: a library user who generates one deck from
a Markdown file never pays for importing qdrant-client, boto or the SMTP client.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from dependency_injector import containers, providers

from presentai.config import Settings

if TYPE_CHECKING:
    from presentai.adapters.analytics.sinks import JsonLinesViewAnalytics, MongoViewAnalytics
    from presentai.adapters.limits.limiters import InProcessRateLimiter, RedisRateLimiter
    from presentai.adapters.mail.smtp import OutboxMailer, SmtpMailer
    from presentai.adapters.progress.streams import InProcessEventStream, RedisEventStream
    from presentai.adapters.qdrant.index import QdrantVectorIndex
    from presentai.adapters.sql.database import SqliteDatabase
    from presentai.adapters.storage.s3_store import S3ObjectStore
    from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
    from presentai.adapters.traces.sinks import JsonLinesTraceSink, MongoTraceSink
    from presentai.adapters.writers.llm import LlmWriter
    from presentai.ports.embeddings import Embedder
    from presentai.ports.llm import ChatModel
    from presentai.ports.repositories import PromptTemplateRepository
    from presentai.ports.tracing import TraceSink
    from presentai.ports.usage import UsageLedger


def _import(path: str) -> Any:
    """The object at ``"package.module:Name"`` under ``presentai``."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(f"presentai.{module}"), name)


def _lazy(path: str) -> Callable[..., Any]:
    """A factory of the class at ``path``, imported on the first call."""

    def build(*args: Any, **kwargs: Any) -> Any:
        return _import(path)(*args, **kwargs)

    build.__name__ = build.__qualname__ = path.rpartition(":")[2]
    return build


def _vector_index(settings: Settings, embedder: Embedder) -> QdrantVectorIndex:
    from presentai.adapters.qdrant.index import QdrantVectorIndex

    if settings.qdrant_url:
        return QdrantVectorIndex(
            model=embedder.name, dimension=embedder.dimension, url=settings.qdrant_url, api_key=settings.qdrant_api_key
        )
    return QdrantVectorIndex(model=embedder.name, dimension=embedder.dimension, path=settings.qdrant_path)


def _s3_store(settings: Settings) -> S3ObjectStore:
    from presentai.adapters.storage.s3_store import S3ObjectStore

    return S3ObjectStore(
        settings.storage_url,
        endpoint_url=settings.s3_endpoint_url or None,
        key=settings.s3_access_key or None,
        secret=settings.s3_secret_key or None,
        region=settings.s3_region or None,
    )


def _mailer(settings: Settings) -> SmtpMailer | OutboxMailer:
    from presentai.adapters.mail.smtp import OutboxMailer, SmtpMailer

    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    return OutboxMailer(settings.workspace / "outbox", settings.mail_from)


def _events(settings: Settings) -> RedisEventStream | InProcessEventStream:
    from presentai.adapters.progress.streams import InProcessEventStream, RedisEventStream

    return RedisEventStream(settings.redis_url) if settings.redis_url else InProcessEventStream()


def _traces(settings: Settings) -> MongoTraceSink | JsonLinesTraceSink:
    from presentai.adapters.traces.sinks import JsonLinesTraceSink, MongoTraceSink

    if settings.mongo_url:
        return MongoTraceSink(settings.mongo_url, settings.mongo_database, redis_url=settings.redis_url)
    return JsonLinesTraceSink(settings.workspace / "traces.jsonl")


def _view_analytics(settings: Settings) -> MongoViewAnalytics | JsonLinesViewAnalytics:
    from presentai.adapters.analytics.sinks import JsonLinesViewAnalytics, MongoViewAnalytics

    if settings.mongo_url:
        return MongoViewAnalytics(settings.mongo_url, settings.mongo_database, redis_url=settings.redis_url)
    return JsonLinesViewAnalytics(settings.workspace / "analytics.jsonl")


def _llm_writer(
    settings: Settings,
    tokenizer: TiktokenTokenizer,
    ledger: UsageLedger,
    traces: TraceSink,
    templates: PromptTemplateRepository,
) -> LlmWriter:
    from presentai.adapters.llm.chains import FallbackChatModel, MeteredChatModel
    from presentai.adapters.llm.chat import AnthropicChatModel, OpenAIChatModel
    from presentai.adapters.writers.llm import LlmWriter

    models: list[ChatModel] = []
    for provider in settings.llm_chain:
        if provider == "anthropic":
            models.append(
                AnthropicChatModel(
                    settings.anthropic_api_key,
                    settings.anthropic_model,
                    settings.anthropic_base_url,
                    timeout_s=settings.llm_timeout_s,
                )
            )
        else:
            models.append(
                OpenAIChatModel(
                    settings.openai_api_key,
                    settings.openai_model,
                    settings.openai_base_url,
                    timeout_s=settings.llm_timeout_s,
                )
            )
    chain = MeteredChatModel(FallbackChatModel(models), ledger)
    return LlmWriter(chain, tokenizer, traces=traces, templates=templates)


def _limiter(settings: Settings) -> InProcessRateLimiter | RedisRateLimiter:
    from presentai.adapters.limits.limiters import InProcessRateLimiter, RedisRateLimiter

    return RedisRateLimiter(settings.redis_url) if settings.redis_url else InProcessRateLimiter()


def _stored(
    settings: providers.Provider[Settings], database: providers.Provider[Any], in_process: str, sql: str
) -> providers.Selector[Any]:
    """A repository chosen by the database URL: in-process for ``memory``, else the SQL one on ``database``."""
    return providers.Selector(
        settings.provided.database_kind,
        memory=providers.Singleton(_lazy(in_process)),
        sqlite=providers.Singleton(_lazy(sql), database=database),
        postgres=providers.Singleton(_lazy(sql), database=database),
    )


def _sqlite(settings: Settings) -> SqliteDatabase:
    from presentai.adapters.sql.database import SqliteDatabase

    return SqliteDatabase(settings.database.removeprefix("sqlite:///"))


class EmbeddedContainer(containers.DeclarativeContainer):
    """Embedded (library and CLI) mode: SQLite (or PostgreSQL, or memory), local Qdrant, files on disk."""

    settings = providers.Dependency(instance_of=Settings)

    tokenizer = providers.Singleton(
        _lazy("adapters.tokenizers.tiktoken_offline:TiktokenTokenizer"), encoding=settings.provided.tokenizer_encoding
    )
    embedder = providers.Selector(
        settings.provided.embedder,
        static=providers.Singleton(_lazy("adapters.embeddings.local:StaticEmbedder")),
        e5=providers.Singleton(_lazy("adapters.embeddings.local:E5Embedder")),
        openai=providers.Singleton(
            _lazy("adapters.embeddings.http:OpenAIEmbedder"),
            base_url=settings.provided.embedding_base_url,
            model=settings.provided.embedding_model,
            dimension=settings.provided.embedding_dimension,
            api_key=settings.provided.embedding_api_key,
            send_input_type=settings.provided.embedding_sends_input_type,
        ),
    )
    parser = providers.Singleton(
        _lazy("adapters.parsers.detecting:ContentSniffingParser"),
        max_pages=settings.provided.max_pages,
        max_unzipped_bytes=settings.provided.max_unzipped_bytes,
    )
    vector_index = providers.Singleton(_vector_index, settings=settings, embedder=embedder)
    lexical = providers.Singleton(_lazy("adapters.lexical.bm25:Bm25LexicalRanker"))
    store = providers.Selector(
        settings.provided.storage_kind,
        local=providers.Singleton(
            _lazy("adapters.storage.fsspec_store:FsspecObjectStore"), root=settings.provided.storage_root
        ),
        s3=providers.Singleton(_s3_store, settings=settings),
    )
    fetcher = providers.Singleton(
        _lazy("adapters.fetch.http_fetcher:HttpUrlFetcher"),
        max_bytes=settings.provided.max_upload_bytes,
        timeout_s=settings.provided.url_import_timeout_s,
        allowed_networks=settings.provided.url_import_networks,
    )
    renderer = providers.Singleton(_lazy("adapters.pptx.designed:DesignedDeckRenderer"))
    # Exports render in a child process with a memory and time budget (killed at it, or when the service
    # stops); the converter's LibreOffice and Poppler are children of the same registry.
    children = providers.Singleton(_lazy("adapters.children:ChildProcesses"))
    export_renderer = providers.Singleton(
        _lazy("adapters.pptx.isolated:IsolatedDeckRenderer"),
        children=children,
        memory_bytes=settings.provided.export_memory_bytes,
        timeout_s=settings.provided.export_budget_s,
    )
    converter = providers.Singleton(
        _lazy("adapters.convert.libreoffice:LibreOfficeConverter"),
        children=children,
        timeout_s=settings.provided.export_budget_s,
    )
    progress = providers.Singleton(
        _lazy("adapters.progress.local:FanOutProgressSink")
    )  # the service and workers: into ``events``
    events = providers.Singleton(_events, settings=settings)

    database = providers.Selector(
        settings.provided.database_kind,
        memory=providers.Object(None),
        sqlite=providers.Singleton(_sqlite, settings=settings),
        postgres=providers.Singleton(
            _lazy("adapters.sql.database:PostgresDatabase"), conninfo=settings.provided.database
        ),
    )
    presentations = _stored(
        settings,
        database,
        "adapters.memory.repositories:InProcessPresentationRepository",
        "adapters.sql.repositories:SqlPresentationRepository",
    )
    sources = _stored(
        settings,
        database,
        "adapters.memory.repositories:InProcessSourceRepository",
        "adapters.sql.repositories:SqlSourceRepository",
    )
    chunks = _stored(
        settings,
        database,
        "adapters.memory.repositories:InProcessChunkRepository",
        "adapters.sql.repositories:SqlChunkRepository",
    )
    projects = _stored(
        settings,
        database,
        "adapters.memory.repositories:InProcessProjectRepository",
        "adapters.sql.repositories:SqlProjectRepository",
    )
    exports = _stored(
        settings,
        database,
        "adapters.memory.repositories:InProcessExportRepository",
        "adapters.sql.repositories:SqlExportRepository",
    )
    usage = _stored(
        settings, database, "adapters.memory.usage:InProcessUsageLedger", "adapters.sql.usage:SqlUsageLedger"
    )
    brand_kits = _stored(
        settings,
        database,
        "adapters.memory.brand_kits:InProcessBrandKitRepository",
        "adapters.sql.brand_kits:SqlBrandKitRepository",
    )
    deck_looks = providers.Singleton(_lazy("services.brand_kits:DeckLooks"), kits=brand_kits, store=store)
    traces = providers.Singleton(_traces, settings=settings)
    prompt_templates = _stored(
        settings,
        database,
        "adapters.memory.repositories:InProcessPromptTemplateRepository",
        "adapters.sql.repositories:SqlPromptTemplateRepository",
    )
    writer = providers.Selector(
        settings.provided.writer_kind,
        extractive=providers.Singleton(_lazy("adapters.writers.extractive:ExtractiveWriter")),
        llm=providers.Singleton(
            _llm_writer,
            settings=settings,
            tokenizer=tokenizer,
            ledger=usage,
            traces=traces,
            templates=prompt_templates,
        ),
    )

    rules = providers.Singleton(
        _lazy("domain.chunking:ChunkingRules"),
        max_tokens=settings.provided.chunk_max_tokens,
        overlap_tokens=settings.provided.chunk_overlap_tokens,
    )
    limits = providers.Singleton(_lazy("services.ingest:IngestionLimits"), max_bytes=settings.provided.max_upload_bytes)
    retriever = providers.Singleton(
        _lazy("services.retrieval:Retriever"),
        embedder=embedder,
        index=vector_index,
        lexical=lexical,
        mode=providers.Callable(_lazy("services.retrieval:RetrievalMode"), settings.provided.retrieval),
    )

    # Uploads are parsed and chunked on threads here (the library); the service and its workers read them in
    # child processes instead (``_reading_apart``).
    preparer: providers.Provider[Any] = providers.Object(None)
    # The quotas of the service and its workers (set in service_container, worker_container): ingestion spends
    # its tokens in one step with the plan's check.
    token_budget: providers.Provider[Any] = providers.Object(None)
    ingest_source = providers.Factory(
        _lazy("services.ingest:IngestSource"),
        parser=parser,
        tokenizer=tokenizer,
        embedder=embedder,
        index=vector_index,
        store=store,
        sources=sources,
        chunks=chunks,
        progress=progress,
        rules=rules,
        limits=limits,
        usage=usage,
        index_vectors=settings.provided.indexes_vectors,
        preparer=preparer,
        quotas=token_budget,
    )
    generate_outline = providers.Factory(
        _lazy("services.generate:GenerateOutline"),
        presentations=presentations,
        sources=sources,
        chunks=chunks,
        retriever=retriever,
        planner=writer,
        progress=progress,
    )
    generate_slides = providers.Factory(
        _lazy("services.generate:GenerateSlides"),
        presentations=presentations,
        sources=sources,
        chunks=chunks,
        retriever=retriever,
        writer=writer,
        progress=progress,
        concurrency=settings.provided.slide_concurrency,
    )
    regenerate_slide = providers.Factory(
        _lazy("services.generate:RegenerateSlide"),
        presentations=presentations,
        sources=sources,
        chunks=chunks,
        retriever=retriever,
        writer=writer,
        progress=progress,
    )
    render_deck = providers.Factory(
        _lazy("services.render:RenderDeck"),
        presentations=presentations,
        sources=sources,
        renderer=renderer,
        looks=deck_looks,
    )
    export_presentation = providers.Factory(
        _lazy("services.exports:ExportPresentation"),
        exports=exports,
        render_deck=providers.Factory(
            _lazy("services.render:RenderDeck"),
            presentations=presentations,
            sources=sources,
            renderer=export_renderer,
            looks=deck_looks,
        ),
        converter=converter,
        store=store,
        progress=progress,
        public_url=settings.provided.public_url,
        link_ttl_s=settings.provided.export_link_ttl_s,
        budget_s=settings.provided.export_budget_s,
    )
    housekeeping = providers.Factory(
        _lazy("services.housekeeping:Housekeeping"),
        exports=exports,
        presentations=presentations,
        store=store,
        retention_days=settings.provided.deleted_retention_days,
    )
    run_job = providers.Factory(
        _lazy("services.jobs:RunJob"),
        ingest_source=ingest_source,
        generate_outline=generate_outline,
        generate_slides=generate_slides,
        regenerate_slide=regenerate_slide,
        export_presentation=export_presentation,
        sources=sources,
        presentations=presentations,
        exports=exports,
        store=store,
        progress=progress,
    )


def _in_service(in_process: str, sql: str) -> providers.Selector[Any]:
    return _stored(EmbeddedContainer.settings, EmbeddedContainer.database, in_process, sql)


class ServiceContainer(EmbeddedContainer):
    """The HTTP service: the embedded wiring plus accounts and sessions."""

    jwt_secret = providers.Dependency(instance_of=str)

    users = _in_service("adapters.memory.accounts:InProcessUserRepository", "adapters.sql.accounts:SqlUserRepository")
    organizations = _stored(
        EmbeddedContainer.settings,
        EmbeddedContainer.database,
        "adapters.memory.accounts:InProcessOrganizationRepository",
        "adapters.sql.accounts:SqlOrganizationRepository",
    )
    sessions = _stored(
        EmbeddedContainer.settings,
        EmbeddedContainer.database,
        "adapters.memory.accounts:InProcessSessionRepository",
        "adapters.sql.accounts:SqlSessionRepository",
    )
    api_keys = _stored(
        EmbeddedContainer.settings,
        EmbeddedContainer.database,
        "adapters.memory.accounts:InProcessApiKeyRepository",
        "adapters.sql.accounts:SqlApiKeyRepository",
    )
    keys = providers.Singleton(_lazy("services.auth:ApiKeys"), keys=api_keys, organizations=organizations)
    members = providers.Singleton(_lazy("services.members:Members"), organizations=organizations, users=users)
    limiter = providers.Singleton(_limiter, settings=EmbeddedContainer.settings)
    brand_asset_checker = providers.Singleton(
        _lazy("adapters.pptx.brand_assets:PptxBrandAssetChecker"),
        template_bytes=EmbeddedContainer.settings.provided.brand_template_max_bytes,
        unzipped_bytes=EmbeddedContainer.settings.provided.max_unzipped_bytes,
        max_ratio=EmbeddedContainer.settings.provided.brand_template_max_ratio,
        logo_bytes=EmbeddedContainer.settings.provided.brand_logo_max_bytes,
    )
    brand_kit_service = providers.Singleton(
        _lazy("services.brand_kits:BrandKits"),
        kits=EmbeddedContainer.brand_kits,
        organizations=organizations,
        store=EmbeddedContainer.store,
        checker=brand_asset_checker,
        plans=EmbeddedContainer.settings.provided.brand_kit_plan_names,
    )
    jobs = providers.Selector(
        EmbeddedContainer.settings.provided.workers,
        inprocess=providers.Singleton(
            _lazy("adapters.jobs.queues:InProcessJobQueue"),
            make_runner=EmbeddedContainer.run_job.provider,
            per_organization=EmbeddedContainer.settings.provided.limit_jobs_per_organization,
        ),
        rq=providers.Singleton(
            _lazy("adapters.jobs.queues:RqJobQueue"),
            redis_url=EmbeddedContainer.settings.provided.redis_url,
            queue_name=EmbeddedContainer.settings.provided.rq_queue,
            retry_delays=EmbeddedContainer.settings.provided.retry_delays,
        ),
    )
    audit_log = _in_service("adapters.memory.accounts:InProcessAuditLog", "adapters.sql.accounts:SqlAuditLog")
    hasher = providers.Singleton(_lazy("adapters.auth.secrets:Argon2PasswordHasher"))
    mailer = providers.Singleton(_mailer, settings=EmbeddedContainer.settings)
    quotas = providers.Singleton(
        _lazy("services.usage:Quotas"),
        organizations=organizations,
        ledger=EmbeddedContainer.usage,
        limits=EmbeddedContainer.settings.provided.token_limits,
        sources=EmbeddedContainer.sources,
        storage_limits=EmbeddedContainer.settings.provided.storage_limits,
        export_limits=EmbeddedContainer.settings.provided.export_limits,
    )
    erase_account = providers.Factory(
        _lazy("services.erasure:EraseAccount"),
        users=users,
        organizations=organizations,
        sessions=sessions,
        api_keys=api_keys,
        audit=audit_log,
        sources=EmbeddedContainer.sources,
        exports=EmbeddedContainer.exports,
        index=EmbeddedContainer.vector_index,
        store=EmbeddedContainer.store,
        hasher=hasher,
        brand_kits=EmbeddedContainer.brand_kits,
    )
    # Share links (FR-022-FR-024): viewer ids and view tokens are keyed from the signing secret.
    shares = _in_service("adapters.memory.shares:InProcessShareRepository", "adapters.sql.shares:SqlShareRepository")
    view_analytics = providers.Singleton(_view_analytics, settings=EmbeddedContainer.settings)
    share_service = providers.Singleton(
        _lazy("services.shares:Shares"),
        shares=shares,
        presentations=EmbeddedContainer.presentations,
        sources=EmbeddedContainer.sources,
        analytics=view_analytics,
        keys=providers.Singleton(_lazy("domain.analytics:ViewerKeys"), secret=jwt_secret),
    )
    authenticator = providers.Singleton(
        _lazy("services.auth:Authenticator"),
        users=users,
        organizations=organizations,
        sessions=sessions,
        hasher=hasher,
        tokens=providers.Singleton(_lazy("adapters.auth.secrets:JwtAccessTokens"), secret=jwt_secret),
        codes=providers.Singleton(_lazy("adapters.auth.totp:PyotpOneTimePasswords")),
        mailer=mailer,
        public_url=EmbeddedContainer.settings.provided.public_url,
        limits=EmbeddedContainer.settings.provided.limits,
        strength=providers.Singleton(_lazy("adapters.auth.strength:ZxcvbnPasswordStrength")),
        emails=providers.Singleton(_lazy("adapters.auth.email:EmailValidatorAddresses")),
        audit=audit_log,
    )


C = TypeVar("C", bound="EmbeddedContainer")


def _streaming(container: C) -> C:
    """Progress of jobs goes into their event streams (Redis, or in-process), where /ws reads it."""
    container.progress.override(
        providers.Singleton(_lazy("adapters.progress.streams:StreamProgressSink"), stream=container.events)
    )
    return container


def _reading_apart(container: C) -> C:
    """Uploads are parsed and chunked in child processes with a memory and time budget, a few at once and
    fairly between organizations (unless ``ingest_isolation`` is ``thread``); small ones on a thread in the
    same slots, with the same parser, tokenizer and rules."""
    settings = container.settings
    container.preparer.override(
        providers.Selector(
            settings.provided.ingest_isolation,
            thread=providers.Object(None),
            process=providers.Singleton(
                _lazy("adapters.isolated_reading:ChildProcessPreparer"),
                children=container.children,
                rules=providers.Singleton(
                    _lazy("adapters.isolated_reading:ReadingRules"),
                    max_pages=settings.provided.max_pages,
                    max_unzipped_bytes=settings.provided.max_unzipped_bytes,
                    encoding=settings.provided.tokenizer_encoding,
                    chunking=container.rules,
                ),
                memory_bytes=settings.provided.ingest_memory_bytes,
                timeout_s=settings.provided.ingest_budget_s,
                processes=settings.provided.ingest_processes,
                per_organization=settings.provided.ingest_per_organization,
                nearby=providers.Singleton(
                    _lazy("services.ingest:ThreadedPreparer"),
                    parser=container.parser,
                    tokenizer=container.tokenizer,
                    rules=container.rules,
                ),
                nearby_below_bytes=settings.provided.ingest_thread_below_bytes,
            ),
        )
    )
    return container


def service_container(settings: Settings, jwt_secret: str) -> ServiceContainer:
    """The HTTP service's container."""
    container = _reading_apart(_streaming(ServiceContainer(settings=settings, jwt_secret=jwt_secret)))
    container.token_budget.override(container.quotas)
    return container


def worker_container(settings: Settings) -> EmbeddedContainer:
    """What a ``presentai worker`` needs to run jobs: the use cases, with streamed progress and the quotas."""
    container = _reading_apart(_streaming(EmbeddedContainer(settings=settings)))
    quotas = providers.Singleton(
        _lazy("services.usage:Quotas"),
        organizations=providers.Singleton(
            _lazy("adapters.sql.accounts:SqlOrganizationRepository"), database=container.database
        ),
        ledger=container.usage,
        limits=container.settings.provided.token_limits,
    )  # a worker on the in-process database shares no organizations with anyone: it meters as the library does
    container.token_budget.override(
        providers.Selector(
            container.settings.provided.database_kind, memory=providers.Object(None), sqlite=quotas, postgres=quotas
        )
    )
    return container
