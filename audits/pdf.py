"""PDF documents (audit memo, annual report) and server-side charts, with reportlab.

A document is a list of blocks; the same blocks render as HTML elsewhere (templates), and
every figure in either comes from one dict computed once, so the two cannot disagree.
Charts are reportlab Drawings: embedded in the PDF, and as inline SVG in the HTML view.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Rows:
    header: list
    rows: list


@dataclass(frozen=True)
class Chart:
    drawing: Drawing


class NewPage:
    pass


def bar_chart(title: str, labels: list[str], series: list[list[float]], names: list[str] | None = None,
              width: int = 460, height: int = 200, unit: str = "") -> Drawing:
    """A plain bar chart; values drawn from the report's figures. `unit` labels the value
    axis (issue 21 §9: readable charts with titles and units)."""
    drawing = Drawing(width, height)
    if unit:
        drawing.add(String(8, height - 26, unit, fontSize=8))  # above the value axis
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45, 40, width - 70, height - 70
    chart.data = [list(s) or [0] for s in series] if labels else [[0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
    chart.categoryAxis.labels.dy = -8 if len(labels) > 6 else -2
    chart.valueAxis.valueMin = 0
    top = max([max(s) if s else 0 for s in series] + [1])
    chart.valueAxis.valueMax = top * 1.1
    # Whole-number steps of 1, 2, 5, 10, 20, 50...: the figures are counts (no "1.5 queries").
    chart.valueAxis.valueStep = next(step for step in (m * 10 ** e for e in range(12) for m in (1, 2, 5))
                                     if step * 5 >= top * 1.1)
    chart.valueAxis.labels.fontSize = 8
    palette = [colors.HexColor("#1f4e79"), colors.HexColor("#c55a11"), colors.HexColor("#548235")]
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = palette[i % len(palette)]
    drawing.add(chart)
    drawing.add(String(width / 2, height - 14, title, fontSize=11, textAnchor="middle"))
    if names:
        for i, name in enumerate(names):
            drawing.add(String(60 + i * 120, height - 28, f"■ {name}", fontSize=8,
                               fillColor=palette[i % len(palette)]))
    return drawing


def drawing_svg(drawing: Drawing) -> str:
    """Inline SVG for the HTML view (no image files, no scripts)."""
    svg = renderSVG.drawToString(drawing)
    return svg[svg.find("<svg"):]


def _cell(value, style):
    return Paragraph(escape("" if value is None else str(value)), style)


def render_pdf(title: str, blocks: list, *, subtitle: str = "", cover: list[str] | None = None) -> bytes:
    """`cover`: lines for a cover page, followed by a contents page listing the level-1
    headings (issue 21 §9: the annual report reads like a report a city publishes)."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=LETTER, title=title, leftMargin=0.7 * inch, rightMargin=0.7 * inch,
                            topMargin=0.7 * inch, bottomMargin=0.7 * inch)
    story = []
    if cover is not None:
        story += [Spacer(1, 2.2 * inch), Paragraph(escape(title), styles["Title"])]
        story += [Paragraph(escape(line), styles["Heading3"]) for line in cover]
        if subtitle:
            story.append(Paragraph(escape(subtitle), styles["Italic"]))
        story += [PageBreak(), Paragraph("Contents", styles["Heading1"])]
        story += [Paragraph(f"{n}. {escape(b.text)}", styles["BodyText"])
                  for n, b in enumerate([b for b in blocks if isinstance(b, Heading) and b.level == 1], start=1)]
        story.append(PageBreak())
    else:
        story.append(Paragraph(escape(title), styles["Title"]))
        if subtitle:
            story.append(Paragraph(escape(subtitle), styles["Italic"]))
    for block in blocks:
        if isinstance(block, Heading):
            story.append(Paragraph(escape(block.text), styles["Heading2" if block.level == 1 else "Heading3"]))
        elif isinstance(block, Para):
            story.append(Paragraph(escape(block.text), styles["BodyText"]))
        elif isinstance(block, Rows):
            data = [[_cell(h, small) for h in block.header]] + [[_cell(v, small) for v in row] for row in block.rows]
            if not block.rows:
                data.append([_cell("None.", small)] + [_cell("", small)] * (len(block.header) - 1))
            # The columns share the page's width, so a wide table wraps its cells instead of
            # running off the page (issue 21 §9: tables that fit the page).
            widths = [doc.width / len(block.header)] * len(block.header)
            table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=widths)
            table.setStyle(TableStyle([
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5ee")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story.append(table)
            story.append(Spacer(1, 6))
        elif isinstance(block, Chart):
            story.append(block.drawing)
        elif isinstance(block, NewPage):
            story.append(PageBreak())
    doc.build(story)
    return buffer.getvalue()
