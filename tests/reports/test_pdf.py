"""Report PDFs: the figures read back from the PDF text equal the database's; long titles and many rows render."""

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from reportlab.graphics.charts.barcharts import VerticalBarChart

from reports import documents
from reports.pdf import Chart, ReportDocument, Section, Series, TableBlock, bar_chart, render_report
from tests.reports.conftest import ENDURING_TITLE, FORMULA_COMPANY, YEAR_FROM, YEAR_TO, evaluate

LONG_TITLE = (
    "Interdisciplinary Approaches to the Diagnosis and Management of Complex Multisystem Disease in Older Adults: "
    "Heart Failure, Chronic Kidney Disease, Diabetes, Polypharmacy, Frailty, Falls, Delirium and Goals-of-Care "
    "Conversations in Primary Care, Hospital Medicine and Transitional Care Settings, 2026 Update"
)


def pdf_pages(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def pdf_lines(content: bytes) -> list[str]:
    return [line.strip() for page in pdf_pages(content) for line in page.splitlines() if line.strip()]


def cells_after(lines: list[str], label: str, count: int, start: int = 0) -> list[str]:
    """The `count` table cells printed after the first cell reading exactly `label` (from line `start`)."""
    index = lines.index(label, start)
    return lines[index + 1 : index + 1 + count]


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- Annual report, from the database --------------------------------------------------------------


@pytest.mark.django_db
def test_annual_report_prints_the_figures_of_the_database(scenario):
    content = documents.annual_report_pdf(date_from=YEAR_FROM, date_to=YEAR_TO)
    lines = pdf_lines(content)
    text = one_line(" ".join(lines))

    assert "Annual Accreditation Report" in lines
    assert "Period January 1 – December 31, 2025" in text
    # Headline tiles: activities, hours, physician and other learners, credits by type.
    assert lines[lines.index("Activities") - 1] == "3"
    assert lines[lines.index("Hours of instruction") - 1] == "8.00"
    assert cells_after(lines, "Course", 7) == ["C", "1", "3", "3.50", "2", "1", "4.50"]
    assert cells_after(lines, "Regularly scheduled series", 7) == ["RSS", "1", "3", "3.00", "5", "1", "6.00"]
    assert cells_after(lines, "Internet enduring material", 7) == ["IEM", "1", "0", "1.50", "1", "1", "3.00"]
    assert cells_after(lines, "Enduring material", 7) == ["EM", "0", "0", "0.00", "0", "0", "0.00"]
    assert cells_after(lines, "Total", 6) == ["3", "6", "8.00", "8", "3", "13.50"]
    assert cells_after(lines, "Distinct physicians", 1) == ["3"]
    assert cells_after(lines, "Distinct other learners", 1) == ["2"]
    assert cells_after(lines, "Certificate of participation", 2, lines.index("Credit type")) == ["2", "2.50"]
    assert cells_after(lines, "Improve clinical decision making", 4, lines.index("Objective category")) == [
        "2", "5.00", "2.50", "7.50",
    ]  # fmt: skip
    assert cells_after(lines, "Interpret new clinically relevant findings", 4, lines.index("Objective category")) == [
        "1", "6.00", "0.00", "6.00",
    ]  # fmt: skip
    assert cells_after(lines, "January 2025", 3) == ["6.00", "0.00", "6.00"]
    assert cells_after(lines, "March 2025", 3) == ["3.50", "1.00", "4.50"]
    assert cells_after(lines, "Monetary support", 1) == ["$7,500.00"]
    assert FORMULA_COMPANY in lines  # user text printed as text, markup characters and all
    assert "counts, with its credits, under both" in text
    assert "Medicine Grand Rounds 2025" in lines
    pages = pdf_pages(content)
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


@pytest.mark.django_db
def test_annual_report_draws_both_bar_charts(scenario):
    lines = pdf_lines(documents.annual_report_pdf(date_from=YEAR_FROM, date_to=YEAR_TO))

    assert "Activities, by objective category" in lines
    assert "Credits awarded, by objective category and credit type" in lines
    assert "Credits awarded each month, by credit type" in lines
    # The month axis: one category per month of the period.
    assert [line for line in lines if line in ("Jan", "Jun", "Dec")] == ["Jan", "Jun", "Dec"]
    # Each bar prints its value (pypdf reads a chart's bar labels first): AMA Jan-Mar, then participation Feb-Mar.
    month_chart = lines.index("Credits awarded by month")
    assert lines[month_chart + 1 : lines.index("Jan", month_chart)] == ["6.00", "1.50", "3.50", "1.50", "1.00"]
    objectives = lines.index("Activities and credits by objective category")
    assert lines[objectives + 1 : lines.index("Improve clinical", objectives)] == ["2", "1", "1", "1"]


@pytest.mark.django_db
def test_charts_carry_the_figures_and_label_bars_only_when_there_is_room(scenario):
    document = documents.annual_report_document(date_from=YEAR_FROM, date_to=YEAR_TO)
    charts = {chart.title: chart for section in document.sections for chart in section.charts}

    activities = charts["Activities, by objective category"].series
    assert [(s.name, s.values, s.labels) for s in activities] == [
        ("Activities", (Decimal(2), Decimal(1), Decimal(1), Decimal(1)), ("2", "1", "1", "1"))
    ]
    [ama, participation] = charts["Credits awarded, by objective category and credit type"].series
    assert ama.values == (Decimal("5.00"), Decimal("3.50"), Decimal("6.00"), Decimal("1.50"))
    assert participation.labels == ("2.50", "1.00", "", "1.50")
    long = documents.annual_report_document(date_from=YEAR_FROM.replace(year=2024), date_to=YEAR_TO)
    [month_chart] = [c for s in long.sections for c in s.charts if c.title.startswith("Credits awarded each month")]
    assert len(month_chart.categories) == 24
    assert all(label == "" for series in month_chart.series for label in series.labels)  # 48 bars: no room


# --- Activity summary, from the database ------------------------------------------------------------


@pytest.mark.django_db
def test_activity_summary_prints_the_figures_of_the_database(scenario):
    lines = pdf_lines(documents.activity_summary_pdf(activity_id=scenario.course.pk))
    text = one_line(" ".join(lines))

    assert "Sepsis <update> & what's new" in lines
    assert cells_after(lines, "Provider activity ID", 1) == [scenario.course.provider_activity_id]
    assert cells_after(lines, "Hours of instruction", 1) == ["3.50"]
    assert "Yes: Massachusetts Medical Society" in lines
    assert "Dr. Rahul Mehta" in lines
    assert "Northwind: Peer reviewed for fair balance." in text
    assert cells_after(lines, "Northwind Pharmaceuticals", 2) == ["$5,000.00", "Simulation lab"]
    assert cells_after(lines, "3 sessions", 4) == ["3.50", "4", "3", "1"]
    assert cells_after(lines, "Physician learners", 1, lines.index("Learners")) == ["2"]
    assert cells_after(lines, "Other learners", 1, lines.index("Learners")) == ["1"]
    assert cells_after(lines, "AMA PRA Category 1 Credit™", 5, lines.index("Claims and credits by credit type")) == [
        "3.50", "2", "0", "1", "3.50",
    ]  # fmt: skip
    assert cells_after(lines, "Responses", 1) == ["2"]
    assert cells_after(lines, "Mean overall rating", 1) == ["4.00 of 5"]
    assert cells_after(lines, "Perceived commercial bias", 1) == ["1 (50%)"]
    assert cells_after(lines, "Enhance patient management strategies", 3, lines.index("Objective category")) == [
        "2", "1", "50%",
    ]  # fmt: skip
    assert "“Screen for sepsis earlier.”" in lines


@pytest.mark.django_db
def test_enduring_summary_has_no_session_table(scenario):
    lines = pdf_lines(documents.activity_summary_pdf(activity_id=scenario.enduring.pk))

    assert ENDURING_TITLE in lines
    assert "Sessions and attendance" not in lines
    assert cells_after(lines, "Physician learners", 1, lines.index("Learners")) == ["2"]


# --- The renderer alone: no database ---------------------------------------------------------------


def sample_document(*, rows: int, quotes: int = 0, title: str = LONG_TITLE) -> ReportDocument:
    table = TableBlock(
        header=("#", "Activity", "Learners"),
        rows=tuple((str(i), f"{title} #{i}" if i % 100 == 0 else f"Activity {i}", f"{i:,}") for i in range(rows)),
        widths=(0.4, 4, 1),
        right=(0, 2),
        total=("Total", "", f"{sum(range(rows)):,}"),
    )
    chart = Chart("Credits by month", ("Jan", "Feb"), (Series("AMA", (Decimal("1.5"), Decimal("0"))),))
    return ReportDocument(
        kind="Annual report",
        provider_name="Ωmega <Provider> & Co",
        title="Annual Accreditation Report",
        subtitle=title,
        facts=(("Period", "2025"),),
        tiles=(("1", "Activities"),),
        sections=(
            Section(heading="Rows", table=table, charts=(chart,)),
            Section(heading="Quotes", quotes=tuple(f"Change {i}: {title}" for i in range(quotes))),
            Section(heading="Nothing", table=TableBlock(("A",), (), (1,)), empty="Nothing to show."),
        ),
        footer=f"Footer · {title}",
    )


def test_thousands_of_rows_and_long_titles_render_on_numbered_pages():
    content = render_report(sample_document(rows=2000, quotes=600))
    pages = pdf_pages(content)
    text = one_line(" ".join(pages))

    assert len(pages) > 25
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "Activity 1999" in text
    assert f"Total {sum(range(2000)):,}" in text
    assert f"Change 599: {LONG_TITLE}" in text
    assert "Nothing to show." in text
    # The header row repeats on every page the table spans.
    assert sum(1 for page in pages if "# Activity Learners" in one_line(page)) > 15


def test_a_bar_chart_draws_the_values_and_prints_the_labels_it_is_given():
    chart = Chart(
        "Credits by month",
        ("Jan", "Feb", "Mar"),
        (
            Series("AMA", (Decimal("12.75"), Decimal("0"), Decimal("3.5")), ("12.75", "", "3.50")),
            Series("Other", (Decimal("1"), Decimal("2"), Decimal("0"))),
        ),
    )

    [bars] = [shape for shape in bar_chart(chart, 400).contents if isinstance(shape, VerticalBarChart)]

    assert bars.data == [[12.75, 0.0, 3.5], [1.0, 2.0, 0.0]]
    assert bars.barLabelArray == [["12.75", "", "3.50"], ["", "", ""]]
    document = sample_document(rows=1)
    content = render_report(replace(document, sections=(Section(heading="Chart", charts=(chart,)),)))
    lines = pdf_lines(content)
    assert lines[lines.index("Chart") + 1 : lines.index("Jan")] == ["12.75", "3.50"]


def test_user_text_is_escaped_not_interpreted_as_markup():
    content = render_report(sample_document(rows=1, title='<b>Bold?</b> & <font name="x">'))

    assert '<b>Bold?</b> & <font name="x">' in one_line(" ".join(pdf_pages(content)))
    assert "Ωmega <Provider> & Co".upper() in pdf_pages(content)[0]


@pytest.mark.django_db
def test_practice_changes_beyond_the_cap_are_counted_and_the_first_quoted(scenario, monkeypatch):
    monkeypatch.setattr("reports.selectors.activity_summary.MAX_PRACTICE_CHANGES", 2)
    met = {"clinical-decision-making": True, "patient-management": True}
    evaluate(scenario.p2, scenario.course, 4, met, False, "Second change.")
    evaluate(scenario.n2, scenario.course, 2, met, False, "Third change.")

    lines = pdf_lines(documents.activity_summary_pdf(activity_id=scenario.course.pk))
    text = one_line(" ".join(lines))

    assert "3 learners described a change they intend to make; the first 2 are quoted." in text
    assert [line for line in lines if line.startswith("“")] == ["“Screen for sepsis earlier.”", "“Second change.”"]
    assert cells_after(lines, "Responses", 1) == ["4"]
    assert cells_after(lines, "Mean overall rating", 1) == ["3.50 of 5"]


@pytest.mark.django_db
def test_an_empty_period_still_renders_every_section(scenario):
    lines = pdf_lines(documents.annual_report_pdf(date_from=date(2030, 1, 1), date_to=date(2030, 12, 31)))
    text = one_line(" ".join(lines))

    assert lines[lines.index("Activities") - 1] == "0"
    assert cells_after(lines, "Total", 6) == ["0", "0", "0.00", "0", "0", "0.00"]
    assert "No activity in the period received commercial support." in text
    assert "No learners in the period." in text
    assert "Credits awarded each month, by credit type" in lines
    month_chart = lines.index("Credits awarded by month")
    assert lines[month_chart + 1] == "Jan"  # no bar, no label
