"""The report task: called directly (idempotence, retries, failure recorded) and in a real worker on Redis."""

import io
from datetime import timedelta
from http import HTTPStatus

import pypdf
import pytest
from django.utils import timezone

from reports import documents, services
from reports.models import Report
from reports.tasks import render_report
from tests.reports.conftest import YEAR_FROM, YEAR_TO
from tests.worker import wait_for

REPORTS = "/api/v1/reports/"


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_the_task_renders_once_and_skips_a_report_already_done(scenario, staff):
    report = services.report_request(kind="annual", date_from=YEAR_FROM, date_to=YEAR_TO, requested_by=staff)

    first = render_report.apply(args=[report.pk]).get()
    second = render_report.apply(args=[report.pk]).get()

    report.refresh_from_db()
    assert (first, second) == ("ready", "skipped")
    assert (report.status, report.attempts, report.last_error) == ("ready", 1, "")
    assert report.file.name == f"reports/annual-2025-01-01-2025-12-31-{report.pk}.pdf"
    assert report.finished_at is not None
    with report.file.open("rb") as stored:
        assert "Annual Accreditation Report" in pdf_text(stored.read())


@pytest.mark.django_db
def test_a_failing_report_is_retried_then_marked_failed_with_the_reason(scenario, staff, monkeypatch):
    def broken(**kwargs):
        raise ValueError("the figures could not be gathered")

    monkeypatch.setattr(documents, "activity_summary_pdf", broken)
    report = services.report_request(kind="activity-summary", activity=scenario.course, requested_by=staff)

    result = render_report.apply(args=[report.pk]).get()

    report.refresh_from_db()
    assert result == "failed"
    assert (report.status, report.attempts) == ("failed", render_report.max_retries + 1)
    assert report.last_error == "ValueError: the figures could not be gathered"
    assert report.finished_at is not None
    assert not report.file


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_the_requested_report_and_the_requester_downloads_it(scenario, staff_client, celery_worker):
    response = staff_client.post(REPORTS, {"kind": "annual", "from": "2025-01-01", "to": "2025-12-31"})
    assert response.status_code == HTTPStatus.ACCEPTED
    report_url = f"{REPORTS}{response.json()['id']}/"

    def ready():
        body = staff_client.get(report_url).json()
        assert body["status"] != "failed", body["last_error"]
        return body if body["status"] == "ready" else None

    body = wait_for(ready, timeout=60, interval=0.2, message="the report to be rendered by the worker")
    download = staff_client.get(f"{report_url}pdf/")

    assert body["pdf_url"] == f"http://testserver{report_url}pdf/"
    assert download.status_code == HTTPStatus.OK
    text = pdf_text(b"".join(download.streaming_content))
    assert "Annual Accreditation Report" in text
    assert "Course C 1 3 3.50 2 1 4.50" in text
    assert "Regularly scheduled series RSS 1 3 3.00 5 1 6.00" in text


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_message_was_lost_is_swept_and_rendered(scenario, staff, celery_worker):
    stuck = Report.objects.create(
        kind="activity-summary",
        activity=scenario.series,
        requested_by=staff,
        queued_at=timezone.now() - timedelta(hours=1),
    )

    assert services.reports_requeue_stuck() == 1

    wait_for(
        lambda: Report.objects.filter(pk=stuck.pk, status="ready").exists(),
        timeout=60,
        interval=0.2,
        message="the swept report to be rendered",
    )
    stuck.refresh_from_db()
    with stuck.file.open("rb") as stored:
        assert "Medicine Grand Rounds 2025" in pdf_text(stored.read())
