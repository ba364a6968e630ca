"""The school report as an A4 PDF, drawn with fpdf2.

Charts are drawn with fpdf2's own vector primitives (lines, circles, text): fpdf2 already
makes the letters, the charts stay sharp at any zoom and in print, they are set in the same
Noto fonts as the text, and no plotting library (matplotlib adds ~40 MB and a font cache) or
browser is needed to make a report.
"""

from __future__ import annotations

from flask_babel import gettext as _

from dashboards.formatting import MISSING, number, percent, signed, timestamp
from dashboards.labels import goal_status_name, respondent_type_name
from survey.reports.charts import draw_charts, legend
from survey.reports.layout import GREY, WIDTH, ReportPdf, table_row
from survey.reports.queries import Cell, SchoolReport, Section
from survey.reports.reading import hidden_text


def build_report(report: SchoolReport, sentences: dict[str, list[str]]) -> bytes:
    """The report's bytes; `sentences`: the reading per respondent type, in order."""
    pdf = ReportPdf(report)
    pdf.add_page()
    _title(pdf, report)
    _summary(pdf, report, sentences)
    _responses(pdf, report)
    _how_to_read(pdf, report)
    for section in report.sections:
        _section(pdf, report, section)
    _goals(pdf, report)
    return bytes(pdf.output())


def _title(pdf: ReportPdf, report: SchoolReport) -> None:
    pdf.set_font("body", "B", 22)
    pdf.cell(WIDTH, 11, _("Rapport til rektor"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", "B", 16)
    pdf.multi_cell(WIDTH, 8, report.school, new_x="LMARGIN", new_y="NEXT")
    arm = _("intervensjonsskole") if report.arm == "intervention" else _("sammenligningsskole")
    pdf.paragraph(
        _(
            "%(project)s · %(round)s · %(arm)s",
            project=report.project,
            round=report.round,
            arm=arm,
        ),
        11,
        GREY,
    )
    pdf.paragraph(
        _(
            "Tallene er hentet fra resultatene som ble publisert %(when)s, etter at runden "
            "ble avsluttet. De endrer seg ikke før neste runde er avsluttet.",
            when=timestamp(report.published_at),
        ),
        9,
        GREY,
    )
    pdf.ln(2)


def _summary(pdf: ReportPdf, report: SchoolReport, sentences: dict[str, list[str]]) -> None:
    pdf.heading(_("Kort fortalt"))
    for kind, lines in sentences.items():
        if not lines:
            continue
        pdf.set_font("body", "B", 10.5)
        pdf.cell(WIDTH, 6, respondent_type_name(kind), new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            pdf.bullet(line)
        pdf.ln(1)
    pdf.paragraph(
        _(
            "Tallene viser hvordan det står til og hvordan det har endret seg, ikke hvorfor. "
            "En forskjell fra andre skoler er ikke i seg selv en virkning av tiltaket: "
            "snakk om tallene med elevene og de ansatte."
        ),
        9,
        GREY,
    )


def _responses(pdf: ReportPdf, report: SchoolReport) -> None:
    pdf.heading(_("Hvor mange som svarte"))
    columns = [_("Gruppe"), *report.rounds]
    widths = _widths(len(report.rounds), 46)
    table_row(pdf, columns, widths, "L" + "R" * len(report.rounds), bold=True, fill=True)
    for section in report.sections:
        cells = [respondent_type_name(section.respondent_type)]
        for cell in section.answered:
            cells.append(_answered_text(cell, section, report))
        table_row(pdf, cells, widths, "L" + "R" * len(report.rounds))
    pdf.paragraph(
        _(
            "Antallet er de som svarte på nok spørsmål til å få et tall for et tema, i temaet "
            "der flest svarte. For elever står svarprosenten av %(enrolled)d elever i "
            "skolens klasser nå. Et antall under %(n)d vises ikke.",
            enrolled=report.enrolled,
            n=report.min_group_size,
        ),
        8.5,
        GREY,
    )


def _answered_text(cell: Cell, section: Section, report: SchoolReport) -> str:
    if cell.n is None:
        return _("skjult") if cell.hidden != "missing" else MISSING
    if section.respondent_type == "pupil" and report.enrolled:
        return f"{cell.n} ({percent(min(1.0, cell.n / report.enrolled))})"
    return str(cell.n)


def _how_to_read(pdf: ReportPdf, report: SchoolReport) -> None:
    pdf.heading(_("Slik leser du rapporten"))
    pdf.paragraph(
        _(
            "Hvert tema er gjennomsnittet av svarene på spørsmålene om temaet, på samme skala "
            "som spørsmålene (for eksempel 1 til 5). Skolen står ved siden av snittet for "
            "skolene av samme slag (%(arm)s) og snittet for alle skolene i prosjektet. "
            "Små forskjeller, under en femdel av et standardavvik, kalles «omtrent som "
            "snittet».",
            arm=_("intervensjonsskoler")
            if report.arm == "intervention"
            else _("sammenligningsskoler"),
        )
    )
    pdf.paragraph(
        _(
            "Ingen tall bygger på færre enn %(n)d svar. Der det er for få, står det «Færre "
            "enn %(n)d svar – skjult for å verne elevene». Noen ganger skjules også et tall "
            "med nok svar, fordi et skjult tall ellers kunne regnes ut av summene.",
            n=report.min_group_size,
        )
    )


def _section(pdf: ReportPdf, report: SchoolReport, section: Section) -> None:
    pdf.add_page()
    pdf.heading(
        _(
            "%(who)s: tallene for %(round)s",
            who=respondent_type_name(section.respondent_type),
            round=report.round,
        ),
        15,
    )
    arm = (
        _("Snitt intervensjonsskoler")
        if report.arm == "intervention"
        else _("Snitt sammenligningsskoler")
    )
    widths = [54.0, 22.0, 14.0, 46.0, 38.0]
    header = [_("Tema"), _("Skolen"), "n", arm, _("Snitt alle skoler")]
    table_row(pdf, header, widths, "LRRRR", bold=True, fill=True)
    for figures in section.constructs:
        name = figures.name(report.language)
        school, arm_cell, everyone = figures.school[-1], figures.arm[-1], figures.everyone[-1]
        if school.is_shown:
            cells = [name, number(school.mean), str(school.n)]
            cells += [_mean(arm_cell), _mean(everyone)]
            table_row(pdf, cells, widths, "LRRRR")
        else:
            why = hidden_text(school, report.min_group_size, section.respondent_type)
            table_row(
                pdf, [name, why, _mean(arm_cell), _mean(everyone)], [54.0, 36.0, 46.0, 38.0], "LLRR"
            )
    pdf.ln(3)
    if len(report.rounds) > 1:
        pdf.heading(_("Utviklingen over rundene"), 12)
    legend(pdf, report)
    draw_charts(pdf, report, section)


def _mean(cell: Cell) -> str:
    return number(cell.mean) if cell.is_shown else _("skjult")


def _widths(rounds: int, first: float) -> list[float]:
    rest = (WIDTH - first) / max(rounds, 1)
    return [first, *([min(rest, 30.0)] * rounds)]


def _goals(pdf: ReportPdf, report: SchoolReport) -> None:
    if not report.goals:
        return
    pdf.heading(_("Prosjektets mål"), 14)
    pdf.paragraph(
        _(
            "Målene gjelder hele prosjektet, ikke skolen alene. De vurderes ut fra alle "
            "skolene sammen."
        ),
        9.5,
        GREY,
    )
    widths = [58.0, 40.0, 30.0, WIDTH - 128.0]
    table_row(pdf, [_("Mål"), _("Mål for"), _("Innen"), _("Status")], widths, bold=True, fill=True)
    for goal in report.goals:
        name = goal.description or goal.construct
        who = respondent_type_name(goal.respondent_type)
        target = (
            _("endring %(value)s", value=signed(goal.target_value))
            if goal.target_kind == "change"
            else _("nivå %(value)s", value=number(goal.target_value))
        )
        table_row(
            pdf,
            [
                f"{name} ({who.lower()})",
                target,
                goal.due_round or MISSING,
                goal_status_name(goal.status),
            ],
            widths,
        )
