"""The slides, with python-pptx: text, tables and native charts (their numbers live in the
chart and its workbook, as PowerPoint's own charts, never as pictures).

1. title: the customer, the month, the product (the account's app);
2. headline metrics: the value this month and a year earlier, the change, and a twelve-month
   trend line per metric (12 metrics a slide);
3. sector position: the customer's value, the sector's p50 and p90, its percentile (a bar
   chart) and the insight sentence, or why there is no comparison (6 metrics a slide);
4. the RFM story of its sales, or a note; 5. its credit risk, or a note; 6. the method.
An account without metric values in the month (known from its sales or ledger exports) has no
headline or sector slides: the title, its RFM story, its credit risk and the method.

Every shape that carries numbers has a name (`headline table`, `trend minutes_saved`,
`percentile chart`...), so that a reader of the file finds it again. Words come from the deck's
language (`text.DeckText`); a run of text in a complex script (Devanagari, Arabic...) names a
font family that covers it (`scripts`), since the slide's theme fonts do not."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.table import Table
from pptx.util import Emu, Pt

from analytics.months import add_months, last_of_month
from cli.slides import fitting, text
from cli.slides.chart_numbers import grouped_whole_number_format
from cli.slides.client import LOCAL_SOURCE
from cli.slides.drawing import Box, add_chart, fill, inches, rectangle, rgb, write_run
from cli.slides.model import (
    COHORT_FLOOR,
    Comparison,
    ComparisonStatus,
    CreditRisk,
    DeckData,
    MetricHistory,
    MonthChosen,
    MonthSource,
    SalesProfile,
)
from cli.slides.text import DeckText

WIDTH, HEIGHT = inches(13.333), inches(7.5)
MARGIN = inches(0.5)
INNER = WIDTH - 2 * MARGIN
CONTENT_TOP = inches(1.45)

NAVY = rgb(0x1F, 0x2A, 0x44)
ACCENT = rgb(0x2F, 0x6F, 0xD6)
GREY = rgb(0x6B, 0x72, 0x80)
LIGHT = rgb(0xF2, 0xF4, 0xF8)
WHITE = rgb(0xFF, 0xFF, 0xFF)
PALE_BLUE = rgb(0xA9, 0xC4, 0xF5)
PALE_GREY = rgb(0xC8, 0xCF, 0xDB)
RED = rgb(0xC0, 0x1B, 0x1B)
TONE_COLOURS = {
    text.Tone.BETTER: rgb(0x1B, 0x7F, 0x3B),
    text.Tone.WORSE: rgb(0xB4, 0x23, 0x18),
    text.Tone.FLAT: GREY,
    text.Tone.UNKNOWN: GREY,
}

# The segment the API gives instead of one when too few customers bought in a quarter.
NOT_COMPARED = "NOT_COMPARED"
HEADLINES_PER_SLIDE = 12
COMPARISONS_PER_SLIDE = 6
QUARTERS_SHOWN = 8
HEADLINE_WIDTHS = (2.3, 1.7, 1.7, 3.1, 3.53)
HEADLINE_ROW = 0.42
COMPARISON_WIDTHS = (2.1, 1.55, 1.75, 1.55, 1.35)
QUARTER_WIDTHS = (1.8, 1.3, 1.3, 1.5, 1.9)
CREDIT_WIDTHS = (4.0, 2.6)
BLANK_LAYOUT = 6

T = TypeVar("T")

# No text of the deck is smaller than SMALLEST_SIZE points, which a projected slide still
# shows legibly: where text does not fit at it, the slide holds less, never smaller text.
SMALLEST_SIZE = 10
FOOTNOTE_SIZE = 11
PERCENTILE_CHART_BOTTOM = CONTENT_TOP + inches(2.9)  # the sector position's chart
TABLE_SIZE = 12  # a table's text, unless it says otherwise
QUARTER_SIZE = TABLE_SIZE  # the quarters table's text
SO_FAR_SIZE = SMALLEST_SIZE  # the mark under a quarter not over in the data
NOTE_SIZE = 18  # a slide's note instead of its content
INSIGHT_SIZE = 12  # the largest size of a sector position's insight sentences
FOOTNOTE_ROOM = inches(1.2)
FOOT_MARGIN = inches(0.15)
CELL_ENDS = inches(0.03)  # a table cell's top and bottom insets
CELL_SIDES = inches(0.2)  # its left and right insets together (DrawingML's default 0.1 each)


def _row_height(values: Sequence[str], widths: Sequence[float], size: int, *, bold: bool) -> int:
    """The height a table row needs for its tallest cell's text, wrapped in its column."""
    return (
        max(
            fitting.text_height(value.split("\n"), inches(width) - CELL_SIDES, size, bold=bold)
            for value, width in zip(values, widths, strict=True)
        )
        + 2 * CELL_ENDS
    )


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _across(top: float, height: float) -> Box:
    """A box the width of the content, `top` and `height` in inches."""
    return Box(MARGIN, inches(top), INNER, inches(height))


class DeckBuilder:
    def __init__(self, deck: DeckData) -> None:
        self.deck = deck
        self.text = DeckText(deck.locale)
        self.presentation: PresentationType = Presentation()
        self.presentation.slide_width = Emu(WIDTH)
        self.presentation.slide_height = Emu(HEIGHT)
        properties = self.presentation.core_properties
        properties.title = self.text.gettext("{customer}: ROI review {month}").format(
            customer=deck.name, month=self.text.month(deck.month)
        )
        properties.author = "profiling slides"
        properties.subject = self.text.gettext("Customer ROI review")
        if self.text.words.language is not None:
            properties.language = self.text.words.language

    # -- shapes ----------------------------------------------------------------------------

    def _blank(self) -> Slide:
        layout = self.presentation.slide_layouts[BLANK_LAYOUT]
        return cast(Slide, self.presentation.slides.add_slide(layout))

    def _internal_mark(self, slide: Slide) -> None:
        """A red mark on every slide of a deck that shows more than the customer's own key may
        see, so that it is not handed over by mistake (drawn over the slide's background)."""
        if not self.deck.not_for_the_customer:
            return
        self._text(
            slide,
            "internal",
            self.text.gettext("Internal: do not share"),
            Box(WIDTH - MARGIN - inches(3.6), inches(0.14), inches(3.6), inches(0.4)),
            size=14,
            bold=True,
            colour=RED,
            align=PP_ALIGN.RIGHT,
        )

    def _slide(self, title: str, subtitle: str | None = None) -> Slide:
        slide = self._blank()
        rectangle(slide, Box(0, 0, WIDTH, inches(0.12)), ACCENT, name="accent")
        self._text(slide, "title", title, _across(0.3, 0.7), size=28, bold=True)
        if subtitle:
            self._text(slide, "subtitle", subtitle, _across(0.92, 0.45), size=14, colour=GREY)
        self._internal_mark(slide)
        return slide

    def _text(
        self,
        slide: Slide,
        name: str,
        lines: str | Sequence[str],
        box: Box,
        *,
        size: float = 14,
        bold: bool = False,
        colour: RGBColor = NAVY,
        align: PP_ALIGN = PP_ALIGN.LEFT,
        spacing: int = 0,
    ) -> None:
        shape = slide.shapes.add_textbox(
            Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height)
        )
        shape.name = name
        frame = shape.text_frame
        frame.word_wrap = True
        # The box is sized from the measured text (`fitting`): no viewer resizes it.
        frame.auto_size = MSO_AUTO_SIZE.NONE
        paragraphs = [lines] if isinstance(lines, str) else list(lines)
        for index, line in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = align
            paragraph.space_after = Pt(spacing)
            run = paragraph.add_run()
            write_run(run, line)
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = colour

    def _table(
        self,
        slide: Slide,
        name: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        left: int,
        top: int,
        *,
        row_height: float = 0.4,
        size: int = TABLE_SIZE,
    ) -> Table:
        """A table whose rows are at least `row_height` inches, and as tall as their longest
        cell's text measured at `size` (a viewer may not grow a row that its text overflows)."""
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(header),
            Emu(left),
            Emu(top),
            Emu(inches(sum(widths))),
            Emu(inches(row_height * (len(rows) + 1))),
        )
        shape.name = name
        table = shape.table
        for index, width in enumerate(widths):
            table.columns[index].width = Emu(inches(width))
        for r, values in enumerate([header, *rows]):
            table.rows[r].height = Emu(
                max(inches(row_height), _row_height(values, widths, size, bold=r == 0))
            )
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.margin_top = cell.margin_bottom = Emu(CELL_ENDS)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                run = cell.text_frame.paragraphs[0].add_run()
                write_run(run, value)
                run.font.size = Pt(size)
                run.font.bold = r == 0
                run.font.color.rgb = WHITE if r == 0 else NAVY
                fill(cell.fill, NAVY if r == 0 else LIGHT if r % 2 else WHITE)
        return table

    def _note(self, slide: Slide, lines: str | Sequence[str]) -> None:
        paragraphs = [lines] if isinstance(lines, str) else list(lines)
        height = max(inches(1.5), fitting.box_height(paragraphs, INNER, NOTE_SIZE))
        self._text(slide, "note", lines, Box(MARGIN, inches(1.6), INNER, height), size=NOTE_SIZE,
                   colour=GREY)  # fmt: skip

    def _footnote(self, slide: Slide, line: str, *, size: float | None = None) -> int:
        """The footnote at the foot of the slide, as tall as its text (at `size`, else the
        largest that keeps it within FOOTNOTE_ROOM): where it begins, EMU."""
        if size is None:
            size = fitting.fit_size(
                [line], INNER, FOOTNOTE_ROOM, largest=FOOTNOTE_SIZE, smallest=SMALLEST_SIZE
            )
        height = fitting.box_height([line], INNER, size)
        top = HEIGHT - FOOT_MARGIN - height
        self._text(slide, "footnote", line, Box(MARGIN, top, INNER, height), size=size,
                   colour=GREY)  # fmt: skip
        return top

    # -- slides ----------------------------------------------------------------------------

    def title_slide(self) -> None:
        deck, t = self.deck, self.text
        slide = self._blank()
        rectangle(slide, Box(0, 0, WIDTH, HEIGHT), NAVY, name="background")
        month = t.gettext("ROI review · {month}").format(month=t.month(deck.month))
        details = [t.gettext("Account {account}").format(account=deck.account_id)]
        if deck.sector_name:
            details.append(t.gettext("Sector: {sector}").format(sector=deck.sector_name))
        if deck.month_chosen is not None:
            details.append(self._month_chosen(deck.month_chosen))
        # The names as given: a slide is not a spreadsheet, nothing here is a formula.
        self._text(slide, "product", deck.app, _across(1.2, 0.6), size=20, colour=PALE_BLUE)
        # A long name takes a smaller size, then more lines, and what follows moves down:
        # measured, so that no line of it runs into the month.
        name = [deck.name]
        size = fitting.fit_size(name, INNER, inches(1.7), largest=44, smallest=28, bold=True)
        if fitting.box_height(name, INNER, size, bold=True) > inches(1.7):
            size = fitting.fit_size(name, INNER, inches(2.9), largest=28, smallest=16, bold=True)
        height = fitting.box_height(name, INNER, size, bold=True)
        name_top = inches(2.3)
        self._text(slide, "customer", deck.name, Box(MARGIN, name_top, INNER, height),
                   size=size, bold=True, colour=WHITE)  # fmt: skip
        month_top = max(inches(4.1), name_top + height + inches(0.15))
        month_height = fitting.box_height([month], INNER, 26)
        self._text(slide, "month", month, Box(MARGIN, month_top, INNER, month_height), size=26,
                   colour=WHITE)  # fmt: skip
        details_top = max(inches(5.2), month_top + month_height + inches(0.3))
        details_height = max(inches(1.0), fitting.box_height(details, INNER, 16))
        self._text(slide, "details", details, Box(MARGIN, details_top, INNER, details_height),
                   size=16, colour=PALE_GREY)  # fmt: skip
        self._internal_mark(slide)

    def _month_chosen(self, chosen: MonthChosen) -> str:
        """Why the deck is of this month: the one asked for had none of the account's data."""
        t = self.text
        asked = t.month(chosen.instead_of)
        if chosen.source is MonthSource.SALES:
            line = t.gettext("The month of the account's latest sale: it has no data for {asked}.")
        elif chosen.source is MonthSource.LEDGER:
            line = t.gettext(
                "The month of the account's latest ledger entry: it has no data for {asked}."
            )
        else:
            line = t.gettext(
                "The month of the account's latest metrics: it has no data for {asked}."
            )
        return line.format(asked=asked)

    def headline_slides(self) -> None:
        deck, t = self.deck, self.text
        subtitle = t.gettext("{month} against {earlier}, and the last twelve months").format(
            month=text.sentence_start(t.month(deck.month)),
            earlier=t.month(add_months(deck.month, -12)),
        )
        header = [
            t.gettext("Metric"),
            t.gettext("This month"),
            t.gettext("A year earlier"),
            t.gettext("Change"),
            t.gettext("Last 12 months"),
        ]
        pages = list(_chunks(deck.metrics, HEADLINES_PER_SLIDE))
        for page, metrics in enumerate(pages, start=1):
            title = t.page_title(t.gettext("Headline metrics"), page, len(pages))
            slide = self._slide(title, subtitle)
            changes = [t.change(history) for history in metrics]
            rows = [
                [
                    text.metric_label(history.definition.name),
                    history.current.formatted,
                    history.year_earlier.formatted if history.year_earlier else text.NO_VALUE,
                    change.text,
                    "",
                ]
                for history, change in zip(metrics, changes, strict=True)
            ]
            table = self._table(
                slide,
                "headline table",
                header,
                rows,
                HEADLINE_WIDTHS,
                MARGIN,
                CONTENT_TOP,
                row_height=HEADLINE_ROW,
            )
            for r, change in enumerate(changes, start=1):
                run = table.cell(r, 3).text_frame.paragraphs[0].runs[0]
                run.font.color.rgb = TONE_COLOURS[change.tone]
                run.font.bold = change.tone in (text.Tone.BETTER, text.Tone.WORSE)
            top = CONTENT_TOP + table.rows[0].height
            for r, history in enumerate(metrics, start=1):
                height = table.rows[r].height
                box = Box(
                    MARGIN + inches(sum(HEADLINE_WIDTHS[:-1])),
                    top,
                    inches(HEADLINE_WIDTHS[-1]),
                    inches(HEADLINE_ROW),
                )
                self._trend(slide, history, box)
                top += height

    def _trend(self, slide: Slide, history: MetricHistory, box: Box) -> None:
        """A native line chart of the metric's twelve months, drawn as a sparkline."""
        chart = add_chart(
            slide,
            XL_CHART_TYPE.LINE,
            box,
            name=f"trend {history.definition.name}",
            categories=[self.text.month_short(m) for m in history.months],
            series=[
                (
                    text.metric_label(history.definition.name),
                    [None if v is None else float(v) for v in history.values],
                )
            ],
        )
        chart.has_legend = False
        chart.has_title = False
        chart.font.size = Pt(SMALLEST_SIZE)
        chart.category_axis.visible = False
        chart.value_axis.visible = False
        chart.value_axis.has_major_gridlines = False
        series = chart.plots[0].series[0]
        series.smooth = False
        series.format.line.color.rgb = ACCENT
        series.format.line.width = Pt(2)

    def _sector(self) -> str:
        return self.deck.sector_name or self.text.gettext("its sector")

    def comparison_slides(self) -> None:
        deck, t = self.deck, self.text
        month = t.month(deck.month)
        subtitle = t.gettext("{month}, against the other accounts of {sector}").format(
            month=text.sentence_start(month), sector=self._sector()
        )
        title = t.gettext("Sector position")
        comparisons = list(deck.comparisons)
        if not comparisons:
            # No metric in the month (an account known from its sales or ledger): nothing to
            # place in the sector; the method slide says so.
            return
        if all(c.status is ComparisonStatus.NOT_PUBLISHED for c in comparisons):
            slide = self._slide(title, subtitle)
            self._note(
                slide,
                t.gettext(
                    "The sector figures of {month} are not published yet: they appear once "
                    "the month is published and frozen."
                ).format(month=month),
            )
            return
        if all(c.status is ComparisonStatus.NOT_IN_COHORT for c in comparisons):
            slide = self._slide(title, subtitle)
            self._note(
                slide,
                t.gettext(
                    "This account is in no published sector cohort of {month}: there is "
                    "nothing to compare it with."
                ).format(month=month),
            )
            return
        if not any(c.informative for c in comparisons):
            # A table of "too imprecise" cells, and a sentence per metric saying it again,
            # fill slides that show nothing: the deck says it once.
            slide = self._slide(title, subtitle)
            self._note(
                slide,
                t.gettext(
                    "At this privacy budget the private sector figures of {sector} for {month} "
                    "are too imprecise to place any of your metrics: at {confidence} confidence "
                    "they may lie further than a quarter of the sector's accounts from the exact "
                    "ones, so this deck shows none of them."
                ).format(sector=self._sector(), month=month, confidence=t.percent(95)),
            )
            return
        pages = self._comparison_pages(comparisons)
        for page, chunk in enumerate(pages, start=1):
            slide = self._slide(t.page_title(title, page, len(pages)), subtitle)
            self._comparison_page(slide, chunk)

    def _comparison_pages(self, comparisons: Sequence[Comparison]) -> list[Sequence[Comparison]]:
        """The comparisons by slide: up to COMPARISONS_PER_SLIDE, fewer where their sentences
        and footnote would not fit at the smallest size (long words of some languages)."""
        pages: list[Sequence[Comparison]] = []
        start = 0
        while start < len(comparisons):
            count = min(COMPARISONS_PER_SLIDE, len(comparisons) - start)
            while count > 1 and self._comparison_layout(comparisons[start : start + count]) is None:
                count -= 1
            pages.append(comparisons[start : start + count])
            start += count
        return pages

    def _comparison_rows(
        self, comparisons: Sequence[Comparison]
    ) -> tuple[list[list[str]], list[str]]:
        """The comparison table's rows and the insight sentences, one of each a comparison."""
        t = self.text
        rows = []
        sentences = []
        for comparison in comparisons:
            unit = comparison.definition.unit
            label = text.metric_label(comparison.definition.name)
            customer = comparison.customer_value
            figures = [
                text.NO_VALUE if customer is None else t.number(customer, unit),
                *(
                    text.NO_VALUE if value is None else t.statistic(value, unit)
                    for value in (comparison.sector_p50, comparison.sector_p90)
                ),
            ]
            percentile = comparison.customer_percentile
            shown = text.NO_VALUE if percentile is None else t.count(percentile)
            if not comparison.informative:
                # A slide travels without its footnote: a noisy number, even marked, would be
                # quoted as the sector's figure. The API keeps the number with its accuracy.
                figures[1:] = [t.too_imprecise()] * len(figures[1:])
                shown = t.too_imprecise()
            rows.append([label, *figures, shown])
            sentences.append(self._comparison_sentence(comparison, label))
        return rows, sentences

    def _comparison_header(self) -> list[str]:
        t = self.text
        return [
            t.gettext("Metric"),
            t.gettext("You"),
            t.gettext("Sector median"),
            t.gettext("Sector p90"),
            t.gettext("Percentile"),
        ]

    def _comparison_layout(self, comparisons: Sequence[Comparison]) -> tuple[float, float] | None:
        """The sizes of the insight sentences and of the footnote under the comparisons'
        table: the largest that fit between the table (as tall as its measured rows) and the
        chart above and the foot of the slide, the footnote taking a smaller size first; None
        when they do not fit even at the smallest size."""
        rows, sentences = self._comparison_rows(comparisons)
        note = self._figure_note(comparisons)
        table_height = sum(
            max(inches(0.4), _row_height(values, COMPARISON_WIDTHS, TABLE_SIZE, bold=r == 0))
            for r, values in enumerate([self._comparison_header(), *rows])
        )
        top = max(PERCENTILE_CHART_BOTTOM + inches(0.1), CONTENT_TOP + table_height + inches(0.15))
        note_size = float(FOOTNOTE_SIZE)
        while note_size >= SMALLEST_SIZE:
            note_top = HEIGHT - FOOT_MARGIN - fitting.box_height([note], INNER, note_size)
            room = note_top - inches(0.1) - top
            size = fitting.fit_size(
                sentences, INNER, room, largest=INSIGHT_SIZE, smallest=SMALLEST_SIZE, spacing=3
            )
            if fitting.box_height(sentences, INNER, size, spacing=3) <= room:
                return size, note_size
            note_size -= 0.5
        return None

    def _comparison_page(self, slide: Slide, comparisons: Sequence[Comparison]) -> None:
        rows, sentences = self._comparison_rows(comparisons)
        table = self._table(
            slide,
            "comparison table",
            self._comparison_header(),
            rows,
            COMPARISON_WIDTHS,
            MARGIN,
            CONTENT_TOP,
        )
        # A single comparison's sentence and footnote that do not fit at the smallest size
        # (no language's do) take it, and the slide's foot, rather than a smaller one.
        size, note_size = self._comparison_layout(comparisons) or (SMALLEST_SIZE, SMALLEST_SIZE)
        self._footnote(slide, self._figure_note(comparisons), size=note_size)
        table_bottom = CONTENT_TOP + sum(row.height for row in table.rows)
        top = max(PERCENTILE_CHART_BOTTOM + inches(0.1), table_bottom + inches(0.15))
        height = fitting.box_height(sentences, INNER, size, spacing=3)
        self._text(slide, "insights", sentences, Box(MARGIN, top, INNER, height), size=size,
                   spacing=3)  # fmt: skip
        # A chart without a bar says nothing: drawn only when a percentile can be placed.
        if any(_charted(c) for c in comparisons):
            self._percentile_chart(slide, [row[0] for row in rows], comparisons)

    def _percentile_chart(
        self, slide: Slide, labels: Sequence[str], comparisons: Sequence[Comparison]
    ) -> None:
        left = MARGIN + inches(sum(COMPARISON_WIDTHS) + 0.3)
        title = self.text.gettext("Percentile in the sector")
        top = CONTENT_TOP - inches(0.1)
        chart = add_chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            Box(left, top, WIDTH - MARGIN - left, PERCENTILE_CHART_BOTTOM - top),
            name="percentile chart",
            categories=list(labels),
            series=[
                (
                    title,
                    [c.customer_percentile if _charted(c) else None for c in comparisons],
                )
            ],
            number_format="0",
        )
        chart.has_legend = False
        chart.has_title = True
        chart.chart_title.text_frame.text = title
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        chart.font.size = Pt(10)
        axis = chart.value_axis
        axis.minimum_scale = 0
        axis.maximum_scale = 100
        axis.major_unit = 25
        axis.has_major_gridlines = True
        chart.category_axis.reverse_order = True
        plot = chart.plots[0]
        plot.gap_width = 60
        plot.has_data_labels = True
        plot.data_labels.number_format = "0"
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        fill(plot.series[0].format.fill, ACCENT)

    def _comparison_sentence(self, comparison: Comparison, label: str) -> str:
        """The insight sentence (it names the metric), or why there is none."""
        t = self.text
        if comparison.status is ComparisonStatus.COMPARED:
            sentence = t.insight(comparison, self._sector())
            if sentence is not None:
                return sentence
        if comparison.status is ComparisonStatus.REFUSED:
            return t.gettext("{metric}: {refusal} (the cohort rule).").format(
                metric=label, refusal=t.not_enough_peers()
            )
        if comparison.status is ComparisonStatus.NOT_PUBLISHED:
            return t.gettext(
                "{metric}: the sector figures of this month are not published yet."
            ).format(metric=label)
        if comparison.status is ComparisonStatus.INTERNAL_ONLY:
            return t.gettext(
                "{metric}: its sector figures are for internal use only this month (the metric "
                "had no bounds for private figures when the month was published)."
            ).format(metric=label)
        if comparison.status is ComparisonStatus.UNRANKED:
            return t.gettext(
                "{metric}: no percentile: these sector figures were published before the "
                "server kept the bounds they were drawn with, which are no longer known."
            ).format(metric=label)
        return t.gettext(
            "{metric}: not in the month's published cohort, nothing to compare with."
        ).format(metric=label)

    def _figure_note(self, comparisons: Sequence[Comparison]) -> str:
        t = self.text
        kinds = {
            c.figure_kind
            for c in comparisons
            if c.status in (ComparisonStatus.COMPARED, ComparisonStatus.UNRANKED)
        }
        notes = []
        if "DIFFERENTIALLY_PRIVATE" in kinds:
            notes.append(
                t.gettext(
                    "Sector median and p90 are differentially private: drawn with calibrated "
                    "noise when the month was published, so that no other customer's value can "
                    "be recovered; they can differ from the exact figures."
                )
            )
        if "EXACT" in kinds:
            notes.append(t.gettext("Sector median and p90 are exact (internal access)."))
        if "DIFFERENTIALLY_PRIVATE" in kinds:
            notes.append(
                t.gettext(
                    "Your percentile ({best} is the best) and band are read off those private "
                    "figures (between the metric's bounds), so they carry the same noise."
                ).format(best=t.count(100))
            )
        if any(not c.informative for c in comparisons):
            notes.append(
                t.gettext(
                    "'{too_imprecise}': at this privacy budget the sector's private figures may "
                    "lie, at {confidence} confidence, further than a quarter of its accounts "
                    "from the exact ones, so they cannot place your value; no percentile is "
                    "charted for them."
                ).format(
                    too_imprecise=text.sentence_start(t.too_imprecise()),
                    confidence=t.percent(95),
                )
            )
        if "EXACT" in kinds:
            notes.append(
                t.gettext(
                    "Your percentile ({best} is the best) and band are measured in the exact "
                    "cohort: the share of its accounts you match or beat."
                ).format(best=t.count(100))
            )
        notes.append(t.gettext("Below the cohort minimum nothing is compared."))
        return " ".join(notes)

    def sales_slide(self) -> None:
        deck, t = self.deck, self.text
        slide = self._slide(t.gettext("Purchase story (RFM)"), self._sales_subtitle(deck.sales))
        if deck.sales is None:
            self._note(
                slide,
                t.gettext(
                    "No sales were ingested for this account: load a sales export "
                    "(profiling ingest sales FILE) to see its quarterly segments."
                ),
            )
            return
        sales = deck.sales
        month = t.month(deck.month)
        if not sales.quarters:
            self._note(
                slide,
                t.gettext(
                    "No orders by the end of {month}: the account's purchases began later."
                ).format(month=month),
            )
            return
        shown = sales.quarters[-QUARTERS_SHOWN:]
        profit = t.gettext("(profit)")
        rows = [
            [
                q.quarter,
                t.count(q.orders),
                t.count(q.revenue),
                *(
                    # One phrase across both segment cells (merged below).
                    [t.segment(NOT_COMPARED), ""]
                    if q.not_compared
                    else [
                        t.segment(q.frequency_segment),
                        t.segment(q.monetary_segment)
                        + (f" {profit}" if q.monetary_is_profit else ""),
                    ]
                ),
            ]
            for q in shown
        ]
        table = self._table(
            slide,
            "quarters table",
            [
                t.gettext("Quarter"),
                t.gettext("Orders"),
                t.gettext("Revenue"),
                t.gettext("Frequency"),
                t.gettext("Monetary"),
            ],
            rows,
            QUARTER_WIDTHS,
            MARGIN,
            CONTENT_TOP,
        )
        for r, q in enumerate(shown, start=1):
            if q.not_compared:
                table.cell(r, 3).merge(table.cell(r, 4))
        partial = [sales.is_partial(q) for q in shown]
        until = t.day(sales.known_to)
        for r, marked in enumerate(partial, start=1):
            if marked:
                self._so_far(table, r, t.gettext("so far: to {day}").format(day=until))
        left = MARGIN + inches(sum(QUARTER_WIDTHS) + 0.3)
        revenue = t.gettext("Revenue")
        chart = add_chart(
            slide,
            XL_CHART_TYPE.COLUMN_CLUSTERED,
            Box(left, CONTENT_TOP - inches(0.1), WIDTH - MARGIN - left, inches(3.8)),
            name="revenue chart",
            categories=[q.quarter for q in shown],
            series=[(revenue, [float(q.revenue) for q in shown])],
            number_format="#,##0.00",
        )
        chart.has_legend = False
        chart.has_title = True
        chart.chart_title.text_frame.text = t.gettext("Revenue per quarter")
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        chart.font.size = Pt(10)
        # Grouped as the deck's locale groups (100 000 in French), whatever the viewer's.
        chart.value_axis.tick_labels.number_format = grouped_whole_number_format(self.text.locale)
        chart.value_axis.tick_labels.number_format_is_linked = False
        fill(chart.plots[0].series[0].format.fill, ACCENT)
        self._footnote(slide, self._sales_note(sales, len(sales.quarters) - len(shown), partial))

    def _so_far(self, table: Table, row: int, mark: str) -> None:
        """The quarter's cell says, under its name, that the quarter is not over in the data."""
        # python-pptx leaves a cell's frame's add_paragraph unannotated.
        frame: Any = table.cell(row, 0).text_frame
        width = table.columns[0].width - CELL_SIDES
        needed = (
            fitting.text_height([frame.text], width, QUARTER_SIZE)
            + fitting.text_height([mark], width, SO_FAR_SIZE)
            + 2 * CELL_ENDS
        )
        table.rows[row].height = Emu(max(table.rows[row].height, needed))
        run = frame.add_paragraph().add_run()
        write_run(run, mark)
        run.font.size = Pt(SO_FAR_SIZE)
        run.font.italic = True
        run.font.color.rgb = GREY

    def _sales_note(self, sales: SalesProfile, earlier: int, partial: Sequence[bool]) -> str:
        t = self.text
        notes = [
            t.gettext(
                "Each quarter, the account's orders (frequency) and its revenue, or its profit "
                "where every account had one (monetary), are ranked among the app's customers "
                "by K-means clusters: high value, average, below average, low value."
            )
        ]
        if any(q.not_compared for q in sales.quarters):
            notes.append(
                t.gettext(
                    "'{not_compared}': so few of the app's customers bought in that quarter that "
                    "a segment would rank the account against single other customers, so none "
                    "is given."
                ).format(not_compared=t.segment(NOT_COMPARED))
            )
        if any(partial):
            notes.append(
                t.gettext(
                    "A quarter marked 'so far' had not ended on {day}: its orders and revenue "
                    "are partial, and its segments compare it with whole quarters."
                ).format(day=t.day(sales.known_to))
            )
        if earlier:
            notes.append(
                t.ngettext(
                    "{count} earlier quarter with orders is not shown.",
                    "{count} earlier quarters with orders are not shown.",
                    earlier,
                ).format(count=t.count(earlier))
            )
        if sales.later_quarters:
            notes.append(
                t.ngettext(
                    "{count} later quarter with orders, after {month}, is not shown.",
                    "{count} later quarters with orders, after {month}, are not shown.",
                    sales.later_quarters,
                ).format(count=t.count(sales.later_quarters), month=t.month(self.deck.month))
            )
        return " ".join(notes)

    def _sales_subtitle(self, sales: SalesProfile | None) -> str | None:
        if sales is None:
            return None
        t = self.text
        if sales.last_purchase > last_of_month(self.deck.month):
            # The recency measures count to a day after the deck's month (the app's latest sale,
            # or today for an account key): a past month's deck does not give them.
            return t.gettext("Customer since {day}").format(day=t.day(sales.first_purchase))
        if sales.is_recent:
            sentence = t.ngettext(
                "Customer since {first}; last purchase {last}, {count} day before {as_of}: "
                "a recent customer",
                "Customer since {first}; last purchase {last}, {count} days before {as_of}: "
                "a recent customer",
                sales.days_since_last_purchase,
            )
        else:
            sentence = t.ngettext(
                "Customer since {first}; last purchase {last}, {count} day before {as_of}: "
                "not a recent customer",
                "Customer since {first}; last purchase {last}, {count} days before {as_of}: "
                "not a recent customer",
                sales.days_since_last_purchase,
            )
        return sentence.format(
            first=t.day(sales.first_purchase),
            last=t.day(sales.last_purchase),
            count=t.count(sales.days_since_last_purchase),
            as_of=t.day(sales.recency_as_of),
        )

    def credit_slide(self) -> None:
        deck, t = self.deck, self.text
        credit = deck.credit
        subtitle = None
        if credit is not None:
            subtitle = t.gettext("As of {day}").format(day=t.day(credit.as_of))
        slide = self._slide(t.gettext("Credit risk"), subtitle)
        if credit is None and deck.ledger_begins_later:
            self._note(
                slide,
                t.gettext(
                    "No ledger entries by the end of {month}: the account's ledger begins later."
                ).format(month=t.month(deck.month)),
            )
            return
        if credit is None:
            self._note(
                slide,
                t.gettext(
                    "No ledger entries were ingested for this account: load a ledger export "
                    "(profiling ingest ledger FILE) to score its credit risk."
                ),
            )
            return
        self._credit_score(slide, credit)
        self._table(
            slide,
            "credit table",
            [t.gettext("Measure"), t.gettext("Value")],
            self._credit_rows(credit),
            CREDIT_WIDTHS,
            MARGIN + inches(5.7),
            CONTENT_TOP,
            row_height=0.5,
            size=14,
        )
        self._footnote(
            slide,
            t.gettext(
                "The score is {full} less weighted penalties: overdue share ({overdue}), average "
                "days late ({late}, full at {late_days}) and days sales outstanding ({dso}, from "
                "the payment terms to {dso_days} beyond them). The segment follows the server's "
                "thresholds (by default low risk from {low}, high risk below {high})."
            ).format(
                full=t.count(100),
                overdue=t.count(Decimal("0.4")),
                late=t.count(Decimal("0.3")),
                late_days=t.number(60, "days"),
                dso=t.count(Decimal("0.3")),
                dso_days=t.number(90, "days"),
                low=t.count(70),
                high=t.count(40),
            ),
        )

    def _credit_score(self, slide: Slide, credit: CreditRisk) -> None:
        t = self.text
        chart = add_chart(
            slide,
            XL_CHART_TYPE.DOUGHNUT,
            Box(MARGIN, CONTENT_TOP, inches(4.6), inches(4.6)),
            name="credit score chart",
            categories=[t.gettext("Score"), t.gettext("Remaining")],
            series=[(t.gettext("Credit score"), [credit.score, 100 - credit.score])],
            number_format="0",
        )
        chart.has_legend = False
        chart.has_title = False
        colour = {
            "LOW_RISK": TONE_COLOURS[text.Tone.BETTER],
            "HIGH_RISK": TONE_COLOURS[text.Tone.WORSE],
        }.get(credit.segment, ACCENT)
        points = chart.plots[0].series[0].points
        fill(points[0].format.fill, colour)
        fill(points[1].format.fill, LIGHT)
        centre = MARGIN + inches(0.8)
        self._text(
            slide,
            "credit score",
            t.gettext("{score} / {full}").format(score=t.count(credit.score), full=t.count(100)),
            Box(centre, CONTENT_TOP + inches(1.75), inches(3.0), inches(0.7)),
            size=30,
            bold=True,
            align=PP_ALIGN.CENTER,
        )
        self._text(
            slide,
            "credit segment",
            t.credit_segment(credit.segment),
            Box(centre, CONTENT_TOP + inches(2.45), inches(3.0), inches(0.5)),
            size=16,
            colour=colour,
            align=PP_ALIGN.CENTER,
        )

    def _credit_rows(self, credit: CreditRisk) -> list[list[str]]:
        t = self.text

        def measure(value: float | None, unit: str, scale: int = 1) -> str:
            if value is None:
                return text.NO_VALUE
            return t.number(value * scale, unit, places=1)

        return [
            [t.gettext("Days sales outstanding"), measure(credit.days_sales_outstanding, "days")],
            [t.gettext("Overdue share"), measure(credit.overdue_share, "percent", 100)],
            [t.gettext("Average days late"), measure(credit.average_days_late, "days")],
            [t.gettext("Invoiced in the DSO period"), t.count(credit.invoiced)],
            [t.gettext("Outstanding"), t.count(credit.outstanding)],
        ]

    def method_slide(self) -> None:
        deck, t = self.deck, self.text
        minimum = deck.min_cohort or COHORT_FLOOR
        kinds = {c.figure_kind for c in deck.comparisons if c.figure_kind}
        privacy = t.gettext(
            "Privacy: sector figures are exact for internal access only; every other key gets "
            "differentially private figures (OpenDP), drawn once when a month is published and "
            "frozen, so that no customer's value can be recovered from them."
        )
        if kinds == {"EXACT"}:
            privacy += " " + t.gettext("This deck's sector figures are exact.")
        elif kinds == {"DIFFERENTIALLY_PRIVATE"}:
            privacy += " " + t.gettext("This deck's sector figures are differentially private.")
        elif kinds:
            privacy += " " + t.gettext(
                "This deck's sector figures are differentially private and exact."
            )
        slide = self._slide(t.gettext("How these numbers are made"))
        story = t.gettext(
            "Purchase story and credit risk: computed from the sales and ledger exports "
            "ingested for the account (quarterly RFM segments; payments against invoices)."
        )
        source = t.gettext(
            "Source: the customer-profiling GraphQL API ({source}), on {day}."
        ).format(
            source=t.gettext(LOCAL_SOURCE) if deck.source == LOCAL_SOURCE else deck.source,
            day=t.day(deck.built_on),
        )
        if not deck.metrics:
            lines = [
                t.gettext(
                    "Metrics: the account has no metric values for {month}, so this deck has "
                    "no headline metrics and no sector position."
                ).format(month=t.month(deck.month)),
                story,
                source,
            ]
            self._text(slide, "method", lines, _across(1.15, 5.5), size=17, spacing=12)
            return
        lines = [
            t.ngettext(
                "Cohort rule: no sector figure is derived from fewer than {minimum} distinct "
                "account; below that the API refuses it and this deck says \u201c{refusal}\u201d.",
                "Cohort rule: no sector figure is derived from fewer than {minimum} distinct "
                "accounts; below that the API refuses it and this deck says \u201c{refusal}\u201d.",
                minimum,
            ).format(minimum=t.count(minimum), refusal=t.not_enough_peers()),
            privacy,
            t.gettext(
                "Metrics: the account's monthly values, as ingested and served by the API; the "
                "change compares a month with the same month a year earlier."
            ),
            t.gettext("Sector position: the month's published benchmarks of the account's sector."),
            story,
            source,
        ]
        self._text(slide, "method", lines, _across(1.15, 5.5), size=17, spacing=12)


def build_presentation(deck: DeckData) -> PresentationType:
    builder = DeckBuilder(deck)
    builder.title_slide()
    builder.headline_slides()
    builder.comparison_slides()
    builder.sales_slide()
    builder.credit_slide()
    builder.method_slide()
    return builder.presentation


def write_deck(presentation: PresentationType, path: Path) -> None:
    """Save the deck at `path` atomically: a temporary file beside it, then a rename, so that
    `path` is either the whole deck or what was there before."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            presentation.save(file)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private; the deck gets the permissions of any new file.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    """The process's umask, read without setting it (os.umask would race other threads)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def _charted(comparison: Comparison) -> bool:
    """Whether the comparison's percentile is a bar of the sector chart."""
    return (
        comparison.status is ComparisonStatus.COMPARED
        and comparison.informative
        and comparison.customer_percentile is not None
    )
