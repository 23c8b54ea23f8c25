"""The activity summary of one activity: reports.selectors' figures, formatted and frozen into a ReportDocument."""

from django.utils import timezone

from activities.models import Competency
from activities.timezones import local_date, zone
from certificates.snapshots import format_day, format_range
from reports import selectors
from reports.documents.formatting import AWARDED, DASH, LEARNER_COUNTING, ZERO, count, credits, money, share
from reports.pdf import ReportDocument, Section, TableBlock, render_report


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
