"""The PARS activity export: one CSV row per activity, in the columns of ACCME's PARS activity upload.

PARS counting (DOMAIN.md): a course is one activity however many sessions; a regularly scheduled
series counts a learner once per session attended; an activity that runs across years is reported
per year with that year's learners only, so every count is limited to the requested period. Each row
is keyed by the activity's stable provider activity id, which exporting freezes (`pars_exported_at`).
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from activities.models import AMA_PRA_1, Activity, Competency, Objective
from activities.timezones import local_date
from cme.csvsafe import csv_lines
from reports import selectors

ZERO = Decimal("0.00")
EXPORT_REASON = "Exported to PARS"
# (column, what it holds); docs/api.md documents the same list.
BASE_COLUMNS = [
    ("Provider Activity ID", "the stable id of the activity at this provider"),
    ("Activity Title", "the title"),
    ("Activity Type", "PARS code: C, RSS, IL, EM, IEM, JN, MR, TIW, CML, PI, IPOC, LFT, OTHER"),
    ("Start Date", "first day in the period (first session, or start of availability), YYYY-MM-DD"),
    ("End Date", "last day in the period (last session, or end of availability), YYYY-MM-DD"),
    ("Location", "city and venue, or Internet"),
    ("Joint Providership", "Y/N"),
    ("Joint Provider Name", "the joint provider, when jointly provided"),
    ("Hours of Instruction", "credit hours of the sessions in the period, parallel sessions once; enduring: "
     "the estimated completion time"),
    ("Number of Physician Learners", "MD, DO, MBBS learners, counted the PARS way, in the period"),
    ("Number of Other Learners", "every other learner, counted the PARS way, in the period"),
    ("Designed to Change Competence", "Y/N"),
    ("Designed to Change Performance", "Y/N"),
    ("Designed to Change Patient Outcomes", "Y/N"),
    ("Changes Evaluated in Competence", "Y/N"),
    ("Changes Evaluated in Performance", "Y/N"),
    ("Changes Evaluated in Patient Outcomes", "Y/N"),
]  # fmt: skip
SUPPORT_COLUMNS = [
    ("Commercial Support Received", "Y/N"),
    ("Commercial Support Monetary Amount", "total of the monetary grants, two decimals (0.00 when none)"),
    ("Commercial Support In-Kind", "Y/N: any in-kind support"),
    ("AMA PRA Category 1 Credits Designated", "the designated maximum, two decimals (empty when not designated)"),
]


def competency_columns() -> list[tuple[str, str]]:
    return [(f"Competency: {label}", "Y/N (ABMS/ACGME)") for _, label in Competency.choices]


def objective_columns(objectives: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(f"Objective: {name}", "Y/N (this office's objective category)") for _, name in objectives]


def pars_columns(objectives: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [*BASE_COLUMNS, *competency_columns(), *SUPPORT_COLUMNS, *objective_columns(objectives)]


def flag(value: bool) -> str:
    return "Y" if value else "N"


def _dates(activity: dict, hours: dict | None, period: selectors.Period) -> tuple[date | None, date | None]:
    if hours:
        zone_name = activity["time_zone"]
        return local_date(hours["first_start"], zone_name), local_date(hours["last_end"], zone_name)
    opens, closes = activity["available_from"], activity["available_until"]
    return (max(opens, period.date_from) if opens else None, min(closes, period.date_to) if closes else None)


def _row(activity: dict, figures: dict, period: selectors.Period, objective_slugs: list[str]) -> list:
    activity_id = activity["id"]
    hours = figures["hours"].get(activity_id)
    learners = figures["learners"].get(activity_id, {"physicians": 0, "others": 0})
    support = figures["support"].get(activity_id)
    objectives = figures["objectives"].get(activity_id, set())
    competencies = set(activity["competencies"] or [])
    start, end = _dates(activity, hours, period)
    instruction = hours["hours"] if hours else activity["estimated_hours"] or ZERO
    designated = figures["designations"].get(activity_id, {}).get(AMA_PRA_1)
    return [
        activity["provider_activity_id"],
        activity["title"],
        activity["activity_type__pars_code"],
        start.isoformat() if start else "",
        end.isoformat() if end else "",
        activity["location"],
        flag(activity["jointly_provided"]),
        activity["joint_provider_name"] if activity["jointly_provided"] else "",
        f"{instruction:.2f}",
        learners["physicians"],
        learners["others"],
        *[flag(activity[f"designed_to_change_{o}"]) for o in ("competence", "performance", "patient_outcomes")],
        *[flag(activity[f"evaluated_{o}"]) for o in ("competence", "performance", "patient_outcomes")],
        *[flag(value in competencies) for value in Competency.values],
        flag(support is not None),
        f"{support['amount'] if support else ZERO:.2f}",
        flag(bool(support and support["in_kind"])),
        f"{designated:.2f}" if designated is not None else "",
        *[flag(slug in objectives) for slug in objective_slugs],
    ]


ROW_FIELDS = (
    "id", "provider_activity_id", "title", "activity_type__pars_code", "location", "time_zone", "jointly_provided",
    "joint_provider_name", "available_from", "available_until", "estimated_hours", "competencies",
    "designed_to_change_competence", "designed_to_change_performance", "designed_to_change_patient_outcomes",
    "evaluated_competence", "evaluated_performance", "evaluated_patient_outcomes",
)  # fmt: skip


def pars_activity_rows(*, date_from: date, date_to: date) -> tuple[list[str], Iterator[list]]:
    """The header and an iterator of rows, one per activity that ran in the period, by provider activity id.

    The per-activity figures come from a fixed number of GROUP BY queries made here; the activity
    rows themselves are read in chunks as the iterator is consumed.
    """
    period = selectors.period_for(date_from, date_to)
    activities = selectors.activities_in(period)
    objectives = list(Objective.objects.values_list("slug", "name"))
    figures = {
        "hours": selectors.hours_by_activity(period),
        "learners": selectors.learners_by_activity(period),
        "support": selectors.support_by_activity(activities),
        "objectives": selectors.objectives_by_activity(activities),
        "designations": selectors.designations_by_activity(activities),
    }
    header = [column for column, _ in pars_columns(objectives)]
    slugs = [slug for slug, _ in objectives]
    rows = activities.order_by("provider_activity_id").values(*ROW_FIELDS).iterator(chunk_size=2000)
    return header, (_row(activity, figures, period, slugs) for activity in rows)


@transaction.atomic
def pars_activities_mark_exported(*, date_from: date, date_to: date, exported_by) -> int:
    """Freeze the provider activity id of every activity of the period not yet exported (with history)."""
    now = timezone.now()
    period = selectors.period_for(date_from, date_to)
    pending = list(
        selectors.activities_in(period).filter(pars_exported_at__isnull=True).select_for_update(of=("self",))
    )
    if not pending:
        return 0
    Activity.objects.filter(pk__in=[activity.pk for activity in pending]).update(pars_exported_at=now, updated_at=now)
    for activity in pending:
        activity.pars_exported_at = activity.updated_at = now
    Activity.history.bulk_history_create(
        pending, update=True, default_user=exported_by, default_change_reason=EXPORT_REASON, default_date=now
    )
    return len(pending)


def pars_activities_export(*, date_from: date, date_to: date, exported_by) -> Iterator[str]:
    """Mark the period's activities exported, then return the CSV lines (header first) to stream."""
    pars_activities_mark_exported(date_from=date_from, date_to=date_to, exported_by=exported_by)
    header, rows = pars_activity_rows(date_from=date_from, date_to=date_to)
    return csv_lines(header, rows)


def pars_activities_response(*, date_from: date, date_to: date, exported_by) -> StreamingHttpResponse:
    """The export as a streamed CSV download (API and staff page alike), the period marked exported."""
    lines = pars_activities_export(date_from=date_from, date_to=date_to, exported_by=exported_by)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"pars-activities-{date_from}-to-{date_to}.csv"
    )
    return response
