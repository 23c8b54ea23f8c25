"""Accreditation report PDFs: the activity summary and the annual report. ReportLab code only.

The renderers receive frozen dataclasses whose values are already formatted (strings) and never
query. Chart values are the only numbers they get, because bars need lengths.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from cme.pdf import ACCENT, INK, MUTED, RULE, SANS, SANS_BOLD, SANS_ITALIC, ZEBRA, Renderer, text_style

SERIES_COLORS = (ACCENT, colors.HexColor("#7aa6c2"), colors.HexColor("#c8a24a"), colors.HexColor("#8a9a5b"))
TILE_FILL = colors.HexColor("#eef2f7")


# --- What the renderers print ---------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One bar per category; `labels` (formatted by the document) print over the bars, "" for none."""

    name: str
    values: tuple[Decimal, ...]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]


@dataclass(frozen=True)
class TableBlock:
    """A table as printed: header, body rows, optional total row, the columns aligned right."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative; scaled to the frame width
    right: tuple[int, ...] = ()
    total: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Section:
    """A heading, an optional lead paragraph, facts (label, value), a table, a note under it."""

    heading: str
    lead: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    table: TableBlock | None = None
    empty: str = ""  # printed instead of the table when it has no rows
    note: str = ""
    charts: tuple[Chart, ...] = ()
    quotes: tuple[str, ...] = ()  # printed as a list of quotations (practice changes)


@dataclass(frozen=True)
class ReportDocument:
    """Either report: a title block, headline figures as tiles, then sections in order."""

    kind: str  # "Activity summary" or "Annual report", for the footer
    provider_name: str
    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    tiles: tuple[tuple[str, str], ...]  # (figure, label)
    sections: tuple[Section, ...]
    footer: str


# --- Charts -----------------------------------------------------------------------------------------


def bar_chart(chart: Chart, width: float, height: float = 2.7 * inch) -> Drawing:
    """A grouped vertical bar chart: a title, a legend below it, one bar per series in each category."""
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    bars.x, bars.y = 52, 42
    bars.width, bars.height = width - 62, height - 84
    bars.data = [[float(value) for value in series.values] or [0.0] for series in chart.series]
    bars.categoryAxis.categoryNames = list(chart.categories) or [""]
    _style_axes(bars)
    if max((float(v) for series in chart.series for v in series.values), default=0.0) <= 0:
        bars.valueAxis.valueMax = 1  # an empty period still draws an axis
    bars.barSpacing, bars.groupSpacing = 1, 6
    _value_labels(bars, chart)
    for index in range(len(chart.series)):
        bars.bars[index].fillColor = SERIES_COLORS[index % len(SERIES_COLORS)]
        bars.bars[index].strokeColor = None
    drawing.add(bars)
    drawing.add(String(0, height - 11, chart.title, fontName=SANS_BOLD, fontSize=9, fillColor=ACCENT))
    drawing.add(_legend(chart, top=height - 19))
    return drawing


def _value_labels(bars: VerticalBarChart, chart: Chart) -> None:
    """Print each bar's value (as the document formatted it) just above the bar."""
    if not any(series.labels for series in chart.series):
        return
    bars.barLabelFormat = "values"
    bars.barLabelArray = [
        list(series.labels) + [""] * (len(series.values) - len(series.labels)) or [""] for series in chart.series
    ]
    bars.barLabels.fontName, bars.barLabels.fontSize = SANS, 6
    bars.barLabels.fillColor = INK
    bars.barLabels.boxAnchor, bars.barLabels.dy = "s", 1.5


def _style_axes(bars: VerticalBarChart) -> None:
    for labels in (bars.categoryAxis.labels, bars.valueAxis.labels):
        labels.fontName, labels.fontSize = SANS, 7
    bars.categoryAxis.labels.fillColor = INK
    bars.categoryAxis.labels.boxAnchor, bars.categoryAxis.labels.dy = "n", -3
    bars.categoryAxis.labels.textAnchor = "middle"
    bars.categoryAxis.strokeColor, bars.categoryAxis.tickDown = RULE, 0
    bars.valueAxis.valueMin = 0
    bars.valueAxis.rangeRound = "ceiling"  # the tallest bar ends under a labelled gridline
    bars.valueAxis.labels.fillColor = MUTED
    bars.valueAxis.labelTextFormat = lambda value: f"{value:,.0f}"
    bars.valueAxis.strokeColor = RULE
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor, bars.valueAxis.gridStrokeWidth = colors.HexColor("#e4e7eb"), 0.4


def _legend(chart: Chart, top: float) -> Legend:
    legend = Legend()
    legend.x, legend.y, legend.boxAnchor = 0, top, "nw"
    legend.alignment = "right"  # the swatch left of its name
    legend.columnMaximum, legend.deltax, legend.autoXPadding = 1, 10, 14
    legend.dx = legend.dy = 7
    legend.dxTextSpace = 4
    legend.fontName, legend.fontSize, legend.fillColor = SANS, 7.5, INK
    legend.strokeColor = None
    legend.colorNamePairs = [
        (SERIES_COLORS[index % len(SERIES_COLORS)], series.name) for index, series in enumerate(chart.series)
    ]
    return legend


# --- The renderer -----------------------------------------------------------------------------------


class ReportRenderer(Renderer):
    """Portrait letter pages: title block, headline tiles, then each section (tables split across pages)."""

    def __init__(self, doc: ReportDocument):
        self.doc = doc
        self.document_title = f"{doc.kind}: {doc.title}"
        self.document_author = doc.provider_name
        super().__init__()
        self.styles["tile_figure"] = text_style("tile_figure", SANS_BOLD, 15, color=ACCENT, align=TA_CENTER)
        self.styles["tile_label"] = text_style("tile_label", SANS, 7.5, color=MUTED, align=TA_CENTER)
        self.styles["quote"] = ParagraphStyle(
            "quote", text_style("quote", SANS_ITALIC, 8.5, color=INK, leading=1.3), leftIndent=8, spaceAfter=2.5
        )
        self.styles["note"] = text_style("note", SANS, 7.5, color=MUTED, leading=1.3)
        self.styles["total"] = text_style("total", SANS_BOLD, 8, color=INK)

    def footer_text(self) -> str:
        return self.doc.footer

    def render(self) -> bytes:
        doc = self.doc
        story: list[Flowable] = [
            self.paragraph(doc.provider_name.upper(), text_style("kicker", SANS_BOLD, 8, color=MUTED)),
            self.spacer(4),
            self.title(doc.title),
            self.paragraph(doc.subtitle, "subtitle"),
            self.key_value_table(doc.facts, key_width=1.75 * inch),
            self.spacer(12),
        ]
        if doc.tiles:
            story.append(self.tiles(doc.tiles))
        for section in doc.sections:
            story += self.section_flowables(section)
        return self.build_story(story)

    def tiles(self, tiles: Sequence[tuple[str, str]], per_row: int = 3) -> Table:
        """Headline figures in shaded boxes, `per_row` to a row."""
        cells = [
            [self.paragraph(figure, "tile_figure"), self.paragraph(label, "tile_label")] for figure, label in tiles
        ]
        rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        rows[-1] += [""] * (per_row - len(rows[-1]))
        width = self.frame_width / per_row
        table = Table(rows, colWidths=[width] * per_row, hAlign="LEFT")
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ("INNERGRID", (0, 0), (-1, -1), 3, colors.white),
        ]
        for row_index, row in enumerate(rows):
            for column, cell in enumerate(row):
                if cell != "":
                    commands.append(("BACKGROUND", (column, row_index), (column, row_index), TILE_FILL))
        table.setStyle(TableStyle(commands))
        return table

    def section_flowables(self, section: Section) -> list[Flowable]:
        head: list[Flowable] = [self.heading(section.heading)]
        if section.lead:
            head.append(self.paragraph(section.lead, "small"))
            head.append(self.spacer(4))
        if section.facts:
            head.append(self.key_value_table(section.facts, key_width=2.6 * inch))
            head.append(self.spacer(4))
        for chart in section.charts:
            head.append(bar_chart(chart, self.frame_width))
            head.append(self.spacer(6))
        body: list[Flowable] = []
        if section.table is not None and section.table.rows:
            body.append(self.table(section.table))
        elif section.empty:
            body.append(self.paragraph(section.empty, "body"))
        body += [self.paragraph(f"“{quote}”", "quote") for quote in section.quotes]
        tail = [self.spacer(3), self.paragraph(section.note, "note")] if section.note else []
        # A short section stays on one page; a long table starts under its heading and splits.
        if (section.table is not None and len(section.table.rows) > 25) or len(section.quotes) > 25:
            return [KeepTogether([*head, *body[:1]]), *body[1:], *tail]
        return [KeepTogether([*head, *body, *tail])]

    def table(self, table: TableBlock) -> Table:
        scale = self.frame_width / sum(table.widths)
        widths = [width * scale for width in table.widths]
        rows = [list(row) for row in table.rows]
        if table.total:
            bold = [self.paragraph(cell, self._total_style(i in table.right)) for i, cell in enumerate(table.total)]
            rows.append(bold)
        flowable = self.data_table(list(table.header), rows, widths, right=table.right)
        commands = [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA])]
        if table.total:
            commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT), ("BACKGROUND", (0, -1), (-1, -1), TILE_FILL)]
        flowable.setStyle(TableStyle(commands))
        return flowable

    def _total_style(self, right: bool):
        return text_style("total_right", SANS_BOLD, 8, align=TA_RIGHT) if right else self.styles["total"]


def render_report(doc: ReportDocument) -> bytes:
    """Render an activity summary or an annual report (portrait letter, numbered pages) to PDF bytes."""
    return ReportRenderer(doc).render()
