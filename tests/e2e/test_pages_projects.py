"""The project page's new presentation: made as the API makes it (filed in the project, journalled)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from presentai.domain.audit import AuditQuery
from presentai.domain.projects import Project
from presentai.entrypoints.http.keys import AUDIT, CONTAINER, ORGANIZATIONS
from tests.e2e.test_pages_editor import HTML, client, signed_in

__all__ = ["client"]


async def test_a_presentation_made_on_the_project_page_is_a_draft_in_the_project_and_journalled(
    client: TestClient,
) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    organization_id = (await client.server.app[ORGANIZATIONS].memberships(user_id))[0].organization_id
    project = Project.start(organization_id, "Q3")
    container = client.server.app[CONTAINER]
    await container.projects().add(project)
    form = {"csrf_token": token, "title": "Board deck"}
    response = await client.post(f"/projects/{project.id}/presentations", data=form, headers=HTML)
    assert "The presentation was created." in await response.text()
    [made] = await container.presentations().page(organization_id, 10, project_id=project.id)
    assert (made.title, made.status.value) == ("Board deck", "draft")
    entries = await client.server.app[AUDIT].query(AuditQuery(organization_id, 10, action="presentation.create"))
    assert [(e.target_id, e.actor_id) for e in entries] == [(made.id, user_id)]

    too_long = {"csrf_token": token, "title": "t" * 501}
    await client.post(f"/projects/{project.id}/presentations", data=too_long, headers=HTML)
    assert len(await container.presentations().page(organization_id, 10, project_id=project.id)) == 1
