"""Every list and detail endpoint makes the same number of queries whatever the data size.

Each endpoint is called on a small world and again after the world has grown; the query counts must
be equal (and within a budget), so a page never loops into the database per row.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import Attendance
from certificates import services as certificate_services
from certificates.exports import certificate_export_request
from certificates.models import Certificate
from claims.models import Claim
from reports.services import report_request
from tests.conftest import client_for
from tests.factories import (
    UserFactory,
    accreditation_user,
    make_claim,
    make_disclosed_person,
    make_published_activity,
    staff_user,
)

pytestmark = pytest.mark.django_db
BUDGET = 12

# (route, who asks): the ids come from the world below.
ENDPOINTS = [
    ("/api/v1/activities/?page_size=200", "anon"),
    ("/api/v1/activities/{activity}/", "anon"),
    ("/api/v1/activities/{activity}/sessions/?page_size=200", "staff"),
    ("/api/v1/sessions/{session}/", "staff"),
    ("/api/v1/activities/{activity}/disclosures/", "anon"),
    ("/api/v1/activities/{activity}/disclosures/", "staff"),
    ("/api/v1/activities/{activity}/commercial-support/", "staff"),
    ("/api/v1/activities/{activity}/attendance/?page_size=200", "staff"),
    ("/api/v1/people/?page_size=200", "staff"),
    ("/api/v1/people/{person}/", "staff"),
    ("/api/v1/disclosures/expiring/?days=400", "staff"),
    ("/api/v1/claims/?page_size=200", "staff"),
    ("/api/v1/claims/?page_size=200", "owner"),
    ("/api/v1/claims/{claim}/", "staff"),
    ("/api/v1/certificates/?page_size=200", "accreditation"),
    ("/api/v1/certificates/?page_size=200", "owner"),
    ("/api/v1/certificates/{certificate}/", "owner"),
    ("/api/v1/exports/{export}/", "staff"),
    ("/api/v1/reports/?page_size=200", "accreditation"),
    ("/api/v1/reports/{report}/", "staff"),
    ("/api/v1/me/", "owner"),
    ("/api/v1/me/transcript/", "owner"),
    ("/api/v1/verify/{code}/", "anon"),
    ("/api/v1/objectives/", "anon"),
    ("/api/v1/credit-types/", "anon"),
    ("/api/v1/activity-types/", "anon"),
    ("/api/v1/renewal-topics/", "anon"),
    ("/api/v1/activities/{activity}/sessions/?page_size=200", "anon"),
    ("/api/v1/activities/{activity}/evaluation/", "owner"),
]


def grow(world, *, activities: int, learners: int) -> None:
    """Add activities (with sessions, people, support), learners with claims, exports and reports."""
    from activities.services import commercial_support_add

    activity = world["activity"]
    for _ in range(activities):
        other = make_published_activity(sessions=2)
        make_claim(world["owner"], activity=other)
        make_disclosed_person(activity, name=f"Dr. Extra {other.pk}", relationships=[("Acme", "speaker")])
        commercial_support_add(activity=activity, company=f"Company {other.pk}", amount=100)
    for _ in range(learners):
        learner = UserFactory()
        make_claim(learner, activity=activity)
        certificate_export_request(activity=activity, requested_by=world["staff"])
        report_request(kind="activity-summary", activity=activity, requested_by=world["staff"])


@pytest.fixture
def world(clinician):
    staff = staff_user()
    claim = make_claim(clinician)
    certificate_services.certificate_render(certificate_id=claim.certificate.pk, version=1)
    activity = claim.activity
    from activities.services import commercial_support_add

    commercial_support_add(activity=activity, company="Acme Pharma", amount=500)
    world = {"owner": clinician, "staff": staff, "accreditation": accreditation_user(), "activity": activity}
    world["ids"] = {
        "activity": activity.pk,
        "session": activity.sessions.first().pk,
        "person": activity.content_roles.first().person_id,
        "claim": claim.pk,
        "certificate": claim.certificate.pk,
        "code": claim.certificate.verification_code,
        "export": certificate_export_request(activity=activity, requested_by=staff).pk,
        "report": report_request(kind="activity-summary", activity=activity, requested_by=staff).pk,
    }
    return world


def count_queries(world, route: str, who: str) -> int:
    client = client_for(world.get(who)) if who != "anon" else client_for(None)
    url = route.format(**world["ids"])
    client.get(url)  # warm: tokens, provider cache, content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def test_query_counts_do_not_grow_with_the_data(world):
    small = {endpoint: count_queries(world, *endpoint) for endpoint in ENDPOINTS}
    grow(world, activities=4, learners=5)
    Attendance.objects.filter(session__activity=world["activity"]).count()
    large = {endpoint: count_queries(world, *endpoint) for endpoint in ENDPOINTS}

    grew = {
        endpoint: (small[endpoint], large[endpoint]) for endpoint in ENDPOINTS if large[endpoint] != small[endpoint]
    }
    assert grew == {}
    over = {endpoint: count for endpoint, count in large.items() if count > BUDGET}
    assert over == {}


# --- Page size: 5 rows or 200 rows of the same list cost the same queries ------------------------------

BULK_ROWS = 205


def _copy(instance, **changes):
    """An unsaved copy of a row with some fields changed (for bulk_create)."""
    copy = type(instance).objects.get(pk=instance.pk)
    copy.pk = copy.id = None
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def bulk_lists(world) -> None:
    """Over 200 rows, written in bulk, in every list below: activities (with their objectives,
    designations and a session each), learners with a claim, a certificate and an attendance."""
    from accounts.models import User
    from activities.models import Activity, CreditDesignation, Session

    activity = world["activity"]
    session = activity.sessions.first()
    clones = Activity.objects.bulk_create(
        [_copy(activity, provider_activity_id=f"BULK-{i:05d}", title=f"Bulk activity {i}") for i in range(BULK_ROWS)]
    )
    through = Activity.objectives.through
    through.objects.bulk_create(
        [through(activity_id=clone.pk, objective_id=o.pk) for clone in clones for o in activity.objectives.all()]
    )
    CreditDesignation.objects.bulk_create(
        [_copy(d, activity=clone) for clone in clones for d in activity.designations.all()]
    )
    Session.objects.bulk_create([_copy(session, activity=clone, checkin_code=f"Z{i:05d}") for i, clone in
                                 enumerate(clones)])  # fmt: skip

    learners = User.objects.bulk_create(
        [User(email=f"bulk{i}@example.org", first_name="Bulk", last_name=f"Learner {i}", degree="MD")
         for i in range(BULK_ROWS)]
    )  # fmt: skip
    claim = world["owner"].claims.get()
    claims = Claim.objects.bulk_create([_copy(claim, user=learner) for learner in learners])
    certificate = claim.certificate
    Certificate.objects.bulk_create(
        [_copy(certificate, claim=c, verification_code=f"BULK{i:012d}", number=f"BULK-{i:08d}")
         for i, c in enumerate(claims)]
    )  # fmt: skip
    Attendance.objects.bulk_create([Attendance(user=learner, session=session, method="staff") for learner in learners])


PAGED_LISTS = [
    ("/api/v1/activities/?page_size={size}", "anon"),
    ("/api/v1/activities/?page_size={size}", "staff"),
    ("/api/v1/claims/?page_size={size}", "staff"),
    ("/api/v1/certificates/?page_size={size}", "accreditation"),
    ("/api/v1/activities/{activity}/attendance/?page_size={size}", "staff"),
]


@pytest.mark.parametrize(("route", "who"), PAGED_LISTS)
def test_a_page_of_200_costs_the_same_queries_as_a_page_of_5(world, route, who):
    bulk_lists(world)

    counts = {}
    for size in (5, 200):
        client = client_for(world.get(who)) if who != "anon" else client_for(None)
        url = route.format(size=size, **world["ids"])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert len(response.json()["results"]) == size, url
        counts[size] = len(queries)

    assert counts[5] == counts[200]
    assert counts[200] <= BUDGET
