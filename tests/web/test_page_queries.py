"""Detail pages make a number of queries that does not grow with the data they show.

Each page is opened with little data and again with much more; the second time may not cost more
queries than the first (a warm-up request first, so cached rows are cached both times).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.services import commercial_support_add
from certificates.services import certificate_render
from reports.services import report_request
from tests.factories import (
    UserFactory,
    attend,
    make_claim,
    make_disclosed_person,
    make_published_activity,
    make_session,
)

pytestmark = pytest.mark.django_db
MORE = 12


def queries(client, url: str) -> int:
    client.get(url)  # warm-up: the check-in and disclosure caches fill here
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_constant(client, url: str, grow, django_assert_max_num_queries) -> int:
    few = queries(client, url)
    grow()
    client.get(url)  # warm-up again: growing dropped the cached rows it touched
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
    return few


@pytest.fixture
def activity(db):
    return make_published_activity(title="Grand rounds", starts_in_hours=-1, minutes=120,
                                   objectives=("clinical-decision-making", "patient-management"),
                                   credits=(("ama-pra-1", "2.00"), ("participation", "2.00")))  # fmt: skip


def add_content(activity):
    for n in range(MORE):
        make_session(activity, starts_in_hours=24 + n, minutes=60)
        make_disclosed_person(activity, name=f"Dr. Person {n}", relationships=((f"Company {n}", "consultant"),))
        commercial_support_add(activity=activity, company=f"Company {n}", amount=Decimal("100.00"))


def add_learners(activity):
    for _ in range(MORE):
        make_claim(UserFactory(), activity=activity)


def test_public_activity_page(clinician_web, clinician, activity, django_assert_max_num_queries):
    make_claim(clinician, activity=activity)
    budget = assert_constant(
        clinician_web, f"/activities/{activity.pk}/", lambda: add_content(activity), django_assert_max_num_queries
    )
    assert budget <= 16


def test_staff_activity_page(staff_web, activity, django_assert_max_num_queries):
    def grow():
        add_content(activity)
        add_learners(activity)

    budget = assert_constant(staff_web, f"/staff/activities/{activity.pk}/", grow, django_assert_max_num_queries)
    assert budget <= 14


def test_roster_page(staff_web, activity, django_assert_max_num_queries):
    attend(UserFactory(), activity)

    def grow():
        for n in range(3):
            make_session(activity, starts_in_hours=-0.5 - n, minutes=20)
        for _ in range(MORE):
            attend(UserFactory(), activity)

    budget = assert_constant(staff_web, f"/staff/activities/{activity.pk}/roster/", grow, django_assert_max_num_queries)
    assert budget <= 13


def test_reports_page(accreditation_web, activity, django_assert_max_num_queries):
    report_request(kind="activity-summary", requested_by=UserFactory(roles=["cme_staff"]), activity=activity)

    def grow():
        for n in range(MORE):
            other = make_published_activity(title=f"Course {n}", starts_in_hours=-24 * n - 1)
            report_request(kind="activity-summary", requested_by=UserFactory(roles=["cme_staff"]), activity=other)

    budget = assert_constant(accreditation_web, "/staff/reports/", grow, django_assert_max_num_queries)
    assert budget <= 8


def test_verify_page(anon, clinician, activity, django_assert_max_num_queries):
    certificate = make_claim(clinician, activity=activity).certificate
    certificate_render(certificate_id=certificate.pk, version=certificate.version)
    budget = assert_constant(
        anon, f"/verify/{certificate.verification_code}/", lambda: (add_content(activity), add_learners(activity)),
        django_assert_max_num_queries,
    )  # fmt: skip
    assert budget <= 6
