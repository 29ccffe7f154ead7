"""The BrandKitRepository contract: in-process, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from presentai.adapters.memory.brand_kits import InProcessBrandKitRepository
from presentai.adapters.sql.brand_kits import SqlBrandKitRepository
from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandKit, StoredFile
from presentai.domain.errors import NotFound
from presentai.domain.ids import new_id
from presentai.ports.brand_kits import BrandKitRepository
from tests.conftest import sql_database


@pytest.fixture(params=["in-process", "sqlite", "postgres"])
async def kits(request: pytest.FixtureRequest) -> AsyncIterator[BrandKitRepository]:
    if request.param == "in-process":
        yield InProcessBrandKitRepository()
        return
    async with sql_database(request, request.param) as database:
        yield SqlBrandKitRepository(database)


@pytest.fixture
def org() -> str:
    """An organization of its own for each test (the PostgreSQL database is shared by the run)."""
    return f"org-{new_id()}"


async def test_a_kit_reads_back_with_its_colours_fonts_and_files(kits: BrandKitRepository, org: str) -> None:
    kit = BrandKit.create(org, "Acme", BrandColours.parse("#112233", "#aa5500", "#FFFFFF", "#111111"),
                          BrandFonts.parse("Georgia", "Arial"))  # fmt: skip
    await kits.add(kit)
    stored = await kits.get(org, kit.id)
    assert (stored.name, stored.colours, stored.fonts, stored.logo, stored.template, stored.is_default) == (
        "Acme", BrandColours("112233", "AA5500", "FFFFFF", "111111"), BrandFonts("Georgia", "Arial"), None, None,
        False,
    )  # fmt: skip
    assert abs((stored.created_at - kit.created_at).total_seconds()) < 0.001
    stored.use_logo(StoredFile("brand-kits/o/k/logo.png", "image/png", 1234))
    stored.use_template(StoredFile("brand-kits/o/k/template.pptx", "x", 56789))
    stored.rename("Acme 2025")
    await kits.save(stored)
    again = await kits.get(org, kit.id)
    assert again.name == "Acme 2025"
    assert again.logo == StoredFile("brand-kits/o/k/logo.png", "image/png", 1234)
    assert again.template is not None
    assert (again.template.key, again.template.size_bytes) == ("brand-kits/o/k/template.pptx", 56789)
    assert again.updated_at >= again.created_at


async def test_another_organizations_kit_is_not_found_nor_listed_nor_deleted(
    kits: BrandKitRepository, org: str
) -> None:
    kit = BrandKit.create(org, "Mine")
    await kits.add(kit)
    other = f"org-{new_id()}"
    with pytest.raises(NotFound):
        await kits.get(other, kit.id)
    assert await kits.list(other) == []
    await kits.delete(other, kit.id)
    assert (await kits.get(org, kit.id)).name == "Mine"


async def test_kits_list_newest_first_and_a_deleted_one_is_gone(kits: BrandKitRepository, org: str) -> None:
    made = [BrandKit.create(org, f"Kit {i}") for i in range(3)]
    for kit in made:
        await kits.add(kit)
    assert [k.name for k in await kits.list(org)] == ["Kit 2", "Kit 1", "Kit 0"]
    await kits.delete(org, made[1].id)
    assert [k.name for k in await kits.list(org)] == ["Kit 2", "Kit 0"]
    with pytest.raises(NotFound):
        await kits.get(org, made[1].id)


async def test_an_organization_has_at_most_one_default_kit(kits: BrandKitRepository, org: str) -> None:
    assert await kits.default_for(org) is None
    first = BrandKit.create(org, "First", is_default=True)
    await kits.add(first)
    second = BrandKit.create(org, "Second", is_default=True)
    await kits.add(second)
    found = await kits.default_for(org)
    assert found is not None
    assert found.id == second.id
    assert not (await kits.get(org, first.id)).is_default
    first = await kits.get(org, first.id)
    first.is_default = True
    await kits.save(first)
    found = await kits.default_for(org)
    assert found is not None
    assert found.id == first.id
    assert [k.name for k in await kits.list(org) if k.is_default] == ["First"]
    other = BrandKit.create(f"org-{new_id()}", "Elsewhere", is_default=True)
    await kits.add(other)
    assert (await kits.default_for(org)) is not None


async def test_changing_a_read_kit_changes_nothing_stored_until_it_is_saved(kits: BrandKitRepository, org: str) -> None:
    kit = BrandKit.create(org, "Before")
    await kits.add(kit)
    read = await kits.get(org, kit.id)
    read.rename("After")
    assert (await kits.get(org, kit.id)).name == "Before"
