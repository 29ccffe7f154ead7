"""The slide view: one slide full size with each statement's source passage; edit, regenerate, restore."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import Conflict, Gone, NotFound, ValidationFailed
from presentai.domain.presentation import Presentation
from presentai.domain.slides import Slide
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.bodies import bad_text
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.access import may
from presentai.entrypoints.http.pages.common import page, render
from presentai.entrypoints.http.pages.flash import flash, register
from presentai.entrypoints.http.pages.i18n import _
from presentai.entrypoints.http.pages.slides_brand import preview_kit
from presentai.entrypoints.http.pages.slides_preview import prepared
from presentai.entrypoints.http.pages.slides_sources import attributions
from presentai.entrypoints.http.presentations import load_presentation, slide_body
from presentai.entrypoints.http.slides import keep, revise_slide, start_regeneration
from presentai.entrypoints.http.slides import restore_version as restore

routes = web.RouteTableDef()
_READ, _WRITE = Scope.PRESENTATIONS_READ, Scope.PRESENTATIONS_WRITE
THEMES = ("light", "dark", "corporate")
_SHOWN_VERSIONS = 20

register(
    {
        "slide_saved": ("success", _("The slide was saved as a new version.")),
        "slide_invalid": ("error", _("The slide was not saved: it needs a title, and every text within its limit.")),
        "slide_busy": ("error", _("The presentation is being generated; try again when it is done.")),
        "slide_restored": ("success", _("The earlier version is the current one again.")),
        "slide_regenerating": ("info", _("The slide is being written again; its new version appears in the history.")),
    }
)


async def load_numbered(request: web.Request, action: Action) -> tuple[Presentation, Slide, int]:
    """The presentation of the path, and its slide number ``n`` (from 1); ``NotFound`` for any other."""
    try:
        presentation = await load_presentation(request, request.match_info["id"], action, _READ if action is
                                               Action.READ else _WRITE)  # fmt: skip
    except Gone:
        raise NotFound.of("presentation", request.match_info["id"]) from None
    raw = request.match_info["n"]
    if not (raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= len(presentation.slides)):
        raise NotFound.of("slide", raw)
    number = int(raw)
    return presentation, presentation.slides[number - 1], number


def _asked(request: web.Request) -> str:
    """The theme the viewer asked to preview in (``?theme=``), or "" for the presentation's own."""
    theme = request.query.get("theme", "")
    return theme if theme in THEMES else ""


def _here(presentation: Presentation, number: int, theme: str = "") -> str:
    path = f"/presentations/{presentation.id}/slides/{number}"
    return f"{path}?theme={theme}" if theme else path


def _back(presentation: Presentation, number: int, key: str, theme: str = "") -> web.HTTPFound:
    response = web.HTTPFound(_here(presentation, number, theme))
    flash(response, key)
    return response


@routes.get(r"/presentations/{id}/slides/{n:\d+}")
@page
async def show_slide(request: web.Request) -> web.StreamResponse:
    """The slide as it will look, its statements' sources beside it, and (for editors) its editing."""
    sessions.require_user(request)
    presentation, slide, number = await load_numbered(request, Action.READ)
    membership = await member(request, presentation.organization_id, Action.READ, _READ)
    container = request.app[CONTAINER]
    passages, names = await attributions(
        presentation.organization_id, slide.content, container.chunks(), container.sources()
    )
    versions = [
        {"number": v.number, "reason": v.reason.value, "created_at": v.created_at, "title": v.content.title}
        for v in reversed(slide.versions[-_SHOWN_VERSIONS:])
    ]
    own = getattr(presentation, "theme", THEMES[0])
    theme = _asked(request) or (own if own in THEMES else THEMES[0])
    return await render(
        request,
        "slides/view.html",
        {
            "presentation": presentation,
            "slide": prepared(slide_body(slide, number)),
            "number": number,
            "count": len(presentation.slides),
            "passages": passages,
            "sources": names,
            "versions": versions,
            "current_version": slide.version,
            "theme": theme,
            "themes": THEMES,
            "brand_kit": await preview_kit(request, presentation),
            "can_edit": may(membership, Action.EDIT),
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < len(presentation.slides) else None,
            "own_theme": own,
            "theme_query": f"?theme={_asked(request)}" if _asked(request) else "",
        },
    )


async def _bullets(request: web.Request) -> list[tuple[str, int]]:
    """The posted bullets (text, level), empty rows left out."""
    form = await request.post()
    texts = [t if isinstance(t, str) else "" for t in form.getall("bullet", [])]
    levels = [v if isinstance(v, str) else "0" for v in form.getall("level", [])]
    found: list[tuple[str, int]] = []
    for i, text in enumerate(texts):
        if bad_text(text):
            raise ValidationFailed("a bullet holds characters that cannot be stored", {f"bullets[{i}]": "invalid"})
        level = levels[i] if i < len(levels) else "0"
        if text.strip():
            found.append((text.strip(), 1 if level == "1" else 0))
    return found


async def _field(request: web.Request, name: str) -> str:
    value = (await request.post()).get(name, "")
    text = value if isinstance(value, str) else ""
    if bad_text(text):
        raise ValidationFailed(f"the field {name} holds characters that cannot be stored", {name: "invalid"})
    return text


@routes.post(r"/presentations/{id}/slides/{n:\d+}")
@page
async def edit_slide(request: web.Request) -> web.StreamResponse:
    """Save the slide's title, bullets and notes as a new version (as PATCH /api/v1/slides/{id} does:
    an unchanged bullet keeps its sources, an edited one loses them)."""
    user = sessions.require_user(request)
    presentation, slide, number = await load_numbered(request, Action.EDIT)
    theme = _asked(request)
    try:
        title, notes, posted = await _field(request, "title"), await _field(request, "notes"), await _bullets(request)
        revise_slide(request, presentation, slide, user.id, title=title.strip(), bullets=posted, notes=notes.strip())
    except ValidationFailed:
        raise _back(presentation, number, "slide_invalid", theme) from None
    except Conflict:
        raise _back(presentation, number, "slide_busy", theme) from None
    await keep(request, presentation, slide, "slide.edit")
    raise _back(presentation, number, "slide_saved", theme)


@routes.post(r"/presentations/{id}/slides/{n:\d+}/versions/{version:\d+}/restore")
@page
async def restore_version(request: web.Request) -> web.StreamResponse:
    """Make an earlier version of the slide current again (as a new version)."""
    user = sessions.require_user(request)
    presentation, slide, number = await load_numbered(request, Action.EDIT)
    raw = request.match_info["version"]
    if not (raw.isdigit() and len(raw) <= 9):
        raise NotFound.of("slide version", raw)
    try:
        presentation.ensure_idle()
    except Conflict:
        raise _back(presentation, number, "slide_busy", _asked(request)) from None
    restore(request, presentation, slide, int(raw), user.id)
    await keep(request, presentation, slide, "slide.restore")
    raise _back(presentation, number, "slide_restored", _asked(request))


@routes.post(r"/presentations/{id}/slides/{n:\d+}/regenerate")
@page
async def regenerate_slide(request: web.Request) -> web.StreamResponse:
    """Start writing the slide again from its sources (a job; the new version joins the history)."""
    user = sessions.require_user(request)
    presentation, slide, number = await load_numbered(request, Action.EDIT)
    try:
        presentation.ensure_idle()
    except Conflict:
        raise _back(presentation, number, "slide_busy", _asked(request)) from None
    await start_regeneration(request, presentation, slide, user.id)
    raise _back(presentation, number, "slide_regenerating", _asked(request))
