"""New part names without walking the whole package each time: python-pptx does, once per slide and per notes page."""

from __future__ import annotations

from typing import Any

from pptx.opc.packuri import PackURI
from pptx.presentation import Presentation as PptxPresentation


def quick_part_names(prs: PptxPresentation) -> None:
    """Let ``prs`` name its new parts from a set of the names in use, read once, instead of walking every
    relationship of the package for each new slide and notes page (most of a large deck's render time)."""
    package: Any = prs.part.package
    used = {str(part.partname) for part in package.iter_parts()}

    def next_partname(tmpl: str) -> PackURI:
        number = 1
        while tmpl % number in used:
            number += 1
        used.add(tmpl % number)
        return PackURI(tmpl % number)

    package.next_partname = next_partname
