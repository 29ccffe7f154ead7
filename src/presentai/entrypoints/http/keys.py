"""Typed keys of what the application holds."""

from __future__ import annotations

from aiohttp import web

from presentai.containers import ServiceContainer
from presentai.ports.accounts import AuditLog, OrganizationRepository, UserRepository
from presentai.ports.limits import RateLimiter
from presentai.services.auth import ApiKeys, Authenticator

CONTAINER = web.AppKey("container", ServiceContainer)
AUTHENTICATOR = web.AppKey("authenticator", Authenticator)
USERS = web.AppKey("users", UserRepository)
ORGANIZATIONS = web.AppKey("organizations", OrganizationRepository)
API_KEYS = web.AppKey("api_keys", ApiKeys)
LIMITER = web.AppKey("limiter", RateLimiter)
AUDIT = web.AppKey("audit", AuditLog)
