"""Markdown, HTML and plain text."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from presentai.adapters.parsers.blocks import BlockBuilder, heading_level_from_numbering, table_text
from presentai.adapters.parsers.sniff import decode_text
from presentai.domain.errors import EmptyDocument
from presentai.domain.sources import BlockKind, ParsedDocument


class MarkdownParser:
    """Reads Markdown (CommonMark with tables); sections come from ``#`` headings."""

    media_type = "text/markdown"

    def __init__(self) -> None:
        self._markdown = MarkdownIt("commonmark").enable("table")

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse Markdown bytes."""
        text, title = _front_matter(decode_text(data, filename))
        text = _HEADING_ATTRIBUTES.sub(r"\1", text)
        tokens = self._markdown.parse(text)
        builder = BlockBuilder()
        kind_stack: list[BlockKind] = []
        heading_level = 0
        table_rows: list[list[str]] | None = None
        for token in tokens:
            if token.type == "heading_open":
                heading_level = int(token.tag[1])
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                kind_stack.append(BlockKind.LIST_ITEM)
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                kind_stack.pop()
            elif token.type == "table_open":
                table_rows = []
            elif token.type == "tr_open" and table_rows is not None:
                table_rows.append([])
            elif token.type == "table_close" and table_rows is not None:
                builder.add(BlockKind.TABLE, table_text(table_rows))
                table_rows = None
            elif token.type == "inline":
                text = _inline_text(token)
                if table_rows is not None:
                    table_rows[-1].append(text)
                elif heading_level:
                    builder.heading(text, heading_level)
                    heading_level = 0
                else:
                    kind = kind_stack[-1] if kind_stack else BlockKind.PARAGRAPH
                    builder.add(kind, text, level=max(len(kind_stack) - 1, 0))
            elif token.type in ("fence", "code_block"):
                builder.add(BlockKind.PARAGRAPH, token.content)
        return _non_empty(builder.document(self.media_type, title), filename)


# "## Step 1 {#step-1}", "## Шаг 1 {/*step-1*/}": an anchor id (Pandoc, kramdown, MDX) is not heading text
_HEADING_ATTRIBUTES = re.compile(r"^(#{1,6}[ \t].*?)[ \t]*\{(?:#[^}\n]*|/\*[^}\n]*?\*/|\.[^}\n]*)\}[ \t]*$", re.M)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _front_matter(text: str) -> tuple[str, str]:
    """The Markdown without its YAML front matter (``---`` … ``---``), and the ``title:`` it gives."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, ""
    title = re.search(r"^title:\s*(.+?)\s*$", match.group(1), re.M)
    return text[match.end() :], title.group(1).strip("'\"") if title else ""


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "blockquote", "pre", "dd", "dt", "figcaption")
_CHROME = (
    "[role=navigation], [role=banner], [role=contentinfo], [role=search], [role=complementary], "
    "[aria-hidden=true], .sphinxsidebar, .breadcrumb, .breadcrumbs, .skip-link"
)
_SKIP_TAGS = ("script", "style", "noscript", "nav", "footer", "header", "aside", "form", "template", "svg")


class HtmlParser:
    """Reads HTML pages: the main text, without scripts, navigation and footers."""

    media_type = "text/html"

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse HTML bytes."""
        from bs4 import BeautifulSoup, Tag  # imported by the first HTML page: not every run reads one

        soup = BeautifulSoup(decode_text(data, filename), "lxml")
        for tag in soup.find_all(_SKIP_TAGS):
            tag.decompose()
        for tag in soup.select("a.headerlink, a.anchor, a.anchorjs-link"):  # the "¶" beside each heading
            tag.decompose()
        for tag in soup.select(_CHROME):  # ARIA landmarks and sidebars that are not the page's text
            tag.decompose()
        root = soup.find("main") or soup.find("article") or soup.body or soup
        builder = BlockBuilder()
        for element in root.find_all(_BLOCK_TAGS):
            if not isinstance(element, Tag) or element.find_parent(_BLOCK_TAGS):
                continue
            if element.name[0] == "h" and element.name[1:].isdigit():
                builder.heading(element.get_text(" "), int(element.name[1]))
            elif element.name == "table":
                rows = [[cell.get_text(" ") for cell in row.find_all(("th", "td"))] for row in element.find_all("tr")]
                builder.add(BlockKind.TABLE, table_text(rows))
            else:
                kind = BlockKind.LIST_ITEM if element.name == "li" else BlockKind.PARAGRAPH
                builder.add(kind, element.get_text(" "))
        if not any(b.kind is not BlockKind.HEADING for b in builder.blocks):
            # A page that keeps its text in div/span soup: take its lines of text as paragraphs.
            for line in root.get_text("\n").split("\n"):
                builder.add(BlockKind.PARAGRAPH, line)
        return _non_empty(builder.document(self.media_type, _page_title(soup, builder)), filename)


def _page_title(soup: Any, builder: BlockBuilder) -> str:
    """The page's own title: its first H1, else ``<title>`` without the site's name after a separator."""
    first = next((b for b in builder.blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
    if first is not None:
        return first.text
    title = " ".join(soup.title.get_text(" ").split()) if soup.title else ""
    for separator in (" — ", " – ", " | ", " · ", " - "):
        if separator in title:
            return title.split(separator)[0].strip() or title
    return title


class TextParser:
    """Reads plain text: paragraphs split at blank lines; numbered short lines are headings."""

    media_type = "text/plain"

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse plain-text bytes."""
        builder = BlockBuilder()
        for paragraph in re.split(r"\n\s*\n", decode_text(data, filename)):
            text = paragraph.strip()
            level = heading_level_from_numbering(text)
            if level is not None and "\n" not in text and len(text) < 100 and not text.endswith("."):
                builder.heading(text, level)
            else:
                builder.add(BlockKind.PARAGRAPH, text)
        return _non_empty(builder.document(self.media_type), filename)


def _non_empty(document: ParsedDocument, filename: str) -> ParsedDocument:
    if not any(block.text.strip() for block in document.blocks):
        raise EmptyDocument("the file contains no text", filename)
    return document
