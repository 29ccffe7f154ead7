"""Typed settings; the only code that reads the environment (``PRESENTAI_*`` variables)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

import attrs
from attrs import field, frozen

from presentai.domain.errors import ValidationFailed
from presentai.domain.limits import DEFAULT_LIMITS, DEFAULT_LOCKOUT, Limits, LockoutPolicy

EMBEDDERS = ("static", "e5", "openai")
RETRIEVAL_MODES = ("dense", "lexical", "hybrid")


@frozen
class Settings:
    """Everything that picks an adapter or sets a limit."""

    workspace: Path = field(default=Path("workspace"), converter=Path)
    organization_id: str = "local"
    # static + BM25 meets the embedded speed aims (bench/ingestion.py: ~50 pages/s against e5's ~2);
    # e5 retrieves better (bench/retrieval_quality.py) and is one setting away.
    embedder: str = "static"
    # embedder "openai": any OpenAI-compatible embeddings server (OpenAI text-embedding-3-large at 3072
    # dims, BGE-M3 at 1024 on-premise, e5 …)
    embedding_base_url: str = "https://api.openai.com/v1"
    embedding_model: str = "text-embedding-3-large"
    embedding_dimension: int = 3072
    embedding_api_key: str = ""
    embedding_input_type: str = ""  # "yes": send input_type query/passage (e5 or BGE servers that use it)
    retrieval_mode: str = ""  # "" picks the measured best for the embedder (see ``retrieval``)
    tokenizer_encoding: str = "o200k_base"
    llm: str = ""  # "" → the extractive writer; or a fallback chain such as "anthropic,openai" (or "openai" for vLLM)
    anthropic_api_key: str = ""
    anthropic_model: str = "claude-sonnet-4-5"
    anthropic_base_url: str = "https://api.anthropic.com"
    openai_api_key: str = ""
    openai_model: str = "gpt-4o"
    openai_base_url: str = "https://api.openai.com/v1"  # or a vLLM server's, e.g. http://vllm:8000/v1
    llm_timeout_s: int = 60
    mongo_url: str = ""  # "" → generation traces in WORKSPACE/traces.jsonl; or mongodb://…
    mongo_database: str = "presentai"
    chunk_max_tokens: int = 256
    chunk_overlap_tokens: int = 48
    database_url: str = ""  # "" → SQLite in the workspace; "memory" → in-process; or postgresql://…
    qdrant_url: str | None = None
    jwt_secret: str = ""  # "" → a random secret kept in the workspace
    redis_url: str = ""  # "" → rate limits and job progress kept in-process
    ws_idle_timeout_s: int = 75  # a WebSocket with no message (clients ping every 30 s) for this long is closed
    ws_session_check_s: int = 10  # an open WebSocket re-checks its session (and memberships) this often
    workers: str = "inprocess"  # "rq": jobs go to RQ workers (presentai worker) through redis_url
    rq_queue: str = "presentai"  # the RQ queue the service fills and the workers empty
    job_retry_delays: str = "5,30,120"  # seconds before each new attempt of a failed job; "": no retries
    rate_limit_per_minute: int = 600  # per signed-in user or API key
    auth_rate_limit_per_minute: int = 20  # sign-in, registration and refresh, per client address
    # Failed sign-ins (wrong password or two-factor code) within signin_failure_window_s that lock an account,
    # or an address, out of signing in for signin_lockout_s.
    signin_failures_per_account: int = DEFAULT_LOCKOUT.failures_per_account
    signin_failures_per_address: int = DEFAULT_LOCKOUT.failures_per_address
    signin_failure_window_s: int = DEFAULT_LOCKOUT.window_s
    signin_lockout_s: int = DEFAULT_LOCKOUT.lockout_s
    public_url: str = "http://localhost:8080"  # where users reach the service (links in emails)
    smtp_url: str = ""  # "" → emails are written to the workspace's outbox folder; or smtp(s)://user:pw@host:port
    mail_from: str = "PresentAI <noreply@presentai.local>"
    trusted_proxies: str = ""  # CIDRs of reverse proxies whose X-Forwarded-For names the client
    qdrant_api_key: str | None = None
    storage_url: str = ""  # "" → files under the workspace; or s3://bucket/prefix
    s3_endpoint_url: str = ""  # "" → AWS; or an S3-compatible server such as http://seaweedfs:8333
    s3_access_key: str = ""  # "" → the usual AWS credential chain (environment, profile, instance role)
    s3_secret_key: str = ""
    s3_region: str = ""
    max_upload_bytes: int = 20 * 1024 * 1024
    export_link_ttl_s: int = 24 * 60 * 60  # how long an export's download link works
    export_budget_s: int = 300  # the longest rendering and converting one export may take
    export_memory_mb: int = 1024  # the address space of the child process that renders one export
    deleted_retention_days: int = 30  # a deleted presentation can be restored this long, then it is purged
    url_import_timeout_s: int = 30  # a whole /files/url download
    url_import_allowed_networks: str = ""  # CIDRs /files/url may reach although private, e.g. 10.20.0.0/16
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_pages: int = 1000
    max_sources: int = 20
    plan_token_limits: str = "free=2000000,pro=20000000,enterprise=0"  # noqa: S105 - tokens/month per plan, 0: none
    # bytes of originals an organization may keep, per plan (0: no limit): 1 GiB, 50 GiB, 250 GiB
    plan_storage_limits: str = "free=1073741824,pro=53687091200,business=268435456000,enterprise=0"
    plan_export_limits: str = ""  # exports a month per plan, e.g. free=200 (0 or a plan not listed: no limit)
    brand_kit_plans: str = "pro,business,enterprise"  # the plans whose organizations may have brand kits
    brand_template_max_bytes: int = 50 * 1024 * 1024  # a brand kit's PPTX template
    brand_template_max_ratio: int = 100  # a template's part compressed more than this (over 1 MiB): a zip bomb
    brand_logo_max_bytes: int = 2 * 1024 * 1024  # a brand kit's logo (PNG or JPEG)
    max_slides: int = 100
    slide_concurrency: int = 50
    ingest_concurrency: int = 2
    # How the service and its workers read uploads: "process" (in child processes, so a big file never
    # stalls the event loop) or "thread"; the embedded library always reads on threads.
    ingest_isolation: str = "process"
    ingest_processes: int = 2  # documents read at once by the service's child processes
    ingest_per_organization: int = 1  # of which one organization's, so that its big files do not starve others
    ingest_memory_mb: int = 1024  # the address space of the child process that reads one document
    ingest_budget_s: int = 300  # the longest reading and chunking one document may take
    # Smaller documents (in KiB, a ZIP container by what it unpacks to) are read on a thread in the same
    # slots: a child's interpreter start would be most of their time. 0: every document in a child.
    ingest_thread_below_kb: int = 256  # a PDF this size holds the interpreter about 0.5 s on a thread
    # The limits of one request (domain/limits.py; max_slides above is the slides per deck).
    limit_title_chars: int = DEFAULT_LIMITS.title_chars
    limit_topic_chars: int = DEFAULT_LIMITS.topic_chars
    limit_label_chars: int = DEFAULT_LIMITS.label_chars
    limit_notes_chars: int = DEFAULT_LIMITS.notes_chars
    limit_bullet_chars: int = DEFAULT_LIMITS.bullet_chars
    limit_bullets_per_slide: int = DEFAULT_LIMITS.bullets_per_slide
    limit_versions_per_slide: int = DEFAULT_LIMITS.versions_per_slide
    limit_table_cells: int = DEFAULT_LIMITS.table_cells
    limit_url_chars: int = DEFAULT_LIMITS.url_chars
    limit_json_body_bytes: int = DEFAULT_LIMITS.json_body_bytes
    limit_multipart_parts: int = DEFAULT_LIMITS.multipart_parts
    limit_form_field_bytes: int = DEFAULT_LIMITS.form_field_bytes
    limit_ws_message_bytes: int = DEFAULT_LIMITS.ws_message_bytes
    limit_ws_subscriptions: int = DEFAULT_LIMITS.ws_subscriptions
    limit_jobs_per_organization: int = DEFAULT_LIMITS.jobs_per_organization

    def __attrs_post_init__(self) -> None:
        positive = (
            "rate_limit_per_minute",
            "auth_rate_limit_per_minute",
            "signin_failures_per_account",
            "signin_failures_per_address",
            "signin_failure_window_s",
            "signin_lockout_s",
            "max_upload_bytes",
            "url_import_timeout_s",
            "export_link_ttl_s",
            "export_budget_s",
            "export_memory_mb",
            "deleted_retention_days",
            "ws_idle_timeout_s",
            "ws_session_check_s",
            "llm_timeout_s",
            "embedding_dimension",
            "max_unzipped_bytes",
            "brand_template_max_bytes",
            "brand_template_max_ratio",
            "brand_logo_max_bytes",
            "max_pages",
            "max_sources",
            "slide_concurrency",
            "ingest_concurrency",
            "ingest_processes",
            "ingest_per_organization",
            "ingest_memory_mb",
            "ingest_budget_s",
            "chunk_max_tokens",
        )
        limits = tuple(a.name for a in attrs.fields(type(self)) if a.name.startswith("limit_"))
        for name in positive + limits:
            if getattr(self, name) < 1:
                raise ValidationFailed(f"{name} must be at least 1", {name: "must be at least 1"})
        if not 1 <= self.max_slides <= 1000:
            raise ValidationFailed("max_slides must be between 1 and 1000", {"max_slides": "out of range"})
        if self.embedder not in EMBEDDERS:
            raise ValidationFailed(f"embedder must be one of {', '.join(EMBEDDERS)}", {"embedder": "unknown"})
        if self.database_url and not self.database_url.startswith(("memory", "sqlite:///", "postgres")):
            raise ValidationFailed(
                "database_url must be memory, sqlite:///PATH or postgresql://…", {"database_url": "unsupported"}
            )
        try:
            if any(v < 0 for v in self.token_limits.values()):
                raise ValueError
        except ValueError:
            raise ValidationFailed(
                "plan_token_limits is plan=tokens pairs, e.g. free=2000000,pro=0", {"plan_token_limits": "invalid"}
            ) from None
        try:
            if any(v < 0 for v in self.storage_limits.values()):
                raise ValueError
        except ValueError:
            raise ValidationFailed(
                "plan_storage_limits is plan=bytes pairs, e.g. free=1073741824,pro=0",
                {"plan_storage_limits": "invalid"},
            ) from None
        try:
            if any(v < 0 for v in self.export_limits.values()):
                raise ValueError
        except ValueError:
            raise ValidationFailed(
                "plan_export_limits is plan=exports pairs, e.g. free=200,pro=0", {"plan_export_limits": "invalid"}
            ) from None
        try:
            if any(d < 1 for d in self.retry_delays):
                raise ValueError
        except ValueError:
            raise ValidationFailed(
                "job_retry_delays is seconds separated by commas, e.g. 5,30,120", {"job_retry_delays": "invalid"}
            ) from None
        try:
            self.trusted_proxy_networks  # noqa: B018 - parsed here to refuse a bad value at start
        except ValueError:
            raise ValidationFailed(
                "trusted_proxies is comma-separated CIDRs, e.g. 10.0.0.0/8", {"trusted_proxies": "invalid"}
            ) from None
        for network in self.url_import_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                problem = f"{network!r} is not a network"
                raise ValidationFailed(
                    f"url_import_allowed_networks: {problem}", {"url_import_allowed_networks": problem}
                ) from None
        for provider in self.llm_chain:
            if provider not in ("anthropic", "openai"):
                raise ValidationFailed(f"llm: unknown provider {provider!r} (anthropic, openai)", {"llm": provider})
        if self.ingest_isolation not in ("process", "thread"):
            raise ValidationFailed("ingest_isolation must be process or thread", {"ingest_isolation": "unknown"})
        if self.ingest_thread_below_kb < 0:
            raise ValidationFailed(
                "ingest_thread_below_kb must be 0 or more", {"ingest_thread_below_kb": "must be 0 or more"}
            )
        if self.workers not in ("inprocess", "rq"):
            raise ValidationFailed("workers must be inprocess or rq", {"workers": "unknown"})
        if self.workers == "rq" and not self.redis_url:
            raise ValidationFailed("workers=rq needs redis_url", {"redis_url": "required for RQ workers"})
        if self.storage_url and not self.storage_url.startswith("s3://"):
            raise ValidationFailed("storage_url must be s3://bucket/prefix (or empty)", {"storage_url": "unsupported"})
        if self.retrieval_mode and self.retrieval_mode not in RETRIEVAL_MODES:
            raise ValidationFailed(
                f"retrieval_mode must be one of {', '.join(RETRIEVAL_MODES)}", {"retrieval_mode": "unknown"}
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``PRESENTAI_<FIELD>`` variables, then ``overrides`` on top."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for attribute in attrs.fields(cls):
            name = f"PRESENTAI_{attribute.name.upper()}"
            raw = environ.get(name)
            if raw is None:
                continue
            if attribute.type in (int, "int"):
                try:
                    values[attribute.name] = int(raw)
                except ValueError:
                    raise ValidationFailed(
                        f"{name} must be a whole number, got {raw!r}", {name: "not a number"}
                    ) from None
            else:
                values[attribute.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def limits(self) -> Limits:
        """The limits of one request, from the ``limit_*`` settings and ``max_slides``."""
        values = {a.name: getattr(self, f"limit_{a.name}") for a in attrs.fields(Limits) if a.name != "slides_per_deck"}
        return Limits(slides_per_deck=self.max_slides, **values)

    @property
    def export_memory_bytes(self) -> int:
        """``export_memory_mb`` in bytes."""
        return self.export_memory_mb * 2**20

    @property
    def ingest_memory_bytes(self) -> int:
        """``ingest_memory_mb`` in bytes."""
        return self.ingest_memory_mb * 2**20

    @property
    def ingest_thread_below_bytes(self) -> int:
        """``ingest_thread_below_kb`` in bytes."""
        return self.ingest_thread_below_kb * 2**10

    @property
    def lockout(self) -> LockoutPolicy:
        """When failed sign-ins lock an account or an address out, and for how long."""
        return LockoutPolicy(
            self.signin_failures_per_account,
            self.signin_failures_per_address,
            self.signin_failure_window_s,
            self.signin_lockout_s,
        )

    @property
    def retrieval(self) -> str:
        """The retrieval mode in force.

        Measured on tests/data/retrieval_queries.json (bench/retrieval_quality.py):
        e5 alone beats e5 fused with BM25, and BM25 alone beats the static model
        alone or fused (recall@5 0.69 against 0.33 and 0.67).
        """
        if self.retrieval_mode:
            return self.retrieval_mode
        return "lexical" if self.embedder == "static" else "dense"

    @property
    def indexes_vectors(self) -> bool:
        """Whether ingestion embeds chunks into the vector index: not when every search is by keywords.

        A keyword-only run then never loads an embedding model nor the vector
        index (1.2 s and 320 MB for the static model, 2 s for qdrant-client).
        """
        return self.retrieval != "lexical"

    @property
    def database(self) -> str:
        """The database URL in force."""
        return self.database_url or f"sqlite:///{self.workspace.resolve() / 'presentai.db'}"

    @property
    def database_kind(self) -> str:
        """``memory``, ``sqlite`` or ``postgres``, from the URL's scheme."""
        if self.database == "memory":
            return "memory"
        return "sqlite" if self.database.startswith("sqlite:") else "postgres"

    @property
    def qdrant_path(self) -> str:
        """The folder of the embedded (local-mode) Qdrant."""
        return str(self.workspace / "qdrant")

    @property
    def embedding_sends_input_type(self) -> bool:
        """Whether the embeddings server is told query from passage."""
        return self.embedding_input_type.strip().lower() in ("yes", "true", "1")

    @property
    def llm_chain(self) -> tuple[str, ...]:
        """The language-model providers in fallback order (empty: the extractive writer)."""
        return tuple(p.strip() for p in self.llm.split(",") if p.strip())

    @property
    def writer_kind(self) -> str:
        """``extractive`` or ``llm``."""
        return "llm" if self.llm_chain else "extractive"

    @property
    def token_limits(self) -> dict[str, int]:
        """Monthly token limit per plan name (``0``: unlimited; a plan not listed is unlimited)."""
        limits: dict[str, int] = {}
        for pair in self.plan_token_limits.split(","):
            if pair.strip():
                plan, _, value = pair.partition("=")
                limits[plan.strip()] = int(value)
        return limits

    @property
    def storage_limits(self) -> dict[str, int]:
        """Bytes of originals an organization may store by plan (``0`` or a plan not listed: unlimited)."""
        limits: dict[str, int] = {}
        for pair in self.plan_storage_limits.split(","):
            if pair.strip():
                plan, _, value = pair.partition("=")
                limits[plan.strip()] = int(value)
        return limits

    @property
    def export_limits(self) -> dict[str, int]:
        """Exports a month an organization may make by plan (``0`` or a plan not listed: unlimited)."""
        return _plan_numbers(self.plan_export_limits)

    @property
    def brand_kit_plan_names(self) -> tuple[str, ...]:
        """The plans that offer brand kits."""
        return tuple(p.strip() for p in self.brand_kit_plans.split(",") if p.strip())

    @property
    def retry_delays(self) -> tuple[int, ...]:
        """Seconds before each new attempt of a failed job (one per retry)."""
        return tuple(int(d) for d in self.job_retry_delays.split(",") if d.strip())

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The trusted reverse proxies' networks."""
        return tuple(
            ipaddress.ip_network(n.strip(), strict=False) for n in self.trusted_proxies.split(",") if n.strip()
        )

    @property
    def url_import_networks(self) -> tuple[str, ...]:
        """The private networks URL imports may reach (comma-separated in the setting)."""
        return tuple(n.strip() for n in self.url_import_allowed_networks.split(",") if n.strip())

    @property
    def storage_kind(self) -> str:
        """``local`` (a folder of the workspace) or ``s3``."""
        return "s3" if self.storage_url else "local"

    @property
    def storage_root(self) -> str:
        """The folder of the embedded object store."""
        return str(self.workspace / "objects")


def _plan_numbers(pairs: str) -> dict[str, int]:
    """``plan=number`` pairs separated by commas."""
    numbers: dict[str, int] = {}
    for pair in pairs.split(","):
        if pair.strip():
            plan, _, value = pair.partition("=")
            numbers[plan.strip()] = int(value)
    return numbers
