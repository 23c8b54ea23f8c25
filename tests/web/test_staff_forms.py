"""Staff forms submitted for real: activity edit with designations, session edit, mitigation, claim filters, PARS CSV.

Each asserts what the database holds afterwards; a bad input names its field and writes nothing.
"""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from activities.credits import CREDITS_NOT_QUARTER
from activities.models import Activity, Mitigation
from activities.services.disclosures import MITIGATION_REQUIRED
from activities.services.sessions import ENDS_BEFORE_START
from certificates.models import CertificateStatus
from claims.models import Claim
from reports.pars import pars_activity_rows
from tests.factories import make_activity, make_claim, make_disclosed_person, make_published_activity, make_session
from tests.web.conftest import text_of
from tests.web.test_staff_pages import activity_form

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + timedelta(days=1)


def designations(activity) -> dict[str, Decimal]:
    return dict(activity.designations.values_list("credit_type_id", "max_credits"))


# --- activity edit --------------------------------------------------------------------------------


def test_activity_edit_saves_fields_and_credit_designations(staff_web, staff):
    activity = make_activity(title="Sepsis update", credits=(("ama-pra-1", "2.00"), ("participation", "2.00")))

    response = staff_web.post(
        f"/staff/activities/{activity.pk}/edit/",
        activity_form(title="Sepsis update 2026", objectives=["patient-management"], credits_ama_pra_1="1.50",
                      credits_participation="", location="Internet",
                      provider_activity_id=activity.provider_activity_id),
    )  # fmt: skip

    assert response["Location"] == f"/staff/activities/{activity.pk}/"
    activity.refresh_from_db()
    assert (activity.title, activity.location) == ("Sepsis update 2026", "Internet")
    assert list(activity.objectives.values_list("slug", flat=True)) == ["patient-management"]
    assert designations(activity) == {"ama-pra-1": Decimal("1.50")}
    assert activity.history.count() >= 2  # created, then edited: who and when are kept


def test_activity_edit_bad_credit_names_the_field_and_writes_nothing(staff_web):
    activity = make_activity(title="Sepsis update", credits=(("ama-pra-1", "2.00"),))

    response = staff_web.post(
        f"/staff/activities/{activity.pk}/edit/",
        activity_form(
            title="Renamed",
            credits_ama_pra_1="1.33",
            credits_participation="",
            provider_activity_id=activity.provider_activity_id,
        ),
    )

    text = text_of(response)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f"Maximum AMA PRA Category 1 Credit™: {CREDITS_NOT_QUARTER}" in text
    assert 'id="id_credits_ama_pra_1_error"' in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "Sepsis update"
    assert designations(activity) == {"ama-pra-1": Decimal("2.00")}


def test_activity_edit_missing_title_names_the_field(staff_web):
    activity = make_activity(title="Sepsis update")

    response = staff_web.post(
        f"/staff/activities/{activity.pk}/edit/",
        activity_form(title="", provider_activity_id=activity.provider_activity_id),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Title: This field is required." in text_of(response)
    assert Activity.objects.get().title == "Sepsis update"


def test_activity_edit_keeps_its_provider_activity_id(staff_web):
    activity = make_activity(title="Sepsis update")

    page = staff_web.get(f"/staff/activities/{activity.pk}/edit/").content.decode()
    response = staff_web.post(f"/staff/activities/{activity.pk}/edit/", activity_form(provider_activity_id=""))

    assert f'value="{activity.provider_activity_id}"' in page and "Leave blank to number it" not in page
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Provider activity id: This field is required." in text_of(response)
    assert Activity.objects.get().provider_activity_id == activity.provider_activity_id


# --- session edit ---------------------------------------------------------------------------------


def test_session_edit_saves_times_in_the_activity_zone(staff_web):
    activity = make_activity(time_zone="America/Chicago")
    session = make_session(activity)

    response = staff_web.post(
        f"/staff/sessions/{session.pk}/edit/",
        {"title": "Morning block", "starts_at": f"{TOMORROW}T08:00", "ends_at": f"{TOMORROW}T09:30",
         "break_minutes": "30", "credit_hours": "", "parallel_group": ""},
    )  # fmt: skip

    assert response["Location"] == f"/staff/activities/{activity.pk}/"
    session.refresh_from_db()
    local = session.starts_at.astimezone(ZoneInfo("America/Chicago"))
    assert (session.title, local.date(), local.hour, local.minute) == ("Morning block", TOMORROW, 8, 0)
    assert session.ends_at - session.starts_at == timedelta(minutes=90)
    assert (session.break_minutes, session.credit_hours) == (30, Decimal("1.00"))


def test_session_edit_refused_names_the_field_and_writes_nothing(staff_web):
    activity = make_activity(time_zone="America/Chicago")
    session = make_session(activity, title="Original")
    before = (session.starts_at, session.ends_at)

    response = staff_web.post(
        f"/staff/sessions/{session.pk}/edit/",
        {"title": "Changed", "starts_at": f"{TOMORROW}T10:00", "ends_at": f"{TOMORROW}T09:00", "break_minutes": "0"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f"Ends: {ENDS_BEFORE_START}" in text_of(response)
    session.refresh_from_db()
    assert (session.title, session.starts_at, session.ends_at) == ("Original", *before)


def test_session_edit_bad_break_names_the_field(staff_web):
    session = make_session(make_activity())

    response = staff_web.post(
        f"/staff/sessions/{session.pk}/edit/",
        {"starts_at": f"{TOMORROW}T10:00", "ends_at": f"{TOMORROW}T11:00", "break_minutes": "-5"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert re.search(r"Breaks \(minutes\): Ensure this value is greater than or equal to 0", text_of(response))
    session.refresh_from_db()
    assert session.break_minutes == 0


# --- disclosure mitigation ------------------------------------------------------------------------


@pytest.fixture
def disclosed(db):
    """A draft activity whose faculty member disclosed one relationship nobody has reviewed yet."""
    activity = make_activity()
    role = make_disclosed_person(activity, name="Dr. Priya Raman", relationships=(("Northwind", "consultant"),))
    Mitigation.objects.all().delete()
    relationship = role.person.disclosures.get().relationships.get()
    return activity, role, relationship


def mitigation_url(activity, role) -> str:
    return f"/staff/activities/{activity.pk}/disclosures/{role.pk}/mitigation/"


def test_mitigation_form_records_the_decision(staff_web, staff, disclosed):
    activity, role, relationship = disclosed

    response = staff_web.post(
        mitigation_url(activity, role),
        {"relationship": relationship.pk, "relevant": "yes", "mitigation": "Slides peer reviewed"},
        follow=True,
    )

    assert "The decision on Dr. Priya Raman's relationship is recorded." in text_of(response)
    decision = Mitigation.objects.get()
    assert (decision.activity, decision.relationship, decision.relevant) == (activity, relationship, True)
    assert (decision.mitigation, decision.reviewed_by) == ("Slides peer reviewed", staff)


def test_mitigation_not_relevant_needs_no_text(staff_web, disclosed):
    activity, role, relationship = disclosed

    staff_web.post(mitigation_url(activity, role), {"relationship": relationship.pk, "relevant": "no"})

    assert Mitigation.objects.get().relevant is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"relevant": "yes", "mitigation": " "}, MITIGATION_REQUIRED),
        ({"mitigation": "Reviewed"}, "Choose whether the relationship is relevant."),
    ],
    ids=["relevant-without-mitigation", "no-decision"],
)
def test_mitigation_bad_input_says_what_is_missing_and_writes_nothing(staff_web, disclosed, data, message):
    activity, role, relationship = disclosed

    response = staff_web.post(mitigation_url(activity, role), {"relationship": relationship.pk, **data}, follow=True)

    assert message in text_of(response)
    assert "mitigat" in message.lower() or "relevant" in message.lower()
    assert not Mitigation.objects.exists()


# --- claims list filters --------------------------------------------------------------------------


def claim_rows(client, query: str) -> list[str]:
    html = client.get(f"/staff/claims/?{query}").content.decode()
    return sorted(re.findall(r"<td>([^<,]+), (?:MD|NP|DO)<br>", html))


def test_claims_list_filters(staff_web, clinician, other_clinician, nurse):
    rounds = make_published_activity(title="Grand rounds", starts_in_hours=-1, minutes=120,
                                     credits=(("ama-pra-1", "1.00"), ("participation", "1.00")))  # fmt: skip
    course = make_published_activity(title="Stroke course", starts_in_hours=-1, minutes=120,
                                      credits=(("ama-pra-1", "1.00"), ("participation", "1.00")))  # fmt: skip
    ada = make_claim(clinician, activity=rounds, credit_type="ama-pra-1")
    grace = make_claim(other_clinician, activity=course, credit_type="ama-pra-1")
    florence = make_claim(nurse, activity=rounds, credit_type="participation")
    Claim.objects.filter(pk=grace.pk).update(
        kind="faculty", session=course.sessions.get(), created_at=timezone.now() - timedelta(days=40)
    )
    ada.certificate.__class__.objects.filter(pk=ada.certificate.pk).update(status=CertificateStatus.REVOKED)
    florence.certificate.__class__.objects.filter(pk=florence.certificate.pk).update(status=CertificateStatus.FAILED)
    today, month_ago = timezone.localdate(), timezone.localdate() - timedelta(days=30)

    everyone = ["Ada Lovelace", "Florence Nightingale", "Grace Hopper"]
    assert claim_rows(staff_web, "") == everyone
    assert claim_rows(staff_web, f"activity={rounds.pk}") == ["Ada Lovelace", "Florence Nightingale"]
    assert claim_rows(staff_web, "credit_type=participation") == ["Florence Nightingale"]
    assert claim_rows(staff_web, "kind=faculty") == ["Grace Hopper"]
    assert claim_rows(staff_web, "kind=learner") == ["Ada Lovelace", "Florence Nightingale"]
    assert claim_rows(staff_web, "certificate_status=revoked") == ["Ada Lovelace"]
    assert claim_rows(staff_web, "certificate_status=failed") == ["Florence Nightingale"]
    assert claim_rows(staff_web, "certificate_status=pending") == ["Grace Hopper"]
    assert claim_rows(staff_web, f"created_after={month_ago}") == ["Ada Lovelace", "Florence Nightingale"]
    assert claim_rows(staff_web, f"created_before={month_ago}") == ["Grace Hopper"]
    assert claim_rows(staff_web, f"created_after={today}&created_before={today}&credit_type=ama-pra-1") == [
        "Ada Lovelace"
    ]
    page = staff_web.get(f"/staff/claims/?activity={rounds.pk}&kind=learner")
    assert "2 claims" in text_of(page) and "Claims for Grand rounds" in text_of(page)
    assert 'value="learner" selected' in page.content.decode()


def test_claims_list_ignores_a_bad_filter_value_with_a_message(staff_web, clinician):
    make_claim(clinician, starts_in_hours=-1)

    response = staff_web.get("/staff/claims/?credit_type=nope&created_after=not-a-date")

    text = text_of(response)
    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in text and "Enter a valid date" in text


# --- PARS CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_web", "accreditation_web"])
def test_reports_page_offers_the_pars_csv(request, who):
    client = request.getfixturevalue(who)
    activity = make_published_activity(title="Grand rounds, sepsis", starts_in_hours=-2)
    day = timezone.localdate()

    page = client.get("/staff/reports/").content.decode()
    period = {"pars-date_from": day - timedelta(days=1), "pars-date_to": day + timedelta(days=1)}
    response = client.post("/staff/reports/pars-activities.csv", period)
    link = client.get(f"/staff/reports/pars-activities.csv?pars-date_from={day}&pars-date_to={day}")

    assert 'method="post" action="/staff/reports/pars-activities.csv"' in page and "Download the PARS CSV" in page
    assert link.status_code == HTTPStatus.METHOD_NOT_ALLOWED  # a link (from anywhere) marks nothing
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="pars-activities-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Provider Activity ID", "Activity Title", "Activity Type"]
    assert rows[0] == pars_activity_rows(date_from=day, date_to=day)[0]
    assert [row[1] for row in rows[1:]] == ["Grand rounds, sepsis"]
    activity.refresh_from_db()
    assert activity.pars_exported_at is not None


def test_pars_csv_with_a_bad_range_names_the_field_and_marks_nothing(staff_web):
    activity = make_published_activity(starts_in_hours=-2)

    response = staff_web.post(
        "/staff/reports/pars-activities.csv", {"pars-date_from": "2026-12-31", "pars-date_to": "2026-01-01"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "To: The end of the range is before its start." in text_of(response)
    activity.refresh_from_db()
    assert activity.pars_exported_at is None
