"""The annual report for a period: reports.selectors' figures, formatted and frozen into a ReportDocument."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils import timezone

from certificates.snapshots import format_day, format_range
from reports import selectors
from reports.documents.formatting import (
    ACTIVITIES_COUNTED,
    AWARDED,
    LEARNER_COUNTING,
    OBJECTIVE_OVERLAP,
    ZERO,
    count,
    credits,
    money,
)
from reports.pdf import Chart, ReportDocument, Section, Series, TableBlock, render_report


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return months


TYPE_COLUMNS = ("Activity type", "PARS", "Activities", "Sessions", "Hours", "Physician learners", "Other learners",
                "Credits awarded")  # fmt: skip


def _type_cells(row: dict, awarded: Decimal | None) -> list[str]:
    return [count(row.get("activities")), count(row.get("sessions")), credits(row.get("hours")),
            count(row.get("physicians")), count(row.get("others")), credits(awarded)]  # fmt: skip


def _type_section(figures: dict, credits_by_type: dict[str, Decimal]) -> Section:
    rows, totals = [], {"activities": 0, "sessions": 0, "hours": ZERO, "physicians": 0, "others": 0}
    for kind in figures["activity_types"]:
        row = figures["by_activity_type"].get(kind["code"], {})
        for key in totals:
            totals[key] += row.get(key, 0)
        rows.append((kind["name"], kind["pars_code"], *_type_cells(row, credits_by_type.get(kind["code"]))))
    total = ("Total", "", *_type_cells(totals, sum(credits_by_type.values(), ZERO)))
    widths = (2.1, 0.6, 0.8, 0.8, 0.9, 0.9, 0.9, 1.0)
    return Section(
        heading="Activities by type",
        table=TableBlock(TYPE_COLUMNS, tuple(rows), widths, (2, 3, 4, 5, 6, 7), total),
        note="Hours of instruction count parallel sessions once; an enduring activity counts the hours it is "
        "designed to take. " + LEARNER_COUNTING,
    )


def _objective_section(figures: dict, credit_types: list[dict]) -> Section:
    awarded = {(r["objective"], r["credit_type"]): r["credits"] for r in figures["credits"]["by_objective"]}
    rows, series = [], {ct["slug"]: [] for ct in credit_types}
    for objective in figures["objectives"]:
        values = [awarded.get((objective["slug"], ct["slug"]), ZERO) for ct in credit_types]
        for ct, value in zip(credit_types, values, strict=True):
            series[ct["slug"]].append(value)
        rows.append(
            (
                objective["name"],
                count(figures["activities_by_objective"].get(objective["slug"])),
                *[credits(v) for v in values],
                credits(sum(values, ZERO)),
            )
        )
    categories = tuple(_wrap(o["name"]) for o in figures["objectives"])
    activities = tuple(Decimal(figures["activities_by_objective"].get(o["slug"], 0)) for o in figures["objectives"])
    return Section(
        heading="Activities and credits by objective category",
        charts=(
            Chart("Activities, by objective category", categories, (_series("Activities", activities, count),)),
            Chart(
                "Credits awarded, by objective category and credit type",
                categories,
                tuple(_series(ct["name"], series[ct["slug"]], credits) for ct in credit_types),
            ),
        ),
        table=TableBlock(
            ("Objective category", "Activities", *[ct["name"] for ct in credit_types], "All credits"),
            tuple(rows),
            (2.6, 0.8, *[1.3] * len(credit_types), 1.0),
            tuple(range(1, len(credit_types) + 3)),
        ),
        note=OBJECTIVE_OVERLAP,
    )


def _series(name: str, values, formatted, labelled: bool = True) -> Series:
    """A chart series whose bars print their value (formatted as in the tables; nothing over an empty bar).

    Too many bars leave no room for a label each: then the table under the chart carries the values.
    """
    labels = tuple(formatted(v) if labelled and v else "" for v in values)
    return Series(name, tuple(values), labels)


def _wrap(label: str, width: int = 22) -> str:
    """Break a chart label into lines of about `width` characters."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def _month_section(figures: dict, credit_types: list[dict]) -> Section:
    awarded = {(r["month"], r["credit_type"]): r["credits"] for r in figures["credits"]["by_month"]}
    months = months_between(figures["date_from"], figures["date_to"])
    values = {ct["slug"]: [awarded.get((m, ct["slug"]), ZERO) for m in months] for ct in credit_types}
    rows = tuple(
        (
            f"{m:%B %Y}",
            *[credits(values[ct["slug"]][i]) for ct in credit_types],
            credits(sum((values[ct["slug"]][i] for ct in credit_types), ZERO)),
        )
        for i, m in enumerate(months)
    )
    total = (
        "Total",
        *[credits(sum(values[ct["slug"]], ZERO)) for ct in credit_types],
        credits(sum((sum(v, ZERO) for v in values.values()), ZERO)),
    )
    short = len(months) <= 13
    return Section(
        heading="Credits awarded by month",
        charts=(
            Chart(
                "Credits awarded each month, by credit type",
                tuple(f"{m:%b}\n{m:%Y}" if short else f"{m:%m/%y}" for m in months),
                tuple(
                    _series(ct["name"], values[ct["slug"]], credits, labelled=len(months) * len(credit_types) <= 30)
                    for ct in credit_types
                ),
            ),
        ),
        table=TableBlock(
            ("Month", *[ct["name"] for ct in credit_types], "All credits"),
            rows,
            (1.6, *[1.4] * len(credit_types), 1.0),
            tuple(range(1, len(credit_types) + 2)),
            total,
        ),
        note=AWARDED,
    )


def _support_summary(support: dict) -> Section:
    rows = tuple(
        (c["company"], count(c["activities"]), count(c["grants"]), money(c["amount"]), count(c["in_kind"]))
        for c in support["companies"]
    )
    total = (
        "Total",
        count(support["activities"]),
        count(support["grants"]),
        money(support["amount"]),
        count(support["in_kind"]),
    )
    return Section(
        heading="Commercial support",
        facts=(
            ("Activities with commercial support", count(support["activities"])),
            ("Grants", count(support["grants"])),
            ("Monetary support", money(support["amount"])),
            ("Grants with in-kind support", count(support["in_kind"])),
        ),
        table=TableBlock(
            ("Company", "Activities", "Grants", "Monetary amount", "In-kind grants"),
            rows,
            (2.6, 0.9, 0.8, 1.3, 1.0),
            (1, 2, 3, 4),
            total,
        ),
        empty="No activity in the period received commercial support.",
    )


def _top_section(top: list[dict]) -> Section:
    rows = tuple(
        (
            str(rank),
            a["provider_activity_id"],
            a["title"],
            a["pars_code"],
            credits(a["hours"]),
            count(a["physicians"]),
            count(a["others"]),
            credits(a["credits"]),
        )
        for rank, a in enumerate(top, start=1)
    )
    return Section(
        heading=f"Top {len(top)} activities by learners" if top else "Top activities by learners",
        table=TableBlock(
            (
                "#",
                "Activity ID",
                "Title",
                "PARS type",
                "Hours",
                "Physician learners",
                "Other learners",
                "Credits awarded",
            ),
            rows,
            (0.35, 1.1, 2.9, 0.6, 0.65, 0.9, 0.8, 0.85),
            (0, 4, 5, 6, 7),
        ),
        empty="No learners in the period.",
    )


def _credit_totals(figures: dict) -> dict[str, dict]:
    """Credits by activity type and by credit type, claims by credit type, from the one GROUP BY."""
    totals = {"by_activity_type": defaultdict(Decimal), "by_credit_type": defaultdict(Decimal),
              "claims": defaultdict(int)}  # fmt: skip
    for row in figures["credits"]["by_activity_type"]:
        totals["by_activity_type"][row["activity_type"]] += row["credits"]
        totals["by_credit_type"][row["credit_type"]] += row["credits"]
        totals["claims"][row["credit_type"]] += row["claims"]
    return totals


def _credit_type_section(credit_types: list[dict], totals: dict) -> Section:
    awarded, claims = totals["by_credit_type"], totals["claims"]
    rows = tuple((ct["name"], count(claims[ct["slug"]]), credits(awarded[ct["slug"]])) for ct in credit_types)
    total = ("Total", count(sum(claims.values())), credits(sum(awarded.values(), ZERO)))
    return Section(
        heading="Credits awarded by credit type",
        table=TableBlock(("Credit type", "Claims", "Credits awarded"), rows, (3, 1, 1.2), (1, 2), total),
        note=AWARDED,
    )


def _learner_section(physicians: int, others: int, distinct: dict) -> Section:
    return Section(
        heading="Learners",
        lead=LEARNER_COUNTING,
        facts=(
            ("Physician learners", count(physicians)),
            ("Other learners", count(others)),
            ("Distinct physicians", count(distinct["physicians"])),
            ("Distinct other learners", count(distinct["others"])),
        ),
    )


def annual_report_document(*, date_from: date, date_to: date) -> ReportDocument:
    """The annual report for the period (both days included), every value formatted and frozen."""
    figures = selectors.annual_report_figures(date_from=date_from, date_to=date_to)
    credit_types, by_type = figures["credit_types"], figures["by_activity_type"].values()
    totals = _credit_totals(figures)
    physicians, others = sum(r["physicians"] for r in by_type), sum(r["others"] for r in by_type)
    period = format_range(date_from, date_to)
    sections = (
        _type_section(figures, totals["by_activity_type"]),
        _learner_section(physicians, others, figures["distinct_learners"]),
        _credit_type_section(credit_types, totals),
        _objective_section(figures, credit_types),
        _month_section(figures, credit_types),
        _support_summary(figures["commercial_support"]),
        _top_section(figures["top_activities"]),
    )
    tiles = (
        (count(sum(r["activities"] for r in by_type)), "Activities"),
        (credits(sum((r["hours"] for r in by_type), ZERO)), "Hours of instruction"),
        (count(physicians), "Physician learners"),
        (count(others), "Other learners"),
        *[(credits(totals["by_credit_type"][ct["slug"]]), f"{ct['name']} awarded") for ct in credit_types],
    )
    return ReportDocument(
        kind="Annual report",
        provider_name=figures["provider_name"],
        title="Annual Accreditation Report",
        subtitle=f"Activities, learners and credits, {period}",
        facts=(
            ("Period", period),
            ("Activities counted", ACTIVITIES_COUNTED),
            ("Generated", format_day(timezone.localdate())),
        ),
        tiles=tiles,
        sections=sections,
        footer=f"{figures['provider_name']} · Annual report · {period}",
    )


def annual_report_pdf(*, date_from: date, date_to: date) -> bytes:
    """The annual report as PDF bytes (the report worker's entry point)."""
    return render_report(annual_report_document(date_from=date_from, date_to=date_to))
