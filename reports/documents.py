"""Gather, then render: the figures of reports.selectors, formatted and frozen into a ReportDocument.

`activity_summary_pdf` and `annual_report_pdf` are what the report worker calls (reports.services).
Every value printed is decided here; reports.pdf only lays it out.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils import timezone

from activities.models import Competency
from activities.timezones import local_date, zone
from certificates.snapshots import format_day, format_range
from reports import selectors
from reports.pdf import Chart, ReportDocument, Section, Series, TableBlock, render_report

ZERO = Decimal("0.00")
DASH = "\u2014"
LEARNER_COUNTING = (
    "Learners are counted as PARS counts them: a course or webinar counts each person once however many "
    "sessions they attended; a regularly scheduled series counts a person once per session attended; an "
    "enduring activity counts the learners who completed it and claimed credit."
)
OBJECTIVE_OVERLAP = (
    "An activity that addresses two objective categories counts, with its credits, under both: the rows of "
    "this table overlap and do not add up to the totals."
)
ACTIVITIES_COUNTED = (
    "Published activities with a session in the period (live) or available during it (enduring); each reported "
    "with its learners in the period only."
)
AWARDED = "Credits awarded are the credits of claims whose certificate has not been revoked, by credit date."


def count(value: int | None) -> str:
    return f"{value or 0:,}"


def credits(value: Decimal | None) -> str:
    return f"{value or ZERO:,.2f}"


def money(value: Decimal | None) -> str:
    return f"${value or ZERO:,.2f}"


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else DASH


# --- Activity summary ---------------------------------------------------------------------------------


def _dates(activity, sessions: list[dict]) -> str:
    if sessions:
        days = [local_date(s["starts_at"], activity.time_zone) for s in sessions]
        return format_range(min(days), max(days))
    if activity.available_from and activity.available_until:
        return f"Available {format_range(activity.available_from, activity.available_until)}"
    return "Not scheduled"


def _outcomes(activity, prefix: str) -> str:
    names = [name for name in ("competence", "performance", "patient_outcomes") if getattr(activity, prefix + name)]
    return ", ".join(name.replace("_", " ").capitalize() for name in names) or DASH


def _activity_facts(figures: dict) -> tuple[tuple[str, str], ...]:
    activity = figures["activity"]
    competencies = dict(Competency.choices)
    designated = " · ".join(f"{d['credit_type__name']}: {credits(d['max_credits'])}" for d in figures["designations"])
    joint = f"Yes: {activity.joint_provider_name}" if activity.jointly_provided else "No"
    return (
        ("Provider activity ID", activity.provider_activity_id),
        ("Activity type", f"{activity.activity_type.name} ({activity.activity_type.pars_code})"),
        ("Status", activity.get_status_display()),
        ("Dates", _dates(activity, figures["sessions"])),
        ("Location", activity.location or DASH),
        ("Hours of instruction", credits(figures["hours"])),
        ("Credit designated", designated or DASH),
        ("Objective categories", "; ".join(figures["objectives"]) or DASH),
        ("Designed to change", _outcomes(activity, "designed_to_change_")),
        ("Changes evaluated in", _outcomes(activity, "evaluated_")),
        ("Competencies", "; ".join(competencies.get(c, c) for c in activity.competencies) or DASH),
        ("Joint providership", joint),
    )


def _disclosure_section(figures: dict) -> Section:
    rows = []
    for entry in figures["disclosures"]:
        disclosure = entry["disclosure"]
        signed = (
            f"Signed {format_day(disclosure['signed_on'])}; valid until {format_day(disclosure['expires_on'])}"
            if disclosure
            else "No disclosure in force"
        )
        relationships = "; ".join(f"{r['company']} ({r['nature']})" for r in entry["relationships"]) or "None"
        decisions = "; ".join(
            (f"{r['company']}: {r['mitigation']}" if r["relevant"] else f"{r['company']}: not relevant")
            if r["reviewed"]
            else f"{r['company']}: not reviewed"
            for r in entry["relationships"]
        )
        rows.append((entry["person"]["name"], entry["role"].capitalize(), signed, relationships, decisions or DASH))
    return Section(
        heading="Disclosures and mitigation",
        lead=f"People in control of content and the disclosure in force on {format_day(figures['disclosure_day'])} "
        "(ACCME Standards for Integrity and Independence, standard 3).",
        table=TableBlock(
            header=("Person", "Role", "Disclosure", "Financial relationships", "Relevance and mitigation"),
            rows=tuple(rows),
            widths=(1.2, 0.7, 1.5, 1.6, 2.2),
        ),
        empty="No one in control of content has been recorded.",
    )


def _support_section(grants: list[dict]) -> Section:
    rows = tuple((g["company"], money(g["amount"]), g["in_kind"] or DASH) for g in grants)
    total = (
        "Total",
        money(sum((g["amount"] for g in grants), ZERO)),
        f"{sum(1 for g in grants if g['in_kind'])} in kind",
    )
    return Section(
        heading="Commercial support",
        table=TableBlock(("Company", "Monetary amount", "In-kind support"), rows, (2.4, 1.2, 2.4), (1,), total),
        empty="No commercial support was received.",
    )


def _session_section(figures: dict) -> Section:
    activity, sessions = figures["activity"], figures["sessions"]
    rows = []
    for s in sessions:
        start, end = (moment.astimezone(zone(activity.time_zone)) for moment in (s["starts_at"], s["ends_at"]))
        day = start.date()
        title = s["title"] or DASH
        if s["parallel_group"]:
            title += f" (parallel: {s['parallel_group']})"
        rows.append((format_day(day), f"{start:%H:%M}\u2013{end:%H:%M}", title, credits(s["credit_hours"]),
                     count(s["attendance"]), count(s["physicians"]), count(s["others"])))  # fmt: skip
    total = ("Total", f"{len(sessions)} sessions", "", credits(figures["hours"]),
             *[count(sum(s[key] for s in sessions)) for key in ("attendance", "physicians", "others")])  # fmt: skip
    return Section(
        heading="Sessions and attendance",
        lead="Attendance counts check-ins; the total of hours counts parallel sessions once.",
        table=TableBlock(
            ("Date", "Time", "Session", "Hours", "Attendance", "Physicians", "Other learners"),
            tuple(rows),
            (1.2, 0.85, 2.0, 0.55, 0.85, 0.85, 0.8),
            (3, 4, 5, 6),
            total,
        ),
        empty="No sessions have been scheduled.",
    )


def _claims_section(figures: dict) -> Section:
    designated = {d["credit_type_id"]: d["max_credits"] for d in figures["designations"]}
    claims = figures["claims"]
    rows = tuple(
        (c["credit_type__name"], credits(designated.get(c["credit_type_id"])),
         *[count(c[key]) for key in ("claims", "faculty", "revoked")], credits(c["credits"]))
        for c in claims
    )  # fmt: skip
    total = ("Total", "", *[count(sum(c[key] for c in claims)) for key in ("claims", "faculty", "revoked")],
             credits(sum((c["credits"] or ZERO for c in claims), ZERO)))  # fmt: skip
    return Section(
        heading="Claims and credits by credit type",
        table=TableBlock(
            ("Credit type", "Designated maximum", "Claims", "Faculty claims", "Revoked", "Credits awarded"),
            rows,
            (2.2, 1.0, 0.7, 0.8, 0.7, 1.0),
            (1, 2, 3, 4, 5),
            total,
        ),
        empty="No credit has been claimed.",
        note=AWARDED.replace(", by credit date", ""),
    )


def _evaluation_sections(figures: dict) -> list[Section]:
    evaluation = figures["evaluation"]
    responses = evaluation["responses"]
    mean = evaluation["mean_rating"]
    ratings = tuple(
        (
            f"{r} \u2013 {label}",
            count(evaluation["ratings"].get(r, 0)),
            share(evaluation["ratings"].get(r, 0), responses),
        )
        for r, label in ((5, "Excellent"), (4, "Very good"), (3, "Good"), (2, "Fair"), (1, "Poor"))
    )
    objectives = tuple(
        (o["objective__name"], count(o["answers"]), count(o["met"]), share(o["met"], o["answers"]))
        for o in evaluation["objectives"]
    )
    shown, total = len(evaluation["practice_changes"]), evaluation["practice_changes_total"]
    quoted = f"{count(total)} learners described a change they intend to make" + (
        f"; the first {count(shown)} are quoted." if shown < total else "."
    )
    return [
        Section(
            heading="Evaluation",
            facts=(
                ("Responses", count(responses)),
                ("Mean overall rating", f"{mean:.2f} of 5" if mean is not None else DASH),
                ("Perceived commercial bias", f"{count(evaluation['bias'])} ({share(evaluation['bias'], responses)})"),
            ),
            table=TableBlock(
                ("Overall rating", "Responses", "Share"), ratings if responses else (), (2.4, 1, 1), (1, 2)
            ),
            empty="No evaluations have been submitted.",
        ),
        Section(
            heading="Objectives met, as learners say",
            table=TableBlock(
                ("Objective category", "Answers", "Said met", "Share met"), objectives, (3, 1, 1, 1), (1, 2, 3)
            ),
            empty="No answers yet.",
        ),
        Section(
            heading="Intended practice changes",
            lead=quoted if total else "",
            quotes=tuple(evaluation["practice_changes"]),
            empty="" if total else "No practice changes described.",
        ),
    ]


def _learners(figures: dict) -> tuple[int, int]:
    learners = figures["learners"]
    return learners["physicians"] or 0, learners["others"] or 0


def activity_summary_document(*, activity_id: int) -> ReportDocument:
    """The activity summary of one activity, every value formatted and frozen."""
    figures = selectors.activity_summary_figures(activity_id=activity_id)
    activity = figures["activity"]
    physicians, others = _learners(figures)
    evaluation = figures["evaluation"]
    awarded = sum((c["credits"] or ZERO for c in figures["claims"]), ZERO)
    mean = evaluation["mean_rating"]
    learner_facts = [
        ("Physician learners", count(physicians)),
        ("Other learners", count(others)),
        ("Total learners", count(physicians + others)),
    ]
    if "individuals" in figures["learners"] and activity.activity_type.is_series:
        learner_facts.append(("Distinct individuals", count(figures["learners"]["individuals"])))
    sections = [
        _disclosure_section(figures),
        _support_section(figures["commercial_support"]),
        *([_session_section(figures)] if activity.activity_type.live else []),
        Section(heading="Learners", lead=LEARNER_COUNTING, facts=tuple(learner_facts)),
        _claims_section(figures),
        *_evaluation_sections(figures),
    ]
    return ReportDocument(
        kind="Activity summary",
        provider_name=figures["provider_name"],
        title="Activity Summary",
        subtitle=activity.title,
        facts=_activity_facts(figures),
        tiles=(
            (credits(figures["hours"]), "Hours of instruction"),
            (count(physicians), "Physician learners"),
            (count(others), "Other learners"),
            (count(sum(c["claims"] for c in figures["claims"])), "Claims"),
            (credits(awarded), "Credits awarded"),
            (f"{mean:.2f}" if mean is not None else DASH, "Mean rating (of 5)"),
        ),
        sections=tuple(sections),
        footer=f"{figures['provider_name']} · Activity summary · {activity.provider_activity_id} · "
        f"generated {format_day(timezone.localdate())}",
    )


def activity_summary_pdf(*, activity_id: int) -> bytes:
    """The activity summary as PDF bytes (the report worker's entry point)."""
    return render_report(activity_summary_document(activity_id=activity_id))


# --- Annual report ----------------------------------------------------------------------------------


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
    return Section(
        heading="Activities and credits by objective category",
        chart=Chart(
            "Credits awarded, by objective category and credit type",
            tuple(_wrap(o["name"]) for o in figures["objectives"]),
            tuple(Series(ct["name"], tuple(series[ct["slug"]])) for ct in credit_types),
        ),
        table=TableBlock(
            ("Objective category", "Activities", *[ct["name"] for ct in credit_types], "All credits"),
            tuple(rows),
            (2.6, 0.8, *[1.3] * len(credit_types), 1.0),
            tuple(range(1, len(credit_types) + 3)),
        ),
        note=OBJECTIVE_OVERLAP,
    )


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
        chart=Chart(
            "Credits awarded each month, by credit type",
            tuple(f"{m:%b}\n{m:%Y}" if short else f"{m:%m/%y}" for m in months),
            tuple(Series(ct["name"], tuple(values[ct["slug"]])) for ct in credit_types),
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
