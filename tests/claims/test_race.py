"""Two identical requests at the same moment give one record: the database settles the race."""

import threading
from http import HTTPStatus

import pytest
from django.db import connection

from attendance.models import Attendance
from claims.models import Claim
from tests.conftest import client_for
from tests.factories import make_published_activity

pytestmark = pytest.mark.django_db(transaction=True)


def post_all_at_once(user, url: str, body: dict, *, threads: int) -> list[int]:
    """POST the same body from `threads` threads released together; each thread has its own connection."""
    start, statuses = threading.Barrier(threads), []

    def post():
        client = client_for(user)
        start.wait()
        try:
            statuses.append(client.post(url, body, format="json").status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(statuses)


def test_twenty_threads_posting_the_same_claim_make_one_claim(clinician):
    activity = make_published_activity(evaluation_required=False)
    Attendance.objects.create(user=clinician, session=activity.sessions.get(), method="staff")
    body = {"activity": activity.id, "credit_type": "ama-pra-1", "credits": "1.00"}

    statuses = post_all_at_once(clinician, "/api/v1/claims/", body, threads=20)

    assert statuses == [HTTPStatus.CREATED] + [HTTPStatus.CONFLICT] * 19
    assert Claim.objects.filter(user=clinician, activity=activity).count() == 1
    assert Claim.objects.get().certificate.status == "pending"


def test_concurrent_check_ins_make_one_attendance(clinician):
    activity = make_published_activity(starts_in_hours=0.1)
    code = activity.sessions.get().checkin_code

    statuses = post_all_at_once(clinician, "/api/v1/checkins/", {"code": code}, threads=10)

    assert statuses == [HTTPStatus.OK] * 9 + [HTTPStatus.CREATED]
    assert Attendance.objects.count() == 1
