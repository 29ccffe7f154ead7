"""Brand kits over HTTP: admins manage them on pro plans, editors use them, keys need brand_kits:write,
templates and logos are checked from their content, and another tenant's kit is not found."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pptx
import pytest
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image

from presentai.config import Settings
from presentai.domain.ids import new_id
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import CONTAINER
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_account import PASSWORD
from tests.e2e.test_api_keys import new_key
from tests.e2e.test_api_members import organization

TEMPLATE_LIMIT = 512 * 1024
LOGO_LIMIT = 64 * 1024


@pytest.fixture(params=["sqlite", "postgres"])
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TestClient]:
    url = "" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    settings = Settings(
        workspace=tmp_path / "ws",
        database_url=url,
        jwt_secret="s" * 40,
        brand_template_max_bytes=TEMPLATE_LIMIT,
        brand_logo_max_bytes=LOGO_LIMIT,
    )
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


async def on_plan(client: TestClient, organization_id: str, plan: str) -> None:
    """Put the organization on ``plan`` (billing is not part of this API yet)."""
    organizations = client.server.app[CONTAINER].organizations()
    found = await organizations.get(organization_id)
    found.plan = plan
    await organizations.save(found)


async def member(client: TestClient, owner: dict[str, str], org: str, role: str) -> dict[str, str]:
    """A new account that was invited to ``org`` as ``role`` and accepted."""
    email = f"{role}-{new_id()}@example.com"
    invited = await client.post(
        f"/api/v1/organizations/{org}/members/invite",
        json={"email": email, "role": role},
        headers={"Authorization": owner["auth"]},
    )
    assert invited.status in (200, 201), await invited.text()
    account = await signed_up(client, email)
    waiting = await (await client.get("/api/v1/invitations", headers={"Authorization": account["auth"]})).json()
    accepted = await client.post(
        f"/api/v1/invitations/{waiting['data'][0]['id']}/accept", headers={"Authorization": account["auth"]}
    )
    assert (await accepted.json())["role"] == role
    return account


async def pro_team(client: TestClient) -> tuple[str, dict[str, dict[str, str]]]:
    owner = await signed_up(client)
    org = await organization(client, owner)
    await on_plan(client, org, "pro")
    people = {"owner": owner}
    for role in ("admin", "editor", "viewer"):
        people[role] = await member(client, owner, org, role)
    return org, people


def h(account: dict[str, str]) -> dict[str, str]:
    return {"Authorization": account["auth"]}


KIT = {
    "name": "Acme",
    "colors": {"primary": "#0B3D2E", "accent": "#C2410C", "background": "#FFFDF7", "text": "#1A1A1A"},
    "fonts": {"heading": "Georgia", "body": "Arial"},
}


async def new_kit(client: TestClient, org: str, account: dict[str, str], **extra: Any) -> dict[str, Any]:
    made = await client.post("/api/v1/brand-kits", json={**KIT, "organization_id": org, **extra}, headers=h(account))
    assert made.status == 201, await made.text()
    return await made.json()  # type: ignore[no-any-return]


def form(data: bytes, filename: str) -> aiohttp.FormData:
    body = aiohttp.FormData()
    body.add_field("file", io.BytesIO(data), filename=filename)
    return body


def real_template() -> bytes:
    prs = pptx.Presentation()
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Corporate"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def rezipped(data: bytes, change: dict[str, bytes], *, extra_deflated: dict[str, bytes] | None = None) -> bytes:
    """``data`` (a ZIP package) with some entries replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, change.pop(entry.filename, source.read(entry.filename)))
        for name, content in {**change, **(extra_deflated or {})}.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def macro_template() -> bytes:
    data = real_template()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    ).replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return rezipped(
        data, {"[Content_Types].xml": types.encode(), "ppt/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"0" * 512}
    )


def zip_bomb() -> bytes:
    """A real presentation carrying a part of 50 MB of zeros that packs into about 50 KB."""
    return rezipped(real_template(), {}, extra_deflated={"ppt/media/filler.bin": bytes(50 * 2**20)})


def png(width: int = 40, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


async def test_an_admin_creates_lists_reads_updates_and_deletes_a_kit_and_each_change_is_audited(
    client: TestClient,
) -> None:
    org, people = await pro_team(client)
    admin = people["admin"]
    kit = await new_kit(client, org, admin, is_default=True)
    assert (kit["name"], kit["colors"]["primary"], kit["fonts"], kit["is_default"]) == (
        "Acme", "#0B3D2E", {"heading": "Georgia", "body": "Arial"}, True,
    )  # fmt: skip
    assert kit["logo"] is None
    assert kit["template"] is None
    other = await new_kit(client, org, admin, name="Second", is_default=True)
    listed = await (await client.get(f"/api/v1/brand-kits?organization_id={org}", headers=h(admin))).json()
    assert [(k["name"], k["is_default"]) for k in listed["data"]] == [("Second", True), ("Acme", False)]
    changed = await client.patch(
        f"/api/v1/brand-kits/{kit['id']}",
        json={"name": "Acme 2025", "colors": {"accent": "#1D4ED8"}, "fonts": {"body": "Calibri"}},
        headers=h(admin),
    )
    assert changed.status == 200
    body = await changed.json()
    assert (body["name"], body["colors"]["accent"], body["colors"]["primary"], body["fonts"]["body"]) == (
        "Acme 2025", "#1D4ED8", "#0B3D2E", "Calibri",
    )  # fmt: skip
    assert (await (await client.get(f"/api/v1/brand-kits/{kit['id']}", headers=h(admin))).json()) == body
    assert (await client.delete(f"/api/v1/brand-kits/{other['id']}", headers=h(admin))).status == 204
    assert (await client.get(f"/api/v1/brand-kits/{other['id']}", headers=h(admin))).status == 404
    journal = await (
        await client.get(f"/api/v1/organizations/{org}/audit-logs?action=", headers=h(people["owner"]))
    ).json()
    actions = [(e["action"], e["target_id"]) for e in journal["data"] if e["action"].startswith("brand_kit.")]
    assert actions == [
        ("brand_kit.delete", other["id"]),
        ("brand_kit.update", kit["id"]),
        ("brand_kit.create", other["id"]),
        ("brand_kit.create", kit["id"]),
    ]


async def test_editors_use_kits_viewers_do_not_and_only_admins_change_them(client: TestClient) -> None:
    org, people = await pro_team(client)
    kit = await new_kit(client, org, people["owner"])
    editor, viewer = h(people["editor"]), h(people["viewer"])
    assert (await client.get(f"/api/v1/brand-kits/{kit['id']}", headers=editor)).status == 200
    listed = await client.get(f"/api/v1/brand-kits?organization_id={org}", headers=editor)
    assert [k["id"] for k in (await listed.json())["data"]] == [kit["id"]]
    for method, path, body in [
        ("POST", "/api/v1/brand-kits", {**KIT, "organization_id": org}),
        ("PATCH", f"/api/v1/brand-kits/{kit['id']}", {"name": "Mine now"}),
        ("DELETE", f"/api/v1/brand-kits/{kit['id']}", None),
    ]:
        refused = await client.request(method, path, json=body, headers=editor)
        answer = await refused.json()
        assert (refused.status, answer["error"], answer["required"], answer["current"]) == (
            403, "insufficient_role", "admin", "editor",
        ), (method, path)  # fmt: skip
    logo = await client.post(f"/api/v1/brand-kits/{kit['id']}/logo", data=form(png(), "logo.png"), headers=editor)
    assert logo.status == 403
    seen = await client.get(f"/api/v1/brand-kits/{kit['id']}", headers=viewer)
    assert (seen.status, (await seen.json())["required"]) == (403, "editor")
    deck = await client.post(
        "/api/v1/presentations", json={"organization_id": org, "title": "Q4", "brand_kit_id": kit["id"]}, headers=editor
    )
    assert deck.status == 201
    assert (await deck.json())["parameters"]["brand_kit_id"] == kit["id"]


async def test_a_key_needs_brand_kits_write_to_manage_kits(client: TestClient) -> None:
    owner = await signed_up(client)
    org = (await (await client.get("/api/v1/users/me", headers=h(owner))).json())["organizations"][0]["id"]
    await on_plan(client, org, "pro")
    writer = {"X-API-Key": (await new_key(client, owner["auth"], ["presentations:write"]))["key"]}
    manager = {"X-API-Key": (await new_key(client, owner["auth"], ["brand_kits:write"]))["key"]}
    refused = await client.post("/api/v1/brand-kits", json=KIT, headers=writer)
    body = await refused.json()
    assert (refused.status, body["error"], body["required"]) == (403, "insufficient_scope", "brand_kits:write")
    made = await client.post("/api/v1/brand-kits", json=KIT, headers=manager)
    assert made.status == 201
    kit = await made.json()
    assert (await client.get(f"/api/v1/brand-kits/{kit['id']}", headers=writer)).status == 200  # to name it
    assert (await client.patch(f"/api/v1/brand-kits/{kit['id']}", json={"name": "x"}, headers=writer)).status == 403
    uploaded = await client.post(
        f"/api/v1/brand-kits/{kit['id']}/template", data=form(real_template(), "t.pptx"), headers=manager
    )
    assert uploaded.status == 200
    journal = await (await client.get(f"/api/v1/organizations/{org}/audit-logs", headers=h(owner))).json()
    assert [e["actor_kind"] for e in journal["data"] if e["action"].startswith("brand_kit.")] == ["api_key"] * 2


async def test_another_organizations_kit_is_not_found_and_cannot_be_named(client: TestClient) -> None:
    org, people = await pro_team(client)
    kit = await new_kit(client, org, people["admin"])
    stranger = await signed_up(client)
    their_org = (await (await client.get("/api/v1/users/me", headers=h(stranger))).json())["organizations"][0]["id"]
    await on_plan(client, their_org, "pro")
    for method, path, body in [
        ("GET", f"/api/v1/brand-kits/{kit['id']}", None),
        ("PATCH", f"/api/v1/brand-kits/{kit['id']}", {"name": "Stolen"}),
        ("DELETE", f"/api/v1/brand-kits/{kit['id']}", None),
    ]:
        response = await client.request(method, path, json=body, headers=h(stranger))
        assert (response.status, (await response.json())["error"]) == (404, "not_found"), (method, path)
    template = await client.post(
        f"/api/v1/brand-kits/{kit['id']}/template", data=form(real_template(), "t.pptx"), headers=h(stranger)
    )
    assert template.status == 404
    assert (await (await client.get("/api/v1/brand-kits", headers=h(stranger))).json())["data"] == []
    named = await client.post(
        "/api/v1/presentations", json={"title": "x", "brand_kit_id": kit["id"]}, headers=h(stranger)
    )
    body = await named.json()
    assert (named.status, body["error"], body["fields"]) == (
        422,
        "validation_error",
        {"brand_kit_id": "no such brand kit"},
    )


async def test_brand_kits_are_a_pro_feature(client: TestClient) -> None:
    owner = await signed_up(client)
    org = await organization(client, owner)
    refused = await client.post("/api/v1/brand-kits", json={**KIT, "organization_id": org}, headers=h(owner))
    body = await refused.json()
    assert (refused.status, body["error"], body["required"], body["current"]) == (
        422, "validation_error", "pro", "free",
    )  # fmt: skip
    assert "pro plan" in body["message"]
    assert body["request_id"].startswith("req_")
    await on_plan(client, org, "pro")
    kit = await new_kit(client, org, owner)
    await on_plan(client, org, "free")  # downgraded: kits stay readable and deletable, not changeable
    assert (await client.get(f"/api/v1/brand-kits/{kit['id']}", headers=h(owner))).status == 200
    change = await client.patch(f"/api/v1/brand-kits/{kit['id']}", json={"name": "x"}, headers=h(owner))
    assert (change.status, (await change.json())["required"]) == (422, "pro")
    assert (await client.delete(f"/api/v1/brand-kits/{kit['id']}", headers=h(owner))).status == 204


async def test_colours_and_fonts_are_validated(client: TestClient) -> None:
    org, people = await pro_team(client)
    admin = h(people["admin"])
    for colors, field in [({"primary": "blue"}, "colors.primary"), ({"text": "#EEEEEE"}, "colors.text")]:
        refused = await client.post(
            "/api/v1/brand-kits", json={"name": "x", "organization_id": org, "colors": colors}, headers=admin
        )
        body = await refused.json()
        assert (refused.status, body["error"]) == (422, "validation_error")
        assert field in body["fields"]
    bad_font = await client.post(
        "/api/v1/brand-kits", json={"name": "x", "organization_id": org, "fonts": {"body": "<b>"}}, headers=admin
    )
    assert "fonts.body" in (await bad_font.json())["fields"]


async def test_a_real_template_is_accepted_and_unsafe_or_wrong_files_are_refused_by_content(
    client: TestClient,
) -> None:
    org, people = await pro_team(client)
    kit = await new_kit(client, org, people["admin"])
    path = f"/api/v1/brand-kits/{kit['id']}/template"
    admin = h(people["admin"])
    accepted = await client.post(path, data=form(real_template(), "corporate.pptx"), headers=admin)
    assert accepted.status == 200, await accepted.text()
    assert (await accepted.json())["template"]["size_bytes"] == len(real_template())
    for data, name, status, code in [
        (zip_bomb(), "bomb.pptx", 413, "file_too_large"),
        (macro_template(), "macro.pptx", 415, "unsupported_file_type"),
        (b"%PDF-1.7\n" + b"0" * 1000, "deck.pptx", 415, "unsupported_file_type"),
        (rezipped(real_template(), {"ppt/presentation.xml": b"<broken"}), "broken.pptx", 422, "validation_error"),
        (b"PK\x03\x04" + bytes(TEMPLATE_LIMIT), "huge.pptx", 413, "file_too_large"),
    ]:
        refused = await client.post(path, data=form(data, name), headers=admin)
        assert (refused.status, (await refused.json())["error"]) == (status, code), name
    assert len(zip_bomb()) < TEMPLATE_LIMIT
    kept = await (await client.get(f"/api/v1/brand-kits/{kit['id']}", headers=admin)).json()
    assert kept["template"]["size_bytes"] == len(real_template())  # the refused ones changed nothing
    removed = await client.delete(path, headers=admin)
    assert (await removed.json())["template"] is None


async def test_a_logo_must_be_a_real_png_or_jpeg_within_the_limit(client: TestClient) -> None:
    org, people = await pro_team(client)
    kit = await new_kit(client, org, people["admin"])
    path = f"/api/v1/brand-kits/{kit['id']}/logo"
    admin = h(people["admin"])
    accepted = await client.post(path, data=form(png(), "logo.png"), headers=admin)
    assert (await accepted.json())["logo"]["media_type"] == "image/png"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    noise = Image.effect_noise((400, 400), 90).convert("RGB")
    big = io.BytesIO()
    noise.save(big, "PNG")
    assert len(big.getvalue()) > LOGO_LIMIT
    for data, name, status in [
        (svg, "logo.svg", 415),
        (b"not an image at all", "logo.png", 415),
        (png()[:60], "cut.png", 422),
        (big.getvalue(), "big.png", 413),
    ]:
        refused = await client.post(path, data=form(data, name), headers=admin)
        assert refused.status == status, name


def theme_of(data: bytes) -> dict[str, str]:
    """The colour scheme (slot → RRGGBB), the fonts and the scheme's name of a PPTX's master."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE

    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    prs = pptx.Presentation(io.BytesIO(data))
    root = etree.fromstring(prs.slide_master.part.part_related_by(RELATIONSHIP_TYPE.THEME).blob)
    scheme = root.find(f".//{a}clrScheme")
    found = {slot.tag.removeprefix(a): slot[0].get("val") or slot[0].get("lastClr") for slot in scheme}
    found["name"] = scheme.get("name")
    found["body_font"] = root.find(f".//{a}minorFont/{a}latin").get("typeface")
    return found


async def test_exports_use_the_default_kit_and_a_presentation_may_name_a_kit_with_a_template(
    client: TestClient,
) -> None:
    from tests.e2e.test_api_exports import export, link, ready_deck

    owner = await signed_up(client)
    org = (await (await client.get("/api/v1/users/me", headers=h(owner))).json())["organizations"][0]["id"]
    await on_plan(client, org, "pro")
    themed = await new_kit(client, org, owner, is_default=True)
    await client.post(f"/api/v1/brand-kits/{themed['id']}/logo", data=form(png(300, 100), "l.png"), headers=h(owner))
    deck = await ready_deck(client, owner["auth"])
    done = await export(client, owner["auth"], deck["id"], "pptx")
    data = await (await client.get(link(done))).read()
    colours = theme_of(data)
    assert (colours["dk1"], colours["lt1"], colours["accent1"], colours["accent2"], colours["body_font"]) == (
        "1A1A1A", "FFFDF7", "0B3D2E", "C2410C", "Arial",
    )  # fmt: skip
    master = pptx.Presentation(io.BytesIO(data)).slide_master
    assert [s.image.blob for s in master.shapes if s.shape_type == 13] == [png(300, 100)]  # 13: a picture

    templated = await new_kit(client, org, owner, name="With template")
    await client.post(
        f"/api/v1/brand-kits/{templated['id']}/template", data=form(real_template(), "t.pptx"), headers=h(owner)
    )
    named = await client.patch(
        f"/api/v1/presentations/{deck['id']}", json={"brand_kit_id": templated["id"]}, headers=h(owner)
    )
    assert (await named.json())["parameters"]["brand_kit_id"] == templated["id"]
    again = await export(client, owner["auth"], deck["id"], "pptx")
    in_template = theme_of(await (await client.get(link(again))).read())
    assert in_template["name"] == theme_of(real_template())["name"] == "Office"
    await client.patch(f"/api/v1/presentations/{deck['id']}", json={"brand_kit_id": ""}, headers=h(owner))
    assert (await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=h(owner))).json())["parameters"][
        "brand_kit_id"
    ] is None


async def test_erasing_the_owners_account_deletes_its_kits_and_their_stored_files(client: TestClient) -> None:
    owner = await signed_up(client)
    org = await organization(client, owner)
    await on_plan(client, org, "pro")
    kit = await new_kit(client, org, owner)
    await client.post(f"/api/v1/brand-kits/{kit['id']}/logo", data=form(png(), "logo.png"), headers=h(owner))
    await client.post(
        f"/api/v1/brand-kits/{kit['id']}/template", data=form(real_template(), "t.pptx"), headers=h(owner)
    )
    container = client.server.app[CONTAINER]
    stored = await container.brand_kits().get(org, kit["id"])
    assert stored.logo is not None
    assert stored.template is not None
    files = [stored.logo.key, stored.template.key]
    assert all([await container.store().exists(key) for key in files])

    erased = await client.delete(
        "/api/v1/users/me", json={"password": PASSWORD, "delete_sole_organizations": True}, headers=h(owner)
    )
    assert erased.status == 200, await erased.text()
    assert [await container.store().exists(key) for key in files] == [False, False]
    assert await container.brand_kits().list(org) == []
