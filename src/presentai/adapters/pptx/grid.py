"""Measuring a table: column widths, row heights, and which rows go on which slide.

Cells are measured with the advance widths of the built-in themes' typefaces
(Calibri and Arial, whose metric-compatible twins Carlito and Liberation Sans
LibreOffice draws them with, glyph for glyph the same widths), so that a table is
cut where it would really overflow rather than where a wide face would. A face
without widths here is measured with fitting.py's conservative widths.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from attrs import frozen
from pptx.util import Inches

from presentai.adapters.pptx.fitting import EMU_PER_POINT, LINE_SPACING, char_width, wrapped_lines
from presentai.adapters.pptx.masters import BODY_BOX, FOOTER_BOX
from presentai.domain.slides import Table

MAX_COLUMNS = 6
MAX_SLIDES = 3  # a longer table is cut after this many slides, and its caption says so
CELL_PAD = Inches(0.07)
CAPTION_HEIGHT = Inches(0.4)
AREA_HEIGHT = BODY_BOX[3] - CAPTION_HEIGHT - Inches(0.1)  # a chart's room above its caption
CAPTION_GAP = Inches(0.12)  # between a table or a chart and its caption
# A table may run on below the body box, as far as leaves its one-line caption clear of the footers.
TABLE_HEIGHT = FOOTER_BOX[1] - Inches(0.1) - CAPTION_HEIGHT - CAPTION_GAP - BODY_BOX[1]
SAFETY = 1.03  # measured widths are stretched this much: kerning off, positions rounded to 1/100 mm
_CHARS = (
    "".join(chr(c) for c in range(32, 127)) + "".join(chr(c) for c in range(0x410, 0x450)) + "ЁёІі«»—–…€₽№·‰°×−‘’“”•"
)


def _advances(widths: str) -> dict[str, float]:
    values = [int(v) / 1000 for v in widths.split()]
    assert len(values) == len(_CHARS)
    return dict(zip(_CHARS, values, strict=True))


# Advance widths in em, rounded up, of _CHARS in each face (read from Carlito 2.x and Liberation Sans 2.x).
_FACES = {
    "Calibri": _advances(
        """
        227 326 401 499 507 715 683 221 304 304 499 499 250 307 253 387 507 507 507 507 507 507 507 507 507 507 268 268
        499 499 499 464 895 579 544 534 616 489 460 631 624 252 319 520 421 855 646 663 517 673 543 460 488 642 568 890
        520 488 469 307 387 307 499 499 292 480 526 423 526 498 306 471 526 230 240 455 230 799 526 528 526 526 349 392
        335 526 452 715 434 453 396 315 461 315 499 579 538 544 430 645 489 801 474 642 642 543 611 855 624 663 622 517
        534 488 528 698 520 639 556 869 890 615 762 532 548 879 556 480 533 480 346 559 498 689 423 541 541 464 511 677
        535 528 521 526 423 388 453 625 434 542 469 729 750 537 667 470 443 722 475 489 498 252 230 513 513 906 499 691
        507 507 1025 253 1039 339 499 499 250 250 419 419 499
        """
    ),
    "Calibri bold": _advances(
        """
        227 326 439 499 507 730 705 234 312 312 499 499 258 307 268 430 507 507 507 507 507 507 507 507 507 507 276 276
        499 499 499 464 899 606 561 530 631 488 459 638 631 267 332 547 423 875 659 677 533 687 563 473 496 653 592 907
        551 520 479 325 430 325 499 499 301 494 537 419 537 504 317 475 537 246 256 480 246 814 537 538 537 537 356 399
        347 537 474 746 460 474 398 344 476 344 499 606 556 561 433 673 488 833 482 652 652 563 629 875 631 677 630 533
        530 496 548 724 551 658 570 897 927 640 799 554 539 914 575 494 533 495 355 583 504 737 427 557 557 495 526 714
        546 538 535 537 419 390 474 676 460 563 489 764 790 559 712 495 438 753 499 488 504 267 246 539 539 906 499 712
        507 507 1046 268 1062 343 499 499 258 258 436 436 499
        """
    ),
    "Arial": _advances(
        """
        278 278 355 557 557 890 667 191 334 334 390 584 278 334 278 278 557 557 557 557 557 557 557 557 557 557 278 278
        584 584 584 557 1016 667 667 723 723 667 611 778 723 278 500 667 557 834 723 778 667 778 723 667 611 723 667 944
        667 667 611 278 278 278 470 557 334 557 557 500 557 557 278 557 557 223 223 500 223 834 557 557 557 557 334 500
        278 557 500 723 500 500 500 334 260 334 584 667 657 667 542 678 667 924 605 719 719 583 657 834 723 778 719 667
        723 611 636 761 667 740 667 917 938 792 886 657 719 1011 723 557 573 532 365 584 557 669 459 559 559 438 584 688
        553 557 542 557 500 459 500 823 500 573 521 803 823 625 719 521 511 750 542 668 557 278 223 557 557 1000 557
        1000 557 750 1073 334 1000 400 584 584 223 223 334 334 351
        """
    ),
    "Arial bold": _advances(
        """
        278 334 475 557 557 890 723 238 334 334 390 584 278 334 278 278 557 557 557 557 557 557 557 557 557 557 334 334
        584 584 584 611 976 723 723 723 723 667 611 778 723 278 557 723 611 834 723 778 667 778 723 667 611 723 667 944
        667 667 611 334 278 334 584 557 334 557 611 557 611 557 334 611 611 278 278 557 278 890 611 611 611 611 390 557
        334 611 557 778 557 557 500 390 280 390 584 723 719 723 567 713 667 904 627 719 719 611 702 834 723 778 719 667
        723 611 623 854 667 731 703 1005 1020 870 980 719 712 1032 719 557 618 615 417 635 557 709 498 615 615 501 636
        740 605 611 605 611 557 490 557 875 557 615 581 834 844 730 855 615 553 855 584 669 557 278 278 557 557 1000 557
        1000 557 750 1115 334 1000 400 584 584 278 278 500 500 351
        """
    ),
}


def knows(font: str, *, bold: bool = False) -> bool:
    """Whether ``font``'s own advance widths are known (else a conservative average is used)."""
    return (f"{font} bold" if bold else font) in _FACES


def advance(text: str, size: float, font: str, *, bold: bool = False) -> float:
    """The width of ``text`` on one line in ``font`` at ``size``, in points, with ``SAFETY`` to spare."""
    face = _FACES.get(f"{font} bold" if bold else font)
    if face is None:
        return sum(char_width(c) for c in text) * size
    return sum(face.get(c) or char_width(c) for c in text) * size * SAFETY


def lines(text: str, size: float, width_pt: float, font: str, *, bold: bool = False) -> int:
    """Lines ``text`` takes wrapped between words in ``width_pt`` (a word longer than a line is broken)."""
    if not font:
        return wrapped_lines(text, size, width_pt)
    count = 0
    space = advance(" ", size, font, bold=bold)
    for paragraph in text.split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split():
            width = advance(word, size, font, bold=bold)
            if used and used + space + width > width_pt:
                count += 1
                used = 0.0
            while width > width_pt:
                count += 1
                width -= width_pt
            used += (space if used else 0.0) + width
    return count


def shown(table: Table) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and rows as drawn: at most ``MAX_COLUMNS`` columns."""
    columns = min(len(table.header), MAX_COLUMNS)
    return table.header[:columns], [row[:columns] for row in table.rows]


def column_widths(rows: Sequence[Sequence[str]], total: int, *, size: int = 0, font: str = "") -> list[int]:
    """Widths (EMU) of the columns of ``rows`` (the header first) sharing ``total``.

    Given the ``font`` and ``size`` the cells are set in, as a browser sets an automatic table's: each
    column at least as wide as its longest word, the rest shared in proportion to how much more each
    needs to set its longest cell on one line. Without, in proportion to each column's longest text,
    none narrower than half an even share.
    """
    if not font:
        longest = [max(1, *(min(len(row[i]), 40) for row in rows)) for i in range(len(rows[0]))]
        even = total / len(longest)
        widths = [max(even / 2, total * n / sum(longest)) for n in longest]
        widths = [w * total / sum(widths) for w in widths]
    else:
        widths = [w * EMU_PER_POINT for w in _fitted_widths(rows, total / EMU_PER_POINT, size, font)]
    result = [int(w) for w in widths]
    result[-1] += total - sum(result)
    return result


def _fitted_widths(rows: Sequence[Sequence[str]], room: float, size: int, font: str) -> list[float]:
    """Column widths (points) that make the table short: widened, from where they start, where that saves
    the most height for the width it takes; what is left over goes to the columns in proportion to how
    much more they could use to set every cell on one line."""
    pad = 2 * CELL_PAD / EMU_PER_POINT
    columns = range(len(rows[0]))
    memo: dict[tuple[int, int, float], int] = {}

    def count(r: int, c: int, width: float) -> int:
        key = (r, c, width)
        if key not in memo:
            memo[key] = lines(rows[r][c] or " ", size, width - pad, font, bold=r == 0)
        return memo[key]

    def height(widths: list[float]) -> int:
        return sum(max(count(r, c, widths[c]) for c in columns) for r in range(len(rows)))

    def one_line(r: int, c: int) -> float:  # half a point over: widths are rounded to whole EMU
        return advance(rows[r][c], size, font, bold=r == 0) + pad + 0.5

    least = [
        max(
            (advance(w, size, font, bold=r == 0) + pad for r, row in enumerate(rows) for w in row[c].split()),
            default=pad,
        )
        for c in columns
    ]
    most = [max(one_line(r, c) for r in range(len(rows))) for c in columns]
    if sum(most) <= room:
        return [w * room / sum(most) for w in most]
    if sum(least) >= room:
        return [w * room / sum(least) for w in least]
    narrowest: dict[tuple[int, int, int], float] = {}

    def within(r: int, c: int, most_lines: int) -> float:
        """The narrowest width (to half a point) at which cell (r, c) takes at most ``most_lines`` lines."""
        key = (r, c, most_lines)
        if key not in narrowest:
            low, high = least[c], max(least[c], one_line(r, c))
            while high - low > 0.5:
                middle = (low + high) / 2
                low, high = (low, middle) if count(r, c, middle) <= most_lines else (middle, high)
            narrowest[key] = high
        return narrowest[key]

    def widened(widths: list[float]) -> list[float]:
        """``widths`` widened, step by step, to set a row in fewer lines where that saves the most height."""
        while True:
            spare, base = room - sum(widths), height(widths)
            best: tuple[float, list[float]] | None = None
            for r in range(len(rows)):
                for most_lines in range(1, max(count(r, c, widths[c]) for c in columns)):
                    trial = [max(w, within(r, c, most_lines)) for c, w in zip(columns, widths, strict=True)]
                    cost = sum(trial) - sum(widths)
                    if 0 < cost <= spare:
                        gain = (base - height(trial)) / cost
                        if gain > 0 and (best is None or gain > best[0]):
                            best = (gain, trial)
            if best is None:
                return widths
            widths = best[1]

    # Two starts: every body row on one line (the header wrapping above them), and every column at its
    # longest word; the shorter table wins, the first on a tie.
    starts = [list(least)]
    body = [max([least[c], *(one_line(r, c) for r in range(1, len(rows)))]) for c in columns]
    if len(rows) > 1 and sum(body) <= room:
        starts.insert(0, body)
    widths = min((widened(start) for start in starts), key=height)
    spare, wanted = room - sum(widths), sum(m - w for m, w in zip(most, widths, strict=True))
    return [
        w + spare * (m - w) / wanted if wanted > 0 else w + spare / len(widths)
        for m, w in zip(most, widths, strict=True)
    ]


def row_height(row: Sequence[str], widths: Sequence[int], size: int, *, font: str = "", bold: bool = False) -> int:
    """The height (EMU) a row needs at ``size`` in ``font`` (without: measured conservatively): its tallest cell.

    Lines are ``LINE_SPACING`` apart, as PowerPoint sets single spacing; LibreOffice sets them closer
    (1.01 em in Carlito, 1.12 in Liberation Sans), so a row tall enough for PowerPoint is for both.
    """
    count = max(
        lines(text or " ", size, (width - 2 * CELL_PAD) / EMU_PER_POINT, font, bold=bold)
        for text, width in zip(row, widths, strict=True)
    )
    return int(count * size * LINE_SPACING * EMU_PER_POINT + 2 * CELL_PAD)


@frozen
class Part(Table):
    """The rows of a table that one slide shows, drawn in the columns of the whole table."""

    whole: Table | None = None

    @classmethod
    def of(cls, table: Table, rows: range) -> Part:
        """The rows ``rows`` of ``table``."""
        return cls(table.header, table.rows[rows.start : rows.stop], table.attribution, whole=table)


@functools.lru_cache(maxsize=256)  # a table is measured to cut it into slides, and again to draw each slide
def measured(table: Table, size: int, font: str) -> tuple[tuple[int, ...], int, tuple[int, ...]]:
    """The column widths, the header's height and every body row's height (EMU) of ``table`` as drawn.

    The columns of a ``Part`` are those of its whole table, so that they do not move from slide to slide.
    """
    whole = table.whole if isinstance(table, Part) and table.whole is not None else table
    header, rows = shown(whole)
    widths = column_widths([header, *rows], BODY_BOX[2], size=size, font=font)
    _, own = shown(table)
    heights = tuple(row_height(row, widths, size, font=font) for row in own)
    return tuple(widths), row_height(header, widths, size, font=font, bold=True), heights


def pages(table: Table, size: int, font: str) -> list[range]:
    """The body rows of each slide the table takes (at most ``MAX_SLIDES``), the header repeated on each.

    The fewest slides that hold the rows, the rows shared between them as evenly as they fit.
    """
    _, header, heights = measured(table, size, font)
    room = TABLE_HEIGHT - header
    greedy: list[range] = []
    start = 0
    while start < len(heights) and len(greedy) < MAX_SLIDES:
        end, used = start, 0
        while end < len(heights) and (used + heights[end] <= room or end == start):
            used += heights[end]
            end += 1
        greedy.append(range(start, end))
        start = end
    if not greedy:
        return [range(0, 0)]
    shown_rows, count = greedy[-1].stop, len(greedy)
    size_of, extra = divmod(shown_rows, count)
    even, start = [], 0
    for i in range(count):
        end = start + size_of + (1 if i < extra else 0)
        even.append(range(start, end))
        start = end
    if all(sum(heights[r.start : r.stop]) <= room for r in even):
        return even
    return greedy
