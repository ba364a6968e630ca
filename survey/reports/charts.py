"""The report's trend charts, drawn with fpdf2's vector primitives: lines, dots and text.

One small chart per theme: the school (black, solid, with its values), the mean of its arm
(the arm's colour, dashed) and of all schools (grey, dotted), over the report's rounds. A
hidden round breaks the school's line; it is never bridged. The y-axis spans the values shown
(at least one scale point, inside the scale), so that a change of a few tenths can be seen,
and its numbers say where it starts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from flask_babel import gettext as _

from dashboards.formatting import number
from survey.reports.layout import ARM_COLOURS, GREY, INK, MARGIN, WIDTH, ReportPdf
from survey.reports.queries import ConstructFigures, SchoolReport, Section
from survey.reports.reading import hidden_text


def legend(pdf: ReportPdf, report: SchoolReport) -> None:
    colour = ARM_COLOURS.get(report.arm, GREY)
    arm = (
        _("Snitt intervensjonsskoler")
        if report.arm == "intervention"
        else _("Snitt sammenligningsskoler")
    )
    y = pdf.get_y() + 2
    x = MARGIN
    pdf.set_font("body", "", 8.5)
    for label, rgb, dash in (
        (_("Skolen"), INK, None),
        (arm, colour, (1.6, 1.0)),
        (_("Snitt alle skoler"), GREY, (0.5, 0.8)),
    ):
        _styled_line(pdf, rgb, 0.7 if dash is None else 0.5, dash)
        pdf.line(x, y, x + 9, y)
        pdf.set_dash_pattern()
        pdf.set_xy(x + 10, y - 2.5)
        pdf.cell(pdf.get_string_width(label) + 2, 5, label)
        x += 10 + pdf.get_string_width(label) + 8
    pdf.set_xy(MARGIN, y + 4)


def _styled_line(pdf: ReportPdf, rgb: tuple, width: float, dash: tuple | None) -> None:
    pdf.set_draw_color(*rgb)
    pdf.set_line_width(width)
    if dash:
        pdf.set_dash_pattern(dash=dash[0], gap=dash[1])
    else:
        pdf.set_dash_pattern()


CHART_W, CHART_H = (WIDTH - 8) / 2, 52.0


def draw_charts(pdf: ReportPdf, report: SchoolReport, section: Section) -> None:
    for index, figures in enumerate(section.constructs):
        column = index % 2
        if column == 0:
            if pdf.get_y() + CHART_H + 14 > 297 - MARGIN - 6:
                pdf.add_page()
            top = pdf.get_y() + 2
        x = MARGIN + column * (CHART_W + 8)
        _chart(pdf, report, section, figures, x, top)
        if column == 1 or index == len(section.constructs) - 1:
            pdf.set_xy(MARGIN, top + CHART_H + 12)


def _chart(
    pdf: ReportPdf,
    report: SchoolReport,
    section: Section,
    figures: ConstructFigures,
    x: float,
    top: float,
) -> None:
    """One theme over the rounds: the school, its arm and all schools, on the scale's range."""
    pdf.set_font("body", "B", 9.5)
    pdf.set_xy(x, top)
    pdf.cell(CHART_W, 5, figures.name(report.language))
    low, high = axis_range(figures)
    left, right = x + 9, x + CHART_W - 3
    plot_top, plot_bottom = top + 8, top + CHART_H - 8
    rounds = report.rounds

    def at(index: int, value: float) -> tuple[float, float]:
        step = (right - left) / max(len(rounds) - 1, 1)
        px = left + index * step if len(rounds) > 1 else (left + right) / 2
        return px, plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)

    pdf.set_font("body", "", 7.5)
    pdf.set_text_color(*GREY)
    for step in range(round((high - low) / TICK) + 1):
        tick = low + step * TICK
        _x, y = at(0, tick)
        _styled_line(pdf, (225, 225, 225), 0.2, None)
        pdf.line(left, y, right, y)
        pdf.set_xy(x, y - 2)
        pdf.cell(7.5, 4, number(tick, 1), align="R")
    for index, label in enumerate(rounds):
        px, _y = at(index, low)
        width = min(28.0, (right - left) / max(len(rounds), 1) + 6)
        pdf.set_xy(px - width / 2, plot_bottom + 1)
        pdf.cell(width, 4, label, align="C")
    colour = ARM_COLOURS.get(report.arm, GREY)
    _series(
        pdf,
        [at(i, c.mean) if c.is_shown else None for i, c in enumerate(figures.everyone)],
        GREY,
        0.4,
        (0.5, 0.8),
    )  # type: ignore[arg-type]
    _series(
        pdf,
        [at(i, c.mean) if c.is_shown else None for i, c in enumerate(figures.arm)],
        colour,
        0.6,
        (1.6, 1.0),
    )  # type: ignore[arg-type]
    points = [at(i, c.mean) if c.is_shown else None for i, c in enumerate(figures.school)]  # type: ignore[arg-type]
    _series(pdf, points, INK, 0.8, None, markers=True)
    for index, cell in enumerate(figures.school):
        if cell.is_shown:
            px, py = points[index]  # type: ignore[misc]
            pdf.set_text_color(*INK)
            pdf.set_font("body", "B", 7.5)
            pdf.set_xy(px - 8, py - 6.5)
            pdf.cell(16, 4, number(cell.mean), align="C")
    hidden = [
        (rounds[i], c) for i, c in enumerate(figures.school) if c.hidden not in ("", "missing")
    ]
    pdf.set_text_color(*GREY)
    pdf.set_font("body", "", 7.5)
    if hidden:
        pdf.set_xy(x, plot_bottom + 5)
        why = hidden_text(hidden[-1][1], report.min_group_size, section.respondent_type)
        pdf.multi_cell(
            CHART_W,
            3.5,
            _(
                "Skolen vises ikke i %(rounds)s: %(why)s.",
                rounds=", ".join(label for label, _cell in hidden),
                why=why[0].lower() + why[1:],
            ),
            align="L",
        )
    pdf.set_text_color(*INK)
    _styled_line(pdf, INK, 0.2, None)


TICK = 0.5


def axis_range(figures: ConstructFigures) -> tuple[float, float]:
    """From half a point below the lowest value shown to half above the highest, on half
    points, at least one point wide and inside the scale."""
    low_end, high_end = figures.scale
    values = [
        c.mean
        for cells in (figures.school, figures.arm, figures.everyone)
        for c in cells
        if c.is_shown and c.mean is not None
    ]
    if not values:
        return float(low_end), float(high_end)
    low = max(float(low_end), math.floor((min(values) - 0.25) / TICK) * TICK)
    high = min(float(high_end), math.ceil((max(values) + 0.25) / TICK) * TICK)
    while high - low < 1.0:
        if high < high_end:
            high += TICK
        if high - low < 1.0 and low > low_end:
            low -= TICK
        if low <= low_end and high >= high_end:
            break
    return low, high


def _series(
    pdf: ReportPdf,
    points: Sequence[tuple[float, float] | None],
    rgb: tuple,
    width: float,
    dash: tuple | None,
    markers: bool = False,
) -> None:
    """A line through the shown points; a hidden round breaks it, never bridged."""
    _styled_line(pdf, rgb, width, dash)
    for a, b in pairwise(points):
        if a is not None and b is not None:
            pdf.line(a[0], a[1], b[0], b[1])
    pdf.set_dash_pattern()
    if markers:
        pdf.set_fill_color(*rgb)
        for point in points:
            if point is not None:
                pdf.circle(point[0], point[1], 1.1, style="F")
    elif len([p for p in points if p is not None]) == 1:
        for point in points:
            if point is not None:
                pdf.set_fill_color(*rgb)
                pdf.circle(point[0], point[1], 0.8, style="F")
