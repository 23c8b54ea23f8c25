"""The CME office's pages: activities, sessions, disclosures, publishing, roster, import, claims, reports."""

import re
from datetime import timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from activities.models import Activity, ActivityStatus
from activities.services.activities import NO_SESSIONS
from activities.services.disclosures import NO_PEOPLE
from attendance.models import Attendance
from certificates.models import CertificateStatus
from claims.services import claim_submit
from reports.models import Report
from tests.factories import UserFactory, make_activity, make_published_activity
from tests.web.conftest import attend, evaluate, text_of

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)


def activity_form(**changes) -> dict:
    data = {
        "title": "Stroke course", "description": "Thrombolysis update", "activity_type": "course",
        "objectives": ["clinical-decision-making", "new-findings"], "location": "Boston, MA",
        "time_zone": "America/New_York", "evaluation_required": "on", "credits_ama_pra_1": "2.00",
        "credits_participation": "2.00", "designed_to_change_competence": "on", "evaluated_competence": "on",
    }  # fmt: skip
    return {**data, **changes}


def test_staff_activity_list_filters_by_status(staff_web):
    make_activity(title="A draft course")
    make_published_activity(title="A published course")

    drafts = text_of(staff_web.get("/staff/?status=draft"))

    assert "A draft course" in drafts and "A published course" not in drafts


def test_create_then_publish_lists_every_missing_piece(staff_web, staff):
    created = staff_web.post("/staff/activities/new/", activity_form())
    activity = Activity.objects.get()

    refused = staff_web.post(f"/staff/activities/{activity.pk}/publish/")

    assert created["Location"] == f"/staff/activities/{activity.pk}/"
    assert (activity.status, activity.created_by) == ("draft", staff)
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    text = text_of(refused)
    assert "The activity cannot be published yet" in text
    assert NO_SESSIONS in text and NO_PEOPLE in text


def test_activity_form_errors_go_next_to_fields(staff_web):
    response = staff_web.post("/staff/activities/new/", activity_form(title="", objectives=[]))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'id="id_title_error"' in html and 'id="id_objectives_error"' in html
    assert not Activity.objects.exists()


def test_sessions_are_typed_in_the_activity_time_zone(staff_web):
    activity = make_activity(title="West coast course", time_zone="America/Los_Angeles")

    response = staff_web.post(
        f"/staff/activities/{activity.pk}/sessions/new/",
        {"starts_at": f"{TOMORROW}T09:00", "ends_at": f"{TOMORROW}T10:30", "break_minutes": "15"},
    )

    session = activity.sessions.get()
    assert response.status_code == HTTPStatus.FOUND
    assert session.starts_at.astimezone(timezone.get_fixed_timezone(0)).hour in (16, 17)  # 9:00 PDT/PST in UTC
    assert str(session.credit_hours) == "1.25"
    edit = staff_web.get(f"/staff/sessions/{session.pk}/edit/").content.decode()
    assert f'value="{TOMORROW}T09:00"' in edit


def test_session_refusal_is_next_to_the_field(staff_web):
    activity = make_activity()

    response = staff_web.post(
        f"/staff/activities/{activity.pk}/sessions/new/",
        {"starts_at": f"{TOMORROW}T10:00", "ends_at": f"{TOMORROW}T09:00", "break_minutes": "0"},
    )

    assert re.search(r'id="id_ends_at_error">\s*<span>The session must end after it starts', response.content.decode())


def test_disclosure_with_a_mitigated_relationship_completes_publication(staff_web):
    activity = make_activity(credits=(("ama-pra-1", "1.00"),))
    staff_web.post(
        f"/staff/activities/{activity.pk}/sessions/new/",
        {"starts_at": f"{TOMORROW}T12:00", "ends_at": f"{TOMORROW}T13:00", "break_minutes": "0"},
    )
    rows = {"relationship-TOTAL_FORMS": "3", "relationship-INITIAL_FORMS": "0", "relationship-0-company": "Acme Pharma",
            "relationship-0-nature": "consultant", "relationship-0-relevant": "on",
            "relationship-0-mitigation": "Slides peer reviewed"}  # fmt: skip

    added = staff_web.post(
        f"/staff/activities/{activity.pk}/disclosures/new/",
        {"name": "Dr. Jane Doe", "degree": "MD", "role": "faculty", "signed_on": str(timezone.localdate()), **rows},
    )
    published = staff_web.post(f"/staff/activities/{activity.pk}/publish/")

    assert added.status_code == HTTPStatus.FOUND
    assert published.status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    assert "relevant, mitigated: Slides peer reviewed" in text_of(staff_web.get(f"/staff/activities/{activity.pk}/"))


def test_a_closed_activity_refuses_new_people_with_a_message(staff_web, live_activity):
    from activities.models import ContentRole
    from activities.services import activity_close

    activity_close(activity=live_activity, closed_by=live_activity.created_by)
    roles = ContentRole.objects.filter(activity=live_activity).count()

    response = staff_web.post(
        f"/staff/activities/{live_activity.pk}/disclosures/new/",
        {"name": "Dr. Late Addition", "degree": "MD", "role": "faculty", "signed_on": str(timezone.localdate()),
         "relationship-TOTAL_FORMS": "3", "relationship-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "closed" in text_of(response).lower()
    assert ContentRole.objects.filter(activity=live_activity).count() == roles


def test_poster_pdf_and_codes_for_staff(staff_web, live_activity):
    session = live_activity.sessions.get()

    page = staff_web.get(f"/staff/activities/{live_activity.pk}/").content.decode()
    poster = staff_web.get(f"/staff/sessions/{session.pk}/poster.pdf")

    assert session.checkin_code in page
    assert poster.status_code == HTTPStatus.OK and poster.content.startswith(b"%PDF")


def test_roster_marking_by_hand(staff_web, clinician, live_activity):
    session = live_activity.sessions.get()

    response = staff_web.post(
        f"/staff/activities/{live_activity.pk}/roster/", {"email": clinician.email.upper(), "session": session.pk}
    )
    unknown = staff_web.post(
        f"/staff/activities/{live_activity.pk}/roster/", {"email": "nobody@example.org", "session": session.pk}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Attendance.objects.get().method == "staff"
    assert "No account has this email address" in text_of(unknown)
    assert clinician.full_name in text_of(staff_web.get(f"/staff/activities/{live_activity.pk}/roster/"))


def upload(client, activity, content: str, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("roster.csv", content.encode(), content_type="text/csv")
    return client.post(f"/staff/activities/{activity.pk}/import/", {"action": "check", "file": file, **extra})


def test_import_dry_run_shows_every_bad_row_and_writes_nothing(staff_web, clinician, live_activity):
    session = live_activity.sessions.get()

    response = upload(
        staff_web, live_activity, f"email,session\n{clinician.email},{session.pk}\nghost@example.org,{session.pk}\n"
    )

    text = text_of(response)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "1 row to fix in roster.csv: nothing was imported" in text
    assert "3 No account has the email ghost@example.org; ask the learner to register first." in text
    assert not Attendance.objects.exists()


def test_import_after_a_clean_dry_run(staff_web, clinician, other_clinician, live_activity):
    start = live_activity.sessions.get().starts_at.astimezone(ZoneInfo("America/Chicago"))
    csv = f"email,session\n{clinician.email},{start:%Y-%m-%d %H:%M}\n{other_clinician.email},{start:%Y-%m-%d %H:%M}\n"

    checked = upload(staff_web, live_activity, csv)
    token = re.search(r'name="token" value="([^"]+)"', checked.content.decode()).group(1)

    assert "2 new attendance records and 0 already recorded" in text_of(checked)
    assert not Attendance.objects.exists()
    imported = staff_web.post(f"/staff/activities/{live_activity.pk}/import/", {"action": "import", "token": token})
    assert imported["Location"] == f"/staff/activities/{live_activity.pk}/roster/"
    assert Attendance.objects.filter(method="import").count() == 2
    replay = staff_web.post(f"/staff/activities/{live_activity.pk}/import/", {"action": "import", "token": token})
    assert "no longer available" in text_of(replay)


def test_claims_list_filters_and_revocation(staff_web, clinician, other_clinician, live_activity):
    for learner in (clinician, other_clinician):
        attend(learner, live_activity)
        evaluate(learner, live_activity)
        claim_submit(user=learner, activity=live_activity, credit_type="ama-pra-1", credits=1)
    certificate = clinician.claims.get().certificate

    filtered = text_of(staff_web.get("/staff/claims/?learner=lovelace"))
    revoke_page = staff_web.get(f"/staff/certificates/{certificate.pk}/revoke/")
    revoked = staff_web.post(f"/staff/certificates/{certificate.pk}/revoke/", {"reason": "Did not attend"})

    assert "Ada Lovelace" in filtered and "Grace Hopper" not in filtered
    assert revoke_page.status_code == HTTPStatus.OK
    assert revoked.status_code == HTTPStatus.FOUND
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoke_reason) == (CertificateStatus.REVOKED, "Did not attend")


def test_requeue_certificates(staff_web, clinician, live_activity):
    attend(clinician, live_activity)
    evaluate(clinician, live_activity)
    claim = claim_submit(user=clinician, activity=live_activity, credit_type="ama-pra-1", credits=1)
    claim.certificate.__class__.objects.filter(pk=claim.certificate.pk).update(status="failed")

    response = staff_web.post(f"/staff/activities/{live_activity.pk}/certificates/requeue/", follow=True)

    assert "0 certificate(s) issued and 1 failed one(s) re-queued." in text_of(response)


def test_reports_request_status_and_download(staff_web, staff, live_activity):
    response = staff_web.post("/staff/reports/", {"kind": "activity-summary", "summary-activity": live_activity.pk})
    report = Report.objects.get()

    pending = staff_web.get(f"/staff/reports/{report.pk}/status/").json()
    not_ready = staff_web.get(f"/staff/reports/{report.pk}/pdf/")
    name = default_storage.save("reports/summary.pdf", ContentFile(b"%PDF-1.4 test"))
    Report.objects.filter(pk=report.pk).update(status="ready", file=name)
    ready = staff_web.get(f"/staff/reports/{report.pk}/status/").json()
    download = staff_web.get(f"/staff/reports/{report.pk}/pdf/")

    assert response["Location"] == "/staff/reports/"
    assert (report.kind, report.activity, report.requested_by) == ("activity-summary", live_activity, staff)
    assert pending == {"status": "pending", "label": "Pending", "links": []}
    assert not_ready.status_code == HTTPStatus.CONFLICT
    assert ready["links"] == [{"href": f"/staff/reports/{report.pk}/pdf/", "text": "Download PDF", "download": True}]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_annual_report_request(staff_web):
    staff_web.post(
        "/staff/reports/", {"kind": "annual", "annual-date_from": "2025-01-01", "annual-date_to": "2025-12-31"}
    )

    report = Report.objects.get()
    assert (report.kind, str(report.date_from), str(report.date_to)) == ("annual", "2025-01-01", "2025-12-31")


def test_staff_only_see_their_own_reports_and_accreditation_sees_all(staff_web, accreditation_web, live_activity):
    other = UserFactory(roles=["clinician", "cme_staff"])
    from reports.services import report_request

    report_request(kind="activity-summary", requested_by=other, activity=live_activity)
    theirs = Report.objects.get()

    assert staff_web.get(f"/staff/reports/{theirs.pk}/status/").status_code == HTTPStatus.NOT_FOUND
    assert accreditation_web.get(f"/staff/reports/{theirs.pk}/status/").status_code == HTTPStatus.OK
