"""Themes over HTTP: a presentation is created and changed in one, its exports are drawn in it."""

from __future__ import annotations

import io
from typing import Any

from aiohttp.test_utils import TestClient
from pptx import Presentation
from pptx.oxml.ns import qn

from presentai.adapters.pptx.themes import THEMES
from tests.conftest import SAMPLES
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_exports import export, link
from tests.e2e.test_api_presentations import add_source, generate, upload


def master_background(data: bytes) -> str:
    master = Presentation(io.BytesIO(data)).slide_master._element
    return str(master.find(f"{qn('p:cSld')}/{qn('p:bg')}").find(f".//{qn('a:srgbClr')}").get("val"))


async def created(client: TestClient, auth: str, **fields: Any) -> Any:
    response = await client.post(
        "/api/v1/presentations",
        json={"title": "Grid 2025", "slide_count": 2, **fields},
        headers={"Authorization": auth},
    )
    return response.status, await response.json()


async def test_a_presentation_is_light_by_default_and_keeps_the_theme_it_is_given(client: TestClient) -> None:
    anna = await signed_up(client)
    headers = {"Authorization": anna["auth"]}
    status, plain = await created(client, anna["auth"])
    assert (status, plain["theme"]) == (201, "light")
    status, dark = await created(client, anna["auth"], theme="dark")
    assert (status, dark["theme"]) == (201, "dark")
    read = await (await client.get(f"/api/v1/presentations/{dark['id']}", headers=headers)).json()
    assert read["theme"] == "dark"
    changed = await client.patch(f"/api/v1/presentations/{dark['id']}", json={"theme": "corporate"}, headers=headers)
    assert (changed.status, (await changed.json())["theme"]) == (200, "corporate")
    retitled = await client.patch(f"/api/v1/presentations/{dark['id']}", json={"title": "Grid"}, headers=headers)
    assert (await retitled.json())["theme"] == "corporate"  # a change without a theme keeps it
    listed = await (await client.get("/api/v1/presentations", headers=headers)).json()
    assert {p["id"]: p["theme"] for p in listed["data"]} == {plain["id"]: "light", dark["id"]: "corporate"}


async def test_an_unknown_theme_is_a_validation_error_naming_the_themes(client: TestClient) -> None:
    anna = await signed_up(client)
    status, body = await created(client, anna["auth"], theme="neon")
    assert (status, body["error"]) == (422, "validation_error")
    assert body["fields"] == {"theme": "must be one of light, dark, corporate"}
    _, deck = await created(client, anna["auth"])
    refused = await client.patch(
        f"/api/v1/presentations/{deck['id']}",
        json={"theme": "Dark", "title": "New"},
        headers={"Authorization": anna["auth"]},
    )
    assert refused.status == 422
    read = await client.get(f"/api/v1/presentations/{deck['id']}", headers={"Authorization": anna["auth"]})
    assert ((await read.json())["theme"], (await read.json())["title"]) == ("light", "Grid 2025")  # all or nothing


async def test_the_themes_are_listed_with_their_colours_and_fonts(client: TestClient) -> None:
    anna = await signed_up(client)
    assert (await client.get("/api/v1/themes")).status == 401
    response = await client.get("/api/v1/themes", headers={"Authorization": anna["auth"]})
    assert response.status == 200
    themes = (await response.json())["data"]
    assert [t["name"] for t in themes] == ["light", "dark", "corporate"]
    dark = themes[1]
    assert dark["colors"]["background"] == f"#{THEMES['dark'].palette.background}"
    assert dark["colors"]["text"] == f"#{THEMES['dark'].palette.text}"
    assert (dark["dark"], dark["default"], themes[0]["default"]) == (True, False, True)
    assert themes[2]["fonts"] == {"heading": "Arial", "body": "Arial"}
    assert len(dark["chart_colors"]) == 6


async def test_the_openapi_document_lists_the_theme_and_the_themes_route(client: TestClient) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert schemas["CreatePresentationBody"]["properties"]["theme"]["type"] == "string"
    assert schemas["UpdatePresentationBody"]["properties"]["theme"]["nullable"] is True
    assert "get" in document["paths"]["/api/v1/themes"]


async def test_an_export_of_a_dark_presentation_is_drawn_on_the_dark_master(client: TestClient) -> None:
    anna = await signed_up(client)
    headers = {"Authorization": anna["auth"]}
    _, deck = await created(client, anna["auth"], theme="dark")
    await add_source(client, headers, deck["id"], upload(SAMPLES / "field-notes.md"))
    await generate(client, headers, deck["id"], "outline")
    assert (await generate(client, headers, deck["id"], "slides"))["status"] == "ready"
    done = await export(client, anna["auth"], deck["id"], "pptx")
    assert done["status"] == "completed"
    data = await (await client.get(link(done))).read()
    dark = THEMES["dark"].palette
    assert master_background(data) == dark.background
    prs = Presentation(io.BytesIO(data))
    assert prs.slide_master._element.find(qn("p:clrMap")).get("bg1") == "dk1"  # text follows the dark scheme
    await client.patch(f"/api/v1/presentations/{deck['id']}", json={"theme": "corporate"}, headers=headers)
    again = await export(client, anna["auth"], deck["id"], "pptx")
    assert master_background(await (await client.get(link(again))).read()) == THEMES["corporate"].palette.background
