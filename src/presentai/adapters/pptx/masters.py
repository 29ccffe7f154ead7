"""Building a theme's PPTX master from python-pptx's default template, by rewriting its XML.

The default template brings a valid package (master, layouts, theme, notes master);
this module gives it the theme's colour and font scheme, a 16:9 size, a master
with its type scale and footer placeholders, and seven layouts of our own: Title
Slide, Title and Content, Section Header, Two Content, Title Only, Blank and Quote.
The result is deterministic and cached per theme, so a render opens it from bytes.
"""

from __future__ import annotations

import functools
import io
from typing import Any

import pptx
from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.oxml.shapes.picture import CT_Picture
from pptx.util import Inches

from presentai.adapters.pptx.themes import Theme

SLIDE_SIZE = (Inches(13.333), Inches(7.5))
SIDE = Inches(0.75)  # left and right margin
CONTENT_WIDTH = SLIDE_SIZE[0] - 2 * SIDE
INSET_X, INSET_Y = 0, Inches(0.04)  # text-frame insets, the same in every placeholder
LEVEL_INDENT = Inches(0.375)
_FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # any GUID: it names the field, not its kind
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
Box = tuple[int, int, int, int]  # left, top, width, height in EMU

# Where things go, in EMU. Footers share one baseline at the bottom.
TITLE_BOX: Box = (SIDE, Inches(0.72), CONTENT_WIDTH, Inches(1.2))
BODY_BOX: Box = (SIDE, Inches(2.1), CONTENT_WIDTH, Inches(4.45))
_GAP = Inches(0.5)
_HALF = (CONTENT_WIDTH - _GAP) // 2
LEFT_BOX: Box = (SIDE, BODY_BOX[1], _HALF, BODY_BOX[3])
RIGHT_BOX: Box = (SIDE + _HALF + _GAP, BODY_BOX[1], _HALF, BODY_BOX[3])
_FOOT_Y, _FOOT_H = Inches(6.88), Inches(0.32)
FOOTER_BOX: Box = (SIDE, _FOOT_Y, Inches(7.5), _FOOT_H)
DATE_BOX: Box = (SIDE + Inches(7.6), _FOOT_Y, Inches(3.2), _FOOT_H)
NUMBER_BOX: Box = (SLIDE_SIZE[0] - SIDE - Inches(0.9), _FOOT_Y, Inches(0.9), _FOOT_H)
COVER_TITLE_BOX: Box = (SIDE, Inches(1.35), Inches(8.6), Inches(2.65))
COVER_SUBTITLE_BOX: Box = (SIDE, Inches(4.35), Inches(8.6), Inches(1.5))
COVER_DATE_BOX: Box = (SIDE, Inches(6.55), Inches(6.0), Inches(0.4))
_COVER_PANEL_X = Inches(10.0)
SECTION_TITLE_BOX: Box = (SIDE, Inches(2.1), CONTENT_WIDTH, Inches(2.1))
SECTION_BODY_BOX: Box = (SIDE, Inches(4.6), Inches(9.5), Inches(1.5))
QUOTE_BOX: Box = (Inches(1.6), Inches(2.2), Inches(10.2), Inches(3.1))
QUOTE_SOURCE_BOX: Box = (Inches(1.6), Inches(5.5), Inches(10.2), Inches(0.7))
# A brand kit's logo: top right of every slide, above the title; on the cover, in its panel.
LOGO_BOX: Box = (SLIDE_SIZE[0] - SIDE - Inches(1.8), Inches(0.2), Inches(1.8), Inches(0.45))
COVER_LOGO_BOX: Box = (_COVER_PANEL_X + Inches(0.55), Inches(0.6), SLIDE_SIZE[0] - _COVER_PANEL_X - Inches(0.9),
                       Inches(1.0))  # fmt: skip


@functools.lru_cache(maxsize=32)  # the built-in themes, and the brand kits rendered lately
def master_bytes(theme: Theme) -> bytes:
    """A PPTX with no slides whose master and layouts are ``theme``'s (with its logo, if it has one)."""
    prs = pptx.Presentation()
    prs.slide_width, prs.slide_height = SLIDE_SIZE
    master = prs.slide_master
    theme_part = master.part.part_related_by(RT.THEME)
    theme_part._blob = _theme_xml(theme_part.blob, theme)  # a plain part: its XML is kept as bytes
    _rewrite_master(master._element, theme)
    wanted = {
        "Title Slide": _cover,
        "Title and Content": _content,
        "Section Header": _section,
        "Two Content": _two_content,
        "Title Only": _title_only,
        "Blank": _blank,
        "Content with Caption": _quote,  # becomes "Quote"
    }
    for layout in list(prs.slide_layouts):
        build = wanted.get(layout.name)
        if build is None:
            prs.slide_layouts.remove(layout)
            continue
        name, kind, shapes, background = build(theme)
        _rewrite_layout(layout._element, name, kind, shapes, background)
        if theme.logo is not None and kind == "title":  # the cover's panel would hide the master's logo
            layout._element.set("showMasterSp", "0")
            _add_logo(layout.part, layout._element, theme.logo, COVER_LOGO_BOX)
    if theme.logo is not None:
        _add_logo(master.part, master._element, theme.logo, LOGO_BOX)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _theme_xml(blob: bytes, theme: Theme) -> bytes:
    root = etree.fromstring(blob)
    p = theme.palette
    light, dark = (p.text, p.background) if theme.dark else (p.background, p.text)
    light2, dark2 = (p.muted, p.surface) if theme.dark else (p.surface, p.muted)
    colours = {
        "dk1": dark,
        "lt1": light,
        "dk2": dark2,
        "lt2": light2,
        **{f"accent{i + 1}": colour for i, colour in enumerate(p.chart[:6])},
        "hlink": p.accent,
        "folHlink": p.muted,
    }
    scheme = root.find(f".//{{{_A}}}clrScheme")
    assert scheme is not None  # the default template has one
    scheme.set("name", f"PresentAI {theme.name}")
    for slot, colour in colours.items():
        holder = scheme.find(f"{{{_A}}}{slot}")
        assert holder is not None
        holder.clear()
        etree.SubElement(holder, f"{{{_A}}}srgbClr", val=colour)
    fonts = root.find(f".//{{{_A}}}fontScheme")
    assert fonts is not None
    fonts.set("name", f"PresentAI {theme.name}")
    for tag, face in (("majorFont", theme.heading_font), ("minorFont", theme.body_font)):
        latin = fonts.find(f"{{{_A}}}{tag}/{{{_A}}}latin")
        assert latin is not None
        latin.set("typeface", face)
    root.set("name", f"PresentAI {theme.name}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _colour(value: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{value}"/></a:solidFill>'


def _run_props(size: int, colour: str, *, bold: bool = False, italic: bool = False, heading: bool = False) -> str:
    face = "+mj-lt" if heading else "+mn-lt"
    flags = (' b="1"' if bold else ' b="0"') + (' i="1"' if italic else "")
    return (
        f'<a:defRPr sz="{size * 100}"{flags} kern="1200">{_colour(colour)}'
        f'<a:latin typeface="{face}"/><a:ea typeface="{face[:-3]}-ea"/><a:cs typeface="{face[:-3]}-cs"/></a:defRPr>'
    )


def _level(
    n: int, size: int, colour: str, *, bullet: str | None, bullet_colour: str, spacing: int = 100, before: int = 0
) -> str:
    indent = int(LEVEL_INDENT)
    bullet_xml = (
        f'<a:buClr><a:srgbClr val="{bullet_colour}"/></a:buClr><a:buFont typeface="Arial"/><a:buChar char="{bullet}"/>'
        if bullet
        else "<a:buNone/>"
    )
    margin = f' marL="{indent * n}" indent="{-indent}"' if bullet else ' marL="0" indent="0"'
    return (
        f'<a:lvl{n}pPr{margin} algn="l" rtl="0"><a:lnSpc><a:spcPct val="{spacing * 1000}"/></a:lnSpc>'
        f'<a:spcBef><a:spcPts val="{before * 100}"/></a:spcBef>{bullet_xml}'
        f"{_run_props(size, colour)}</a:lvl{n}pPr>"
    )


def _rewrite_master(master: etree._Element, theme: Theme) -> None:
    p, s = theme.palette, theme.scale
    c_sld = master.find(qn("p:cSld"))
    assert c_sld is not None
    for child in list(c_sld):
        c_sld.remove(child)
    c_sld.append(parse_xml(f"<p:bg {nsdecls('p', 'a')}><p:bgPr>{_colour(p.background)}<a:effectLst/></p:bgPr></p:bg>"))
    shapes = [
        _placeholder(2, "Title Placeholder 1", "title", None, TITLE_BOX, prompt="Click to edit the title"),
        _placeholder(3, "Text Placeholder 2", "body", 1, BODY_BOX, prompt="Click to edit the text"),
        *_footers(theme, first_id=4, idx=(2, 3, 4)),
    ]
    c_sld.append(_tree(shapes))
    clr_map = master.find(qn("p:clrMap"))
    assert clr_map is not None
    if theme.dark:  # the scheme's dark colour is the background: swap, as PowerPoint's dark themes do
        for key, value in (("bg1", "dk1"), ("tx1", "lt1"), ("bg2", "dk2"), ("tx2", "lt2")):
            clr_map.set(key, value)
    styles = master.find(qn("p:txStyles"))
    assert styles is not None
    for child in list(styles):
        styles.remove(child)
    title = (
        f'<a:lvl1pPr algn="l" rtl="0"><a:lnSpc><a:spcPct val="95000"/></a:lnSpc><a:spcBef><a:spcPts val="0"/>'
        f"</a:spcBef><a:buNone/>{_run_props(s.title, p.text, bold=True, heading=True)}</a:lvl1pPr>"
    )
    bullets = ("•", "–", "–", "–", "–", "–", "–", "–", "–")
    body = "".join(
        _level(n, max(s.body - 2 * min(n - 1, 1), 18), p.text, bullet=bullets[n - 1], bullet_colour=p.accent, before=10)
        for n in range(1, 10)
    )
    other = "".join(_level(n, s.body, p.text, bullet=None, bullet_colour=p.accent) for n in range(1, 10))
    styles.append(parse_xml(f"<p:titleStyle {nsdecls('p', 'a')}>{title}</p:titleStyle>"))
    styles.append(parse_xml(f"<p:bodyStyle {nsdecls('p', 'a')}>{body}</p:bodyStyle>"))
    styles.append(parse_xml(f"<p:otherStyle {nsdecls('p', 'a')}><a:defPPr/>{other}</p:otherStyle>"))


def _tree(shapes: list[str]) -> etree._Element:
    return parse_xml(
        f'<p:spTree {nsdecls("p", "a")}><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/>'
        f"</a:xfrm></p:grpSpPr>{''.join(shapes)}</p:spTree>"
    )


def _placeholder(
    shape_id: int,
    name: str,
    kind: str | None,
    idx: int | None,
    box: Box,
    *,
    prompt: str = "",
    anchor: str = "t",
    style: str = "",
    size: str = "",
    field: str = "",
) -> str:
    """A placeholder's XML; ``style`` is its ``lvl1pPr``…, ``field`` makes its text a field (slide number)."""
    attributes = (
        (f' type="{kind}"' if kind else "")
        + (f' sz="{size}"' if size else "")
        + (f' idx="{idx}"' if idx is not None else "")
    )
    left, top, width, height = box
    if field:
        text = f'<a:fld id="{_FIELD_ID}" type="{field}"><a:rPr lang="en-US"/><a:t>‹#›</a:t></a:fld>'
    else:
        text = f'<a:r><a:rPr lang="en-US"/><a:t>{prompt}</a:t></a:r>'
    return (
        f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr><a:spLocks noGrp="1"/>'
        f"</p:cNvSpPr><p:nvPr><p:ph{attributes}/></p:nvPr></p:nvSpPr>"
        f'<p:spPr><a:xfrm><a:off x="{left}" y="{top}"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>'
        f'<p:txBody><a:bodyPr vert="horz" wrap="square" lIns="{INSET_X}" tIns="{INSET_Y}" rIns="{INSET_X}" '
        f'bIns="{INSET_Y}" rtlCol="0" anchor="{anchor}"><a:noAutofit/></a:bodyPr><a:lstStyle>{style}</a:lstStyle>'
        f"<a:p>{text}</a:p></p:txBody></p:sp>"
    )


def _rectangle(shape_id: int, name: str, box: Box, colour: str) -> str:
    left, top, width, height = box
    return (
        f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr/>'
        f'<p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{left}" y="{top}"/>'
        f'<a:ext cx="{width}" cy="{height}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{_colour(colour)}<a:ln><a:noFill/></a:ln></p:spPr>'
        '<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'
    )


def _plain(
    size: int,
    colour: str,
    *,
    bold: bool = False,
    italic: bool = False,
    heading: bool = False,
    align: str = "l",
    spacing: int = 100,
) -> str:
    return (
        f'<a:lvl1pPr marL="0" indent="0" algn="{align}"><a:lnSpc><a:spcPct val="{spacing * 1000}"/></a:lnSpc>'
        f'<a:spcBef><a:spcPts val="0"/></a:spcBef><a:buNone/>'
        f"{_run_props(size, colour, bold=bold, italic=italic, heading=heading)}</a:lvl1pPr>"
    )


def _footers(
    theme: Theme, first_id: int, idx: tuple[int, int, int], colour: str | None = None, date_box: Box = DATE_BOX
) -> list[str]:
    """Footer (deck title), date and slide number placeholders, in the footer row."""
    p, s = theme.palette, theme.scale
    tone = colour or p.muted
    return [
        _placeholder(
            first_id,
            "Footer Placeholder",
            "ftr",
            idx[1],
            FOOTER_BOX,
            anchor="ctr",
            size="quarter",
            style=_plain(s.footer, tone),
        ),
        _placeholder(
            first_id + 1,
            "Date Placeholder",
            "dt",
            idx[0],
            date_box,
            anchor="ctr",
            size="half",
            style=_plain(s.footer, tone, align="r" if date_box is DATE_BOX else "l"),
        ),
        _placeholder(
            first_id + 2,
            "Slide Number Placeholder",
            "sldNum",
            idx[2],
            NUMBER_BOX,
            anchor="ctr",
            size="quarter",
            style=_plain(s.footer, tone, bold=True, align="r"),
            field="slidenum",
        ),
    ]


LayoutParts = tuple[str, str, list[str], str | None]  # name, type, shapes, background colour


def _decor(theme: Theme) -> list[str]:
    """The accent the content layouts share: a short rule above the title, or a strip at the left edge."""
    p = theme.palette
    if theme.title_rule:
        return [_rectangle(20, "Title Rule", (SIDE, Inches(0.5), Inches(0.7), Inches(0.08)), p.accent)]
    return [_rectangle(20, "Accent Strip", (0, 0, Inches(0.22), SLIDE_SIZE[1]), p.accent)]


def _title(theme: Theme) -> str:
    return _placeholder(2, "Title 1", "title", None, TITLE_BOX, prompt="Click to edit the title")


def _body(theme: Theme, shape_id: int, idx: int, box: Box) -> str:
    return _placeholder(shape_id, f"Content Placeholder {idx}", None, idx, box, prompt="Click to add text")


def _cover(theme: Theme) -> LayoutParts:
    p, s = theme.palette, theme.scale
    panel = p.surface if theme.dark else p.section_background
    panel_x = _COVER_PANEL_X
    shapes = [
        _rectangle(20, "Cover Panel", (panel_x, 0, SLIDE_SIZE[0] - panel_x, SLIDE_SIZE[1]), panel),
        _rectangle(21, "Cover Band", (panel_x, 0, Inches(0.18), SLIDE_SIZE[1]), p.accent),
        _rectangle(22, "Cover Rule", (SIDE, Inches(4.12), Inches(1.1), Inches(0.09)), p.accent),
        _placeholder(
            2,
            "Title 1",
            "ctrTitle",
            None,
            COVER_TITLE_BOX,
            prompt="Click to edit the title",
            anchor="b",
            style=_plain(s.cover_title, p.text, bold=True, heading=True, spacing=95),
        ),
        _placeholder(
            3,
            "Subtitle 2",
            "subTitle",
            1,
            COVER_SUBTITLE_BOX,
            prompt="Click to edit the subtitle",
            style=_plain(s.subtitle, p.muted),
        ),
        *_footers(theme, 4, (10, 11, 12), date_box=COVER_DATE_BOX),
    ]
    return "Title Slide", "title", shapes, None


def _content(theme: Theme) -> LayoutParts:
    shapes = [*_decor(theme), _title(theme), _body(theme, 3, 1, BODY_BOX), *_footers(theme, 4, (10, 11, 12))]
    return "Title and Content", "obj", shapes, None


def _section(theme: Theme) -> LayoutParts:
    p, s = theme.palette, theme.scale
    on = p.section_text
    shapes = [
        _rectangle(20, "Section Rule", (SIDE, Inches(4.35), Inches(1.1), Inches(0.09)), on),
        _placeholder(
            2,
            "Title 1",
            "title",
            None,
            SECTION_TITLE_BOX,
            prompt="Click to edit the title",
            anchor="b",
            style=_plain(s.section, on, bold=True, heading=True, spacing=95),
        ),
        _placeholder(
            3,
            "Text Placeholder 2",
            "body",
            1,
            SECTION_BODY_BOX,
            prompt="Click to add text",
            style=_plain(s.subtitle, on),
        ),
        *_footers(theme, 4, (10, 11, 12), colour=on),
    ]
    return "Section Header", "secHead", shapes, p.section_background


def _two_content(theme: Theme) -> LayoutParts:
    shapes = [
        *_decor(theme),
        _title(theme),
        _body(theme, 3, 1, LEFT_BOX),
        _body(theme, 4, 2, RIGHT_BOX),
        *_footers(theme, 5, (10, 11, 12)),
    ]
    return "Two Content", "twoObj", shapes, None


def _title_only(theme: Theme) -> LayoutParts:
    return "Title Only", "titleOnly", [*_decor(theme), _title(theme), *_footers(theme, 3, (10, 11, 12))], None


def _blank(theme: Theme) -> LayoutParts:
    return "Blank", "blank", _footers(theme, 2, (10, 11, 12)), None


def _quote(theme: Theme) -> LayoutParts:
    p, s = theme.palette, theme.scale
    mark = (  # 96 pt in a box 1.6 in tall: one line of it (96 pt x 1.2) fits
        f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="21" name="Quotation Mark"/><p:cNvSpPr txBox="1"/>'
        f'<p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{SIDE}" y="{Inches(1.75)}"/>'
        f'<a:ext cx="{Inches(0.9)}" cy="{Inches(1.6)}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:noFill/></p:spPr><p:txBody><a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0"/><a:lstStyle/>'
        f'<a:p><a:r><a:rPr lang="en-US" sz="9600" b="1">{_colour(p.accent)}'
        f'<a:latin typeface="Georgia"/></a:rPr><a:t>“</a:t></a:r></a:p></p:txBody></p:sp>'
    )
    shapes = [
        *_decor(theme),
        mark,
        _title(theme),
        _placeholder(
            3,
            "Quote Placeholder",
            "body",
            1,
            QUOTE_BOX,
            prompt="Click to add the quote",
            anchor="ctr",
            style=_plain(s.quote, p.text, italic=True, spacing=105),
        ),
        _placeholder(
            4,
            "Quote Source Placeholder",
            "body",
            2,
            QUOTE_SOURCE_BOX,
            prompt="Click to add its source",
            style=_plain(s.caption + 2, p.muted),
        ),
        *_footers(theme, 5, (10, 11, 12)),
    ]
    return "Quote", "cust", shapes, None


def _rewrite_layout(layout: etree._Element, name: str, kind: str, shapes: list[str], background: str | None) -> None:
    layout.set("type", kind)
    c_sld = layout.find(qn("p:cSld"))
    assert c_sld is not None
    c_sld.set("name", name)
    for child in list(c_sld):
        c_sld.remove(child)
    if background is not None:
        c_sld.append(
            parse_xml(f"<p:bg {nsdecls('p', 'a')}><p:bgPr>{_colour(background)}<a:effectLst/></p:bgPr></p:bg>")
        )
    c_sld.append(_tree(shapes))


def _add_logo(part: Any, element: etree._Element, logo: bytes, box: Box) -> None:
    """The logo as a picture of ``part`` (a master or a layout), fitted into ``box`` keeping its shape
    and pushed to the box's right edge (the cover's: centred)."""
    image_part, r_id = part.get_or_add_image_part(io.BytesIO(logo))
    width_px, height_px = image_part.image.size
    left, top, width, height = box
    scale = min(width / max(width_px, 1), height / max(height_px, 1))
    cx, cy = int(width_px * scale), int(height_px * scale)
    x = left + (width - cx) // 2 if box is COVER_LOGO_BOX else left + width - cx
    picture = CT_Picture.new_pic(30, "Brand Logo", "logo", r_id, x, top, cx, cy)  # type: ignore[no-untyped-call]
    tree = element.find(f"{qn('p:cSld')}/{qn('p:spTree')}")
    assert tree is not None  # every master and layout has one
    tree.append(picture)
