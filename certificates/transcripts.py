"""The transcript as a PDF: the same figures as the JSON, laid out by certificates.pdf."""

from django.utils import timezone

from activities.models import CreditType, Objective
from activities.services import provider_current
from certificates.pdf import RenewalLine, TranscriptDocument, TranscriptEntry, render_transcript
from certificates.selectors import transcript_for_learner
from certificates.snapshots import format_day


def _period(transcript: dict) -> str:
    start, end = transcript["from"], transcript["to"]
    if start and end:
        return f"{format_day(start)} \u2013 {format_day(end)}"
    if start:
        return f"Since {format_day(start)}"
    if end:
        return f"Until {format_day(end)}"
    return "All credits on record"


def transcript_document(*, user, transcript: dict) -> TranscriptDocument:
    credit_names = dict(CreditType.objects.values_list("slug", "name"))
    objective_names = dict(Objective.objects.values_list("slug", "name"))
    renewal = transcript["renewal"]
    return TranscriptDocument(
        provider_name=provider_current().name,
        learner_name=user.full_name,
        learner_degree=user.degree,
        npi=user.npi,
        period=_period(transcript),
        generated_on=format_day(timezone.localdate()),
        entries=[
            TranscriptEntry(
                date=format_day(entry["date"]),
                activity_title=entry["activity_title"],
                credit_type_name=credit_names.get(entry["credit_type"], entry["credit_type"]),
                credits=entry["credits"],
                certificate_number=entry["certificate_number"],
                status="valid" if entry["status"] == "ready" else entry["status"],
            )
            for entry in transcript["entries"]
        ],
        totals_by_credit_type=[(credit_names[s], v) for s, v in transcript["totals"]["by_credit_type"].items()],
        totals_by_objective=[(objective_names[s], v) for s, v in transcript["totals"]["by_objective"].items()],
        renewal_title=(
            f"{renewal['state']} license renewal (expires {format_day(renewal['license_expires'])})" if renewal else ""
        ),
        renewal=[
            RenewalLine(
                requirement=line["name"],
                required=line["required"] or "completion",
                earned=line["earned"],
                met=line["met"],
            )
            for line in (renewal["requirements"] if renewal else [])
        ],
    )


def transcript_pdf(*, user, date_from=None, date_to=None) -> bytes:
    transcript = transcript_for_learner(user=user, date_from=date_from, date_to=date_to)
    return render_transcript(transcript_document(user=user, transcript=transcript))
