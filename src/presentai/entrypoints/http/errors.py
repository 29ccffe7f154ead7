"""One middleware maps every error to the spec's status code and JSON body, with the request id."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from presentai.domain.errors import (
    Conflict,
    FileTooLarge,
    Forbidden,
    Gone,
    InsufficientRole,
    InsufficientScope,
    LLMUnavailable,
    NotFound,
    NoUsableSources,
    PlanRequired,
    PresentAIError,
    ProviderError,
    RateLimited,
    SourceError,
    StorageLimitExceeded,
    TokenLimitExceeded,
    Unauthorized,
    UnsupportedFileType,
    ValidationFailed,
)
from presentai.domain.ids import new_request_id
from presentai.entrypoints.http.responses import json_response

log = logging.getLogger("presentai.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REQUEST_ID = web.RequestKey("request_id", str)

# (error class, HTTP status, spec code), most specific first
_MAPPING: tuple[tuple[type[PresentAIError], int, str], ...] = (
    (Unauthorized, 401, "unauthorized"),
    (InsufficientRole, 403, "insufficient_role"),
    (InsufficientScope, 403, "insufficient_scope"),
    (Forbidden, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (Gone, 410, "gone"),
    (RateLimited, 429, "rate_limit_exceeded"),
    (TokenLimitExceeded, 429, "token_limit_exceeded"),
    (FileTooLarge, 413, "file_too_large"),
    (UnsupportedFileType, 415, "unsupported_file_type"),
    (ValidationFailed, 422, "validation_error"),
    (SourceError, 422, "validation_error"),
    (NoUsableSources, 422, "validation_error"),
    (LLMUnavailable, 503, "llm_unavailable"),
    (ProviderError, 503, "service_unavailable"),
)


class BadRequest(Exception):
    """A malformed request (not JSON, wrong shape); ``fields`` names what is wrong."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def error_body(request: web.Request, code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The spec's error body."""
    return {"error": code, "message": message, **extra, "request_id": request[REQUEST_ID]}


def _response(request: web.Request, status: int, code: str, message: str, **extra: Any) -> web.Response:
    headers = {"Retry-After": str(extra["retry_after"])} if "retry_after" in extra else None
    return json_response(error_body(request, code, message, **extra), status=status, headers=headers)


def to_response(request: web.Request, error: PresentAIError) -> web.Response:
    """The HTTP answer to a domain error."""
    for kind, status, code in _MAPPING:
        if isinstance(error, kind):
            extra: dict[str, Any] = {}
            if isinstance(error, InsufficientRole):
                extra = {"required": error.required, "current": error.current}
            elif isinstance(error, InsufficientScope):
                extra = {"required": error.required}
            elif isinstance(error, PlanRequired):
                extra = {"fields": dict(error.fields), "required": error.required, "current": error.current}
            elif isinstance(error, ValidationFailed) and error.fields:
                extra = {"fields": dict(error.fields)}
            elif isinstance(error, (RateLimited, LLMUnavailable, TokenLimitExceeded)):
                extra = {"retry_after": error.retry_after}
            elif isinstance(error, StorageLimitExceeded):
                extra = {"limit": error.limit, "stored": error.stored, "size": error.size}
            elif isinstance(error, FileTooLarge) and error.limit:
                extra = {"limit": error.limit}
            elif isinstance(error, ProviderError):
                extra = {"retry_after": 30}
            return _response(request, status, code, str(error), **extra)
    return _response(request, 400, "bad_request", str(error))


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every request gets an id; every response carries it in ``X-Request-Id``."""
    request[REQUEST_ID] = new_request_id()
    try:
        response = await handler(request)
    except web.HTTPException as http_error:
        http_error.headers["X-Request-Id"] = request[REQUEST_ID]
        raise
    response.headers["X-Request-Id"] = request[REQUEST_ID]
    return response


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Domain errors and aiohttp's own errors in the spec's JSON shape; nothing leaks a traceback."""
    try:
        return await handler(request)
    except PresentAIError as error:
        return to_response(request, error)
    except BadRequest as error:
        extra = {"fields": error.fields} if error.fields else {}
        return _response(request, 400, "bad_request", error.message, **extra)
    except web.HTTPRequestEntityTooLarge:
        return _response(request, 413, "file_too_large", "the request body is over the size limit")
    except web.HTTPNotFound:
        return _response(request, 404, "not_found", f"no route for {request.path}")
    except web.HTTPMethodNotAllowed as error:
        response = _response(request, 405, "method_not_allowed", f"{request.method} is not allowed on {request.path}")
        response.headers["Allow"] = ", ".join(sorted(error.allowed_methods))
        return response
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return _response(request, error.status, "bad_request" if error.status < 500 else "internal_error", error.reason)
    except HttpProcessingError as error:  # a malformed body part (multipart headers, chunking) read by a handler
        return _response(request, 400, "bad_request", f"the request body is malformed: {error.message}")
    except Exception:
        log.exception("unhandled error in %s %s (%s)", request.method, request.path, request[REQUEST_ID])
        return _response(request, 500, "internal_error", "something went wrong on our side")
