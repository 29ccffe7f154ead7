"""Request bodies in, response bodies out: a private cattrs converter for the REST boundary."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import cattrs
from aiohttp import web

from presentai.domain.errors import FileTooLarge, ValidationFailed
from presentai.domain.limits import DEFAULT_LIMITS
from presentai.entrypoints.http.errors import BadRequest
from presentai.entrypoints.http.keys import CONTAINER

T = TypeVar("T")

rest = cattrs.Converter(forbid_extra_keys=True)
rest.register_unstructure_hook(datetime, lambda value: value.isoformat())


# JSON numbers beyond this lose precision in JavaScript and overflow every integer column we have.
MAX_JSON_INTEGER = 2**53


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _strict_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    if abs(value) > MAX_JSON_INTEGER:
        raise TypeError("expected a whole number between -2^53 and 2^53")
    return value


def bad_text(value: str) -> str:
    """Why ``value`` cannot be stored as text (a NUL, a lone surrogate), or ``""`` if it can."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return ""


def _check_text(data: Any, path: str = "") -> None:
    """Refuse, anywhere in a parsed body, a string no database or file format can hold."""
    if isinstance(data, str):
        problem = bad_text(data)
        if problem:
            raise BadRequest("the body has invalid fields", {path or "body": f"the text {problem}"})
    elif isinstance(data, dict):
        for key, value in data.items():
            _check_text(key, path or "body")
            _check_text(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _check_text(value, f"{path}[{index}]")


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


rest.register_structure_hook(str, _strict_str)
rest.register_structure_hook(bool, _strict_bool)
rest.register_structure_hook(int, _strict_int)


@web.middleware
async def clean_input(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Refuse a path or query value no database can hold (a NUL, a lone surrogate) before any handler."""
    for where, values in (("path", request.match_info.items()), ("query", request.query.items())):
        for name, value in values:
            problem = bad_text(name) or bad_text(value)
            if problem:
                raise BadRequest(f"the {where} parameter {name!r} {problem}", {name: problem})
    return await handler(request)


async def read_body(request: web.Request, model: type[T]) -> T:
    """The JSON body as ``model``; ``BadRequest`` naming each wrong field otherwise."""
    limit = request.app[CONTAINER].settings().limits.json_body_bytes
    if (request.content_length or 0) > limit or len(await request.read()) > limit:
        raise FileTooLarge(f"a JSON body is at most {limit} bytes", "body", limit)
    try:
        data = await request.json(loads=json.loads)
    except RecursionError as error:
        raise BadRequest("the body nests too deeply") from error
    except ValueError as error:  # not JSON, not UTF-8, or an integer of more than 4,300 digits
        if "digits" in str(error):
            raise BadRequest("the body has a number too large to read") from error
        raise BadRequest("the body is not valid JSON") from error
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    try:
        _check_text(data)
    except RecursionError as error:
        raise BadRequest("the body nests too deeply") from error
    try:
        return rest.structure(data, model)
    except cattrs.BaseValidationError as error:
        fields = {}
        for line in cattrs.transform_error(error):
            message, _, path = line.rpartition(" @ ")
            fields[path.removeprefix("$.") or "body"] = message
        raise BadRequest("the body has invalid fields", fields) from error


def check_lengths(**fields: tuple[str | None, int]) -> None:
    """``ValidationFailed`` naming each text field longer than its limit (``name=(value, limit)``)."""
    problems: dict[str, str] = {}
    for name, (value, limit) in fields.items():
        DEFAULT_LIMITS.text(problems, name, value, limit)
    if problems:
        raise ValidationFailed("some fields are too long", problems)


def dump(value: Any) -> Any:
    """A response value as JSON-ready data."""
    return rest.unstructure(value)
