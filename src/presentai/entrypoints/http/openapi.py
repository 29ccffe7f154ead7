"""The OpenAPI 3 document of the API, built from the routes and their body types, and its viewer."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
from aiohttp import web

import presentai
from presentai.entrypoints.http.responses import json_response

routes = web.RouteTableDef()
F = TypeVar("F", bound=Callable[..., Any])
_PUBLIC = {
    "/api/v1/auth/register",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/mfa/verify",
    "/api/v1/auth/verify-email",
    "/api/v1/presentations/{id}/export/{eid}/download",  # the link's token is the credential
    "/api/v1/share/{token}",  # anonymous: the share token is the credential
    "/api/v1/share/{token}/views",
}
_SUCCESS = {200: "Success", 201: "Created", 202: "Accepted", 204: "Done (no body)"}
_ERRORS = {
    "400": "Malformed request (bad JSON, wrong field types, unknown fields)",
    "401": "Missing, invalid or expired credentials",
    "403": "Role or API-key scope too low (insufficient_role / insufficient_scope)",
    "404": "No such resource, or another organization's",
    "409": "Conflict with the resource's state",
    "410": "The resource was deleted (gone)",
    "413": "The body is over its size limit (file_too_large)",
    "422": "A business rule was violated",
    "429": "Rate limit or monthly token limit exceeded (retry_after)",
    "503": "A system the service depends on is unavailable (retry later)",
}


def accepts(model: type) -> Callable[[F], F]:
    """Declare the JSON body a handler reads, for the document."""

    def mark(handler: F) -> F:
        handler.__openapi_body__ = model  # type: ignore[attr-defined]
        return handler

    return mark


def answers(*statuses: int) -> Callable[[F], F]:
    """Declare a handler's success statuses when they are not just 200."""

    def mark(handler: F) -> F:
        handler.__openapi_statuses__ = statuses  # type: ignore[attr-defined]
        return handler

    return mark


def accepts_upload(*fields: str) -> Callable[[F], F]:
    """Declare that a handler takes a multipart form with a ``file`` and the given text fields."""

    def mark(handler: F) -> F:
        handler.__openapi_upload__ = fields  # type: ignore[attr-defined]
        return handler

    return mark


def _schema(kind: Any, components: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        inner = _schema(options[0], components)
        return {**inner, "nullable": True} if type(None) in get_args(kind) else inner
    if origin in (list, tuple):
        return {"type": "array", "items": _schema(get_args(kind)[0], components)}
    if attrs.has(kind):
        components.setdefault(kind.__name__, _object(kind, components))
        return {"$ref": f"#/components/schemas/{kind.__name__}"}
    simple = {str: "string", int: "integer", bool: "boolean", float: "number"}
    return {"type": simple.get(kind, "string")}


def _object(model: type, components: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(model)
    properties, required = {}, []
    for field in attrs.fields(model):
        properties[field.name] = _schema(hints[field.name], components)
        if field.default is attrs.NOTHING:
            required.append(field.name)
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def document(app: web.Application) -> dict[str, Any]:
    """The OpenAPI 3.0 document of every /api/v1 route of ``app``."""
    components: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error", "message", "request_id"],
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "request_id": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                "required": {"type": "string"},
                "current": {"type": "string"},
                "retry_after": {"type": "integer"},
            },
        }
    }
    paths: dict[str, dict[str, Any]] = {}
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if not path or not path.startswith("/api/v1") or route.method == "HEAD":
            continue
        handler = route.handler
        operation: dict[str, Any] = {
            "operationId": handler.__name__,
            "summary": (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else handler.__name__,
            "tags": [path.split("/")[3]],
            "responses": {
                **{
                    str(code): {"description": _SUCCESS[code]}
                    for code in getattr(handler, "__openapi_statuses__", (200,))
                },
                **{code: _error(text) for code, text in _ERRORS.items()},
            },
        }
        parameters = [
            {"name": name.strip("{}"), "in": "path", "required": True, "schema": {"type": "string"}}
            for name in path.split("/")
            if name.startswith("{")
        ]
        if parameters:
            operation["parameters"] = parameters
        content: dict[str, Any] = {}
        body = getattr(handler, "__openapi_body__", None)
        if body is not None:
            content["application/json"] = {"schema": _schema(body, components)}
        upload = getattr(handler, "__openapi_upload__", None)
        if upload is not None:
            operation["responses"]["413"] = _error("The file is over the size limit (file_too_large)")
            operation["responses"]["415"] = _error("Not a format PresentAI reads (unsupported_file_type)")
            properties = {"file": {"type": "string", "format": "binary"}} | {f: {"type": "string"} for f in upload}
            content["multipart/form-data"] = {
                "schema": {"type": "object", "required": ["file"], "properties": properties}
            }
        if content:
            operation["requestBody"] = {"required": True, "content": content}
        if path in _PUBLIC:
            operation["security"] = []
        paths.setdefault(path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "PresentAI API",
            "version": presentai.__version__,
            "description": "Lists take ?limit= (1-200, default 50) and ?cursor=, and answer {data, next_cursor}. "
            "Every response carries X-Request-Id; errors answer {error, message, request_id, ...}.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "apiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
        "security": [{"bearerAuth": []}, {"apiKeyAuth": []}],
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


@routes.get("/api/v1/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    """The OpenAPI document."""
    return json_response(document(request.app))


_VIEWER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PresentAI API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/presentai-init.js"></script>
</body></html>"""
# A script file rather than an inline one, so the page's CSP can refuse every inline script.
_INIT = 'window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#swagger-ui"});\n'
# The only files of the swagger-ui-bundle package the viewer loads; its index.html (the petstore
# example) and oauth2-redirect.html are not served.
VIEWER_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}


@routes.get("/api/docs")
async def viewer(request: web.Request) -> web.Response:
    """The interactive API viewer (Swagger UI, served from the installed package)."""
    return web.Response(text=_VIEWER, content_type="text/html")


def add_viewer_assets(app: web.Application) -> None:
    """Serve the viewer's few files from the swagger-ui-bundle package (nothing is fetched at run time)."""
    from swagger_ui_bundle import swagger_ui_path

    folder = Path(swagger_ui_path)

    async def init(request: web.Request) -> web.Response:
        return web.Response(text=_INIT, content_type="text/javascript", headers=_CACHE)

    app.router.add_get("/api/docs/assets/presentai-init.js", init)
    for name in VIEWER_ASSETS:
        app.router.add_get(f"/api/docs/assets/{name}", _asset(folder / name))


_CACHE = {"Cache-Control": "public, max-age=3600"}


def _asset(path: Path) -> Callable[[web.Request], Any]:
    async def serve(request: web.Request) -> web.FileResponse:
        return web.FileResponse(path, headers=_CACHE)

    return serve
