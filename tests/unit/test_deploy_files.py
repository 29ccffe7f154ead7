"""The deployment files stay in step with the code: every service the app is configured for is there."""

from __future__ import annotations

import attrs
import yaml

from presentai.config import Settings
from tests.conftest import ROOT


def test_the_compose_file_runs_the_api_and_its_migrations_on_real_dependencies() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "worker", "migrate", "postgres", "redis", "qdrant", "s3", "mongo"} <= set(services)
    api = services["api"]["environment"]
    assert api["PRESENTAI_DATABASE_URL"].startswith("postgresql://")
    assert api["PRESENTAI_REDIS_URL"].startswith("redis://")
    assert api["PRESENTAI_WORKERS"] == "rq"
    assert services["worker"]["command"] == ["presentai", "worker"]
    assert services["worker"]["environment"] == api  # the workers see exactly what the API sees
    assert services["migrate"]["command"] == ["presentai", "db", "upgrade"]


def test_the_configuration_reference_names_every_setting() -> None:
    reference = (ROOT / "deploy" / "CONFIGURATION.md").read_text()
    for field in attrs.fields(Settings):
        if field.name not in ("organization_id", "qdrant_api_key", "chunk_overlap_tokens"):
            assert f"PRESENTAI_{field.name.upper()}" in reference, field.name
