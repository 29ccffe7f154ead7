"""Request bodies in, response bodies out: a private cattrs converter for the REST boundary."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

import cattrs
from aiohttp import web

from presentai.entrypoints.http.errors import BadRequest

T = TypeVar("T")

rest = cattrs.Converter(forbid_extra_keys=True)
rest.register_unstructure_hook(datetime, lambda value: value.isoformat())


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _strict_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


rest.register_structure_hook(str, _strict_str)
rest.register_structure_hook(bool, _strict_bool)
rest.register_structure_hook(int, _strict_int)


async def read_body(request: web.Request, model: type[T]) -> T:
    """The JSON body as ``model``; ``BadRequest`` naming each wrong field otherwise."""
    try:
        data = await request.json(loads=json.loads)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest("the body is not valid JSON") from error
    except RecursionError as error:
        raise BadRequest("the body nests too deeply") from error
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    try:
        return rest.structure(data, model)
    except cattrs.BaseValidationError as error:
        fields = {}
        for line in cattrs.transform_error(error):
            message, _, path = line.rpartition(" @ ")
            fields[path.removeprefix("$.") or "body"] = message
        raise BadRequest("the body has invalid fields", fields) from error


def dump(value: Any) -> Any:
    """A response value as JSON-ready data."""
    return rest.unstructure(value)
