"""Typed doors to the parts of python-pptx whose own annotations are missing or wrong
(`add_chart` is annotated to return the chart, not the graphic frame that holds it;
`CategoryChartData`, `RGBColor` and `FillFormat.solid` are unannotated), so that the rest of
the deck is checked by `mypy --strict` without an override. Geometry is plain EMU integers
(914,400 an inch); `Emu` turns them into python-pptx lengths at this boundary.

Also the two places where the deck's text meets something that is not a slide: a chart's data
lives in an embedded workbook (a spreadsheet: text that would start a formula is quoted there,
`add_chart`), and a run's complex-script font has no python-pptx property (`write_run`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.dml.fill import FillFormat
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.text.text import _Run
from pptx.util import Emu

from analytics.spreadsheet_text import spreadsheet_safe
from cli.slides.scripts import complex_script_family

EMU_PER_INCH = 914_400

_RGB: Any = RGBColor
_CHART_DATA: Any = CategoryChartData

ChartValue = float | int | None


def inches(value: float) -> int:
    return round(value * EMU_PER_INCH)


def rgb(red: int, green: int, blue: int) -> RGBColor:
    return cast(RGBColor, _RGB(red, green, blue))


def fill(fill_format: FillFormat, colour: RGBColor) -> None:
    """A solid fill of `colour`."""
    solid: Any = fill_format.solid
    solid()
    fill_format.fore_color.rgb = colour


@dataclass(frozen=True, slots=True)
class Box:
    left: int
    top: int
    width: int
    height: int


def rectangle(slide: Slide, box: Box, colour: RGBColor, *, name: str) -> Shape:
    shape = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height)
    )
    fill(shape.fill, colour)
    shape.line.fill.background()
    shape.name = name
    return shape


def add_chart(
    slide: Slide,
    kind: XL_CHART_TYPE,
    box: Box,
    *,
    name: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[ChartValue]]],
    number_format: str = "General",
) -> Chart:
    """A native chart (its data in the chart's own workbook), named `name`."""
    data = _CHART_DATA(number_format=number_format)
    # The workbook's writer (XlsxWriter) turns text starting with "=" into a formula.
    data.categories = [spreadsheet_safe(category) for category in categories]
    for series_name, values in series:
        data.add_series(spreadsheet_safe(series_name), list(values))
    shapes: Any = slide.shapes
    frame = cast(
        GraphicFrame,
        shapes.add_chart(kind, Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height), data),
    )
    frame.name = name
    return frame.chart


# Where `a:cs` goes among a run's properties: before these (DrawingML's CT_TextCharacterProperties).
_AFTER_COMPLEX_SCRIPT_FONT = ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")


def write_run(run: _Run, value: str) -> None:
    """Set a run's text; text in a complex script (Devanagari, Arabic, Thai...) also names a
    family that covers it as the run's complex-script font (`a:cs`): the theme's fonts cover
    Latin text only, and a renderer left to guess shows boxes where it finds no glyph."""
    run.text = value
    family = complex_script_family(value)
    if family is None:
        return
    properties: Any = run._r.get_or_add_rPr()
    font = properties.find(qn("a:cs"))
    if font is None:
        font = properties.makeelement(qn("a:cs"), {})
        properties.insert_element_before(font, *_AFTER_COMPLEX_SCRIPT_FONT)
    font.set("typeface", family)
