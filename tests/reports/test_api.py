"""Reports API: requesting, polling, downloading; roles; another person's report is a 404."""

from http import HTTPStatus

import pytest
from rest_framework import serializers

from reports import services
from reports.models import Report
from reports.serializers import ACTIVITY_REQUIRED, NOT_FOR_KIND, RANGE_INVERTED, RANGE_REQUIRED
from reports.views import NOT_READY
from tests.conftest import client_for
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
ROLE_REFUSED = {"detail": "Your role does not allow this."}
NO_SUCH_ACTIVITY = 'Invalid pk "999999" - object does not exist.'
NOT_AN_ID = "Incorrect type. Expected pk value, received str."
WRONG_DATE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."


def detail(report_id: int) -> str:
    return f"{REPORTS}{report_id}/"


def iso(moment) -> str | None:
    return serializers.DateTimeField().to_representation(moment) if moment else None


def body_of(report: Report, pdf_url=None) -> dict:
    report.refresh_from_db()
    return {
        "id": report.pk,
        "kind": report.kind,
        "status": report.status,
        "activity": report.activity_id,
        "from": report.date_from.isoformat() if report.date_from else None,
        "to": report.date_to.isoformat() if report.date_to else None,
        "pdf_url": pdf_url,
        "last_error": report.last_error,
        "created_at": iso(report.created_at),
        "finished_at": iso(report.finished_at),
    }


def summary_of(activity, user) -> Report:
    return services.report_request(kind="activity-summary", activity=activity, requested_by=user)


# --- Requesting -----------------------------------------------------------------------------------


def test_staff_requests_an_activity_summary(staff_client, staff, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(REPORTS, {"kind": "activity-summary", "activity": scenario.course.pk})

    assert response.status_code == HTTPStatus.ACCEPTED
    report = Report.objects.get()
    assert response.json() == {"id": report.pk, "status": "pending"}
    assert (report.kind, report.activity, report.requested_by, report.date_from) == (
        "activity-summary", scenario.course, staff, None,
    )  # fmt: skip
    assert report.queued_at is not None
    assert len(callbacks) == 1  # the render task is sent once the request commits


def test_accreditation_requests_an_annual_report(accreditation_client, accreditor):
    response = accreditation_client.post(REPORTS, {"kind": "annual", "from": "2025-01-01", "to": "2025-12-31"})

    assert response.status_code == HTTPStatus.ACCEPTED
    report = Report.objects.get()
    assert response.json() == {"id": report.pk, "status": "pending"}
    assert (report.kind, str(report.date_from), str(report.date_to), report.activity) == (
        "annual", "2025-01-01", "2025-12-31", None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"kind": ["This field is required."]}),
        ({"kind": "weekly"}, {"kind": ['"weekly" is not a valid choice.']}),
        ({"kind": "activity-summary"}, {"activity": [ACTIVITY_REQUIRED]}),
        ({"kind": "activity-summary", "activity": 999999}, {"activity": [NO_SUCH_ACTIVITY]}),
        ({"kind": "activity-summary", "activity": "x"}, {"activity": [NOT_AN_ID]}),
        ({"kind": "annual", "from": "2025-01-01"}, {"to": [RANGE_REQUIRED]}),
        ({"kind": "annual"}, {"from": [RANGE_REQUIRED], "to": [RANGE_REQUIRED]}),
        ({"kind": "annual", "from": "2025-13-01", "to": "2025-12-31"}, {"from": [WRONG_DATE]}),
        ({"kind": "annual", "from": "2025-12-31", "to": "2025-01-01"}, {"to": [RANGE_INVERTED]}),
    ],
)  # fmt: skip
def test_a_bad_request_names_the_field_and_writes_nothing(staff_client, body, errors):
    response = staff_client.post(REPORTS, body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == errors
    assert not Report.objects.exists()


def test_parameters_of_the_other_kind_are_refused(staff_client, scenario):
    response = staff_client.post(
        REPORTS, {"kind": "annual", "activity": scenario.course.pk, "from": "2025-01-01", "to": "2025-12-31"}
    )
    summary = staff_client.post(
        REPORTS, {"kind": "activity-summary", "activity": scenario.course.pk, "to": "2025-01-01"}
    )

    assert (response.status_code, response.json()) == (HTTPStatus.BAD_REQUEST, {"activity": [NOT_FOR_KIND]})
    assert (summary.status_code, summary.json()) == (HTTPStatus.BAD_REQUEST, {"to": [NOT_FOR_KIND]})
    assert not Report.objects.exists()


# --- Roles ------------------------------------------------------------------------------------------


def test_clinicians_may_not_request_read_or_download_reports(clinician_client, staff, scenario):
    report = summary_of(scenario.course, staff)

    responses = [
        clinician_client.post(REPORTS, {"kind": "activity-summary", "activity": scenario.course.pk}),
        clinician_client.get(REPORTS),
        clinician_client.get(detail(report.pk)),
        clinician_client.get(f"{detail(report.pk)}pdf/"),
    ]

    assert [(r.status_code, r.json()) for r in responses] == [(HTTPStatus.FORBIDDEN, ROLE_REFUSED)] * 4
    assert Report.objects.count() == 1


def test_anonymous_callers_must_sign_in(anon_client, staff, scenario):
    report = summary_of(scenario.course, staff)

    for response in (anon_client.post(REPORTS, {"kind": "annual"}), anon_client.get(detail(report.pk))):
        assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_staff_see_only_the_reports_they_requested(staff_client, staff, scenario):
    theirs = summary_of(scenario.course, staff_user())
    mine = summary_of(scenario.series, staff)

    assert staff_client.get(detail(theirs.pk)).status_code == HTTPStatus.NOT_FOUND
    assert staff_client.get(f"{detail(theirs.pk)}pdf/").status_code == HTTPStatus.NOT_FOUND
    response = staff_client.get(detail(mine.pk))
    assert (response.status_code, response.json()) == (HTTPStatus.OK, body_of(mine))


def test_accreditation_sees_every_report(accreditation_client, staff, scenario):
    report = summary_of(scenario.course, staff)

    response = accreditation_client.get(detail(report.pk))

    assert (response.status_code, response.json()) == (HTTPStatus.OK, body_of(report))


def test_list_is_paginated_and_scoped_to_the_caller(staff, accreditor, scenario, django_assert_max_num_queries):
    mine = [summary_of(scenario.course, staff) for _ in range(3)]
    others = [summary_of(scenario.series, staff_user()) for _ in range(2)]

    client = client_for(staff)

    with django_assert_max_num_queries(4):  # token and user, roles, count, page
        response = client.get(REPORTS, {"page_size": 2})
    everything = client_for(accreditor).get(REPORTS, {"page_size": 200})

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert (body["count"], body["previous"]) == (3, None)
    assert body["next"].endswith(f"{REPORTS}?page=2&page_size=2")
    assert body["results"] == [body_of(report) for report in reversed(mine)][:2]
    assert [r["id"] for r in everything.json()["results"]] == [r.pk for r in reversed(mine + others)]


# --- Downloading ----------------------------------------------------------------------------------


def test_the_pdf_is_a_conflict_until_ready_then_downloads_inline(staff_client, staff, scenario):
    report = summary_of(scenario.course, staff)
    pending = staff_client.get(f"{detail(report.pk)}pdf/")

    assert services.report_render(report_id=report.pk) == "ready"
    polled = staff_client.get(detail(report.pk))
    download = staff_client.get(f"{detail(report.pk)}pdf/")

    assert (pending.status_code, pending.json()) == (HTTPStatus.CONFLICT, {"detail": NOT_READY})
    pdf_url = f"http://testserver{detail(report.pk)}pdf/"
    assert polled.json() == body_of(report, pdf_url=pdf_url)
    assert polled.json()["status"] == "ready"
    assert download.status_code == HTTPStatus.OK
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'inline; filename="activity-summary-{scenario.course.pk}.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_failed_report_says_why(staff_client, staff, scenario):
    report = summary_of(scenario.course, staff)
    Report.objects.filter(pk=report.pk).update(status="failed", last_error="ValueError: no fonts")

    response = staff_client.get(detail(report.pk))
    download = staff_client.get(f"{detail(report.pk)}pdf/")

    assert response.json() == body_of(report)
    assert (response.json()["status"], response.json()["last_error"]) == ("failed", "ValueError: no fonts")
    assert download.status_code == HTTPStatus.CONFLICT
