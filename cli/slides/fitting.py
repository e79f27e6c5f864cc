"""How much room the deck's text takes, measured with a font rather than guessed: a name or a
sentence wraps into lines the width of its box, each line as tall as the font's ascent and
descent. The slides size their boxes, table rows and font sizes from it, so that no text runs
into the next shape: a slide's text boxes do not grow on their own in every viewer
(LibreOffice draws past a box, and past a table row, instead of moving what follows).

The deck names no font: its theme's is Calibri, which a viewer without it replaces (LibreOffice
with Carlito, its metric twin, where installed; else fontconfig's sans, Noto Sans on Debian).
The text is measured with the first of those this machine has, Pillow reading its file, so
the deck fits where it is rendered here and has room to spare under the narrower Calibri."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from PIL import ImageFont

from cli.slides.drawing import EMU_PER_INCH

# Regular and bold files, the renderer's likely choice first; found in the system's font folders.
FONT_FILES = (
    ("Carlito-Regular.ttf", "Carlito-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
)
POINTS_PER_INCH = 72
EMU_PER_POINT = EMU_PER_INCH // POINTS_PER_INCH
SCALE = 4  # the font is read at 4 px a point, for sub-point widths

# python-pptx's text box insets (DrawingML's defaults), and a table cell's side insets.
BOX_SIDES = 2 * EMU_PER_INCH // 10
BOX_ENDS = 2 * EMU_PER_INCH // 20


@cache
def _font(size: float, bold: bool) -> Any:
    pixels = max(1, round(size * SCALE))
    for regular, heavy in FONT_FILES:
        try:
            return ImageFont.truetype(heavy if bold else regular, pixels)
        except OSError:
            continue
    # No known family: Pillow's own scalable font, about as wide as a sans.
    return ImageFont.load_default(pixels)


def text_width(text: str, size: float, *, bold: bool = False) -> int:
    """The width of `text` on one line at `size` points, in EMU."""
    width = float(_font(size, bold).getlength(text))
    return round(width / SCALE * EMU_PER_POINT)


def line_height(size: float, *, bold: bool = False) -> int:
    """One line at `size` points (single spacing: the font's ascent and descent), in EMU."""
    ascent, descent = _font(size, bold).getmetrics()
    return round(float(ascent + descent) / SCALE * EMU_PER_POINT)


def wrap(text: str, width: int, size: float, *, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `width` EMU at spaces, as a renderer wraps it; a
    word wider than the line is broken inside."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while len(current) > 1 and text_width(current, size, bold=bold) > width:
            cut = len(current) - 1
            while cut > 1 and text_width(current[:cut], size, bold=bold) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    lines.append(current)
    return lines


def text_height(
    paragraphs: Sequence[str], width: int, size: float, *, bold: bool = False, spacing: float = 0
) -> int:
    """The height, in EMU, of `paragraphs` wrapped to `width` EMU at `size` points, with
    `spacing` points after each."""
    lines = sum(len(wrap(paragraph, width, size, bold=bold)) for paragraph in paragraphs)
    return lines * line_height(size, bold=bold) + round(len(paragraphs) * spacing * EMU_PER_POINT)


def box_height(
    paragraphs: Sequence[str], box_width: int, size: float, *, bold: bool = False,
    spacing: float = 0,
) -> int:  # fmt: skip
    """The height of a text box `box_width` EMU wide that holds `paragraphs`, its insets in."""
    inner = box_width - BOX_SIDES
    return text_height(paragraphs, inner, size, bold=bold, spacing=spacing) + BOX_ENDS


def fit_size(
    paragraphs: Sequence[str],
    box_width: int,
    room: int,
    *,
    largest: float,
    smallest: float,
    bold: bool = False,
    spacing: float = 0,
) -> float:
    """The largest size from `largest` down to `smallest`, by half points, at which a text
    box `box_width` EMU wide holding `paragraphs` is at most `room` EMU tall; `smallest` when
    none is."""
    size = largest
    while size > smallest:
        if box_height(paragraphs, box_width, size, bold=bold, spacing=spacing) <= room:
            return size
        size -= 0.5
    return smallest
