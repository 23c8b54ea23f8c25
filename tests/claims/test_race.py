"""Two identical claims at the same moment give one claim: the database settles the race."""

import threading
from http import HTTPStatus

import pytest
from django.db import connection

from attendance.models import Attendance
from claims.models import Claim
from tests.conftest import client_for
from tests.factories import make_published_activity

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_threads_posting_the_same_claim_make_one_claim(clinician):
    activity = make_published_activity(evaluation_required=False)
    Attendance.objects.create(user=clinician, session=activity.sessions.get(), method="staff")
    body = {"activity": activity.id, "credit_type": "ama-pra-1", "credits": "1.00"}
    start, statuses = threading.Barrier(20), []

    def post():
        client = client_for(clinician)
        start.wait()
        try:
            statuses.append(client.post("/api/v1/claims/", body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [HTTPStatus.CREATED] + [HTTPStatus.CONFLICT] * 19
    assert Claim.objects.filter(user=clinician, activity=activity).count() == 1
    assert Claim.objects.get().certificate.status == "pending"


def test_concurrent_check_ins_make_one_attendance(clinician):
    activity = make_published_activity(starts_in_hours=0.1)
    code = activity.sessions.get().checkin_code
    start, statuses = threading.Barrier(10), []

    def post():
        client = client_for(clinician)
        start.wait()
        try:
            statuses.append(client.post("/api/v1/checkins/", {"code": code}, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [HTTPStatus.OK] * 9 + [HTTPStatus.CREATED]
    assert Attendance.objects.count() == 1
