"""The activities API: create, delete, the public catalog, commercial support."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from activities.models import Activity
from activities.services.activities import HAS_RECORDS
from tests.activities.helpers import ACTIVITIES, activity_body, sessions_url
from tests.factories import make_activity, make_enduring_activity, make_published_activity, make_session

pytestmark = pytest.mark.django_db


# --- create ---------------------------------------------------------------------------------------


def test_staff_creates_a_draft(staff_client):
    response = staff_client.post(ACTIVITIES, activity_body(), format="json")

    assert response.status_code == HTTPStatus.CREATED, response.json()
    activity = Activity.objects.get()
    body = response.json()
    assert body["id"] == activity.id
    assert body["status"] == "draft"
    assert body["provider_activity_id"] == f"CME-{activity.id:06d}"
    assert body["objectives"] == ["clinical-decision-making", "new-findings"]
    assert body["credits"] == [{"credit_type": "ama-pra-1", "max_credits": "1.00"}]
    assert body["evaluation_required"] is True
    assert body["claim_deadline"] is None
    assert body["sessions"] == []
    assert body["live"] is True
    assert activity.history.first().history_user.email == "staff@example.org"


def test_time_zone_defaults_to_the_provider(staff_client):
    body = activity_body()
    del body["time_zone"]

    response = staff_client.post(ACTIVITIES, body, format="json")

    assert response.json()["time_zone"] == "America/New_York"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"objectives": ["clinical-decision-making", "astrology"]}, "objectives"),
        ({"objectives": []}, "objectives"),
        ({"objectives": "clinical-decision-making"}, "objectives"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "0.00"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "-1.00"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.10"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "abc"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-2", "max_credits": "1.00"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.00"}] * 2}, "credits"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"activity_type": "lecture"}, "activity_type"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 100_000}, "title"),
        ({"available_from": "2026-05-01", "available_until": "2026-04-01"}, "available_until"),
        ({"claim_deadline": "soon"}, "claim_deadline"),
        ({"competencies": ["charisma"]}, "competencies"),
        ({"post_test_passing_score": 101}, "post_test_passing_score"),
        ({"estimated_hours": "1.10"}, "estimated_hours"),
        ({"jointly_provided": True}, "joint_provider_name"),
    ],
)
def test_create_rejects_bad_input_naming_the_field(staff_client, overrides, field):
    response = staff_client.post(ACTIVITIES, activity_body(**overrides), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json(), response.json()
    assert not Activity.objects.exists()


def test_unknown_objective_message_lists_the_choices(staff_client):
    response = staff_client.post(ACTIVITIES, activity_body(objectives=["astrology"]), format="json")

    assert response.json() == {
        "objectives": [
            "Unknown value 'astrology'; choose from: clinical-decision-making, patient-management, "
            "new-findings, health-policy."
        ]
    }


def test_max_credits_message(staff_client):
    response = staff_client.post(
        ACTIVITIES, activity_body(credits=[{"credit_type": "ama-pra-1", "max_credits": "1.10"}]), format="json"
    )

    assert response.json() == {"credits": {"0": {"max_credits": ["Credits must be a multiple of 0.25."]}}}


# --- delete ---------------------------------------------------------------------------------------------


def test_delete_draft_without_records(staff_client, staff):
    activity = make_activity(staff=staff)
    make_session(activity)

    response = staff_client.delete(f"{ACTIVITIES}{activity.id}/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Activity.objects.exists()
    assert Activity.history.filter(id=activity.id, history_type="-").exists()


def test_delete_with_attendance_is_a_conflict(staff_client, staff, clinician):
    from attendance.models import Attendance

    activity = make_published_activity(staff=staff)
    Attendance.objects.create(user=clinician, session=activity.sessions.get(), method="staff")

    response = staff_client.delete(f"{ACTIVITIES}{activity.id}/")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": HAS_RECORDS}
    assert Activity.objects.filter(pk=activity.pk).exists()


# --- catalog ----------------------------------------------------------------------------------------------


def ids(response):
    assert response.status_code == HTTPStatus.OK, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_drafts_hidden_from_the_public(anon_client, clinician_client, staff_client, accreditation_client, staff):
    draft = make_activity(staff=staff, title="Draft")
    published = make_published_activity(staff=staff, title="Published")

    assert ids(anon_client.get(ACTIVITIES)) == [published.id]
    assert ids(clinician_client.get(ACTIVITIES)) == [published.id]
    assert ids(staff_client.get(ACTIVITIES)) == sorted([draft.id, published.id])
    assert ids(accreditation_client.get(ACTIVITIES)) == sorted([draft.id, published.id])
    assert anon_client.get(f"{ACTIVITIES}{draft.id}/").status_code == HTTPStatus.NOT_FOUND
    assert clinician_client.get(f"{sessions_url(draft)}").status_code == HTTPStatus.NOT_FOUND


def test_filter_by_objectives_any_of(anon_client, staff):
    cdm = make_published_activity(staff=staff, objectives=["clinical-decision-making"])
    policy = make_published_activity(staff=staff, objectives=["health-policy", "new-findings"])
    make_published_activity(staff=staff, objectives=["patient-management"])

    assert ids(anon_client.get(ACTIVITIES, {"objective": "health-policy"})) == [policy.id]
    assert ids(anon_client.get(f"{ACTIVITIES}?objective=health-policy&objective=clinical-decision-making")) == sorted(
        [cdm.id, policy.id]
    )
    assert anon_client.get(ACTIVITIES, {"objective": "astrology"}).status_code == HTTPStatus.BAD_REQUEST


def test_filter_by_type_dates_search_status(anon_client, staff):
    soon = make_published_activity(staff=staff, title="Heart failure", starts_in_hours=24)
    later = make_published_activity(staff=staff, title="Stroke", starts_in_hours=24 * 40, activity_type="internet-live")
    enduring = make_enduring_activity(staff=staff, title="Opioid prescribing module")
    today = timezone.localdate()

    assert ids(anon_client.get(ACTIVITIES, {"activity_type": "internet-live"})) == [later.id]
    assert ids(anon_client.get(ACTIVITIES, {"starts_after": str(today + timedelta(days=20))})) == [later.id]
    assert ids(anon_client.get(ACTIVITIES, {"starts_before": str(today + timedelta(days=2))})) == sorted(
        [soon.id, enduring.id]
    )
    assert ids(anon_client.get(ACTIVITIES, {"search": "opioid"})) == [enduring.id]
    assert ids(anon_client.get(ACTIVITIES, {"search": "HEART"})) == [soon.id]
    assert ids(anon_client.get(ACTIVITIES, {"status": "published"})) == sorted([soon.id, later.id, enduring.id])
    assert anon_client.get(ACTIVITIES, {"starts_after": "not-a-date"}).status_code == HTTPStatus.BAD_REQUEST


def test_ordered_by_first_session(anon_client, staff):
    later = make_published_activity(staff=staff, starts_in_hours=24 * 10)
    sooner = make_published_activity(staff=staff, starts_in_hours=24)

    rows = anon_client.get(ACTIVITIES).json()["results"]

    assert [row["id"] for row in rows] == [sooner.id, later.id]


@pytest.mark.parametrize("page_size", [10, 200])
def test_list_query_count_is_constant(anon_client, staff, django_assert_max_num_queries, page_size):
    for index in range(12):
        make_published_activity(staff=staff, sessions=2, starts_in_hours=24 + index)

    with django_assert_max_num_queries(7):
        response = anon_client.get(ACTIVITIES, {"page_size": page_size})

    assert len(response.json()["results"]) == min(page_size, 12)


def test_pagination_shape_and_cap(anon_client, staff):
    make_published_activity(staff=staff)

    body = anon_client.get(ACTIVITIES, {"page_size": 500}).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1


# --- commercial support --------------------------------------------------------------------------------


def test_commercial_support(staff_client, accreditation_client, clinician_client, anon_client, staff):
    activity = make_published_activity(staff=staff)
    url = f"{ACTIVITIES}{activity.id}/commercial-support/"

    created = staff_client.post(url, {"company": "Acme Pharma", "amount": "5000.00", "in_kind": ""}, format="json")
    refused = staff_client.post(url, {"company": "Nothing Inc", "amount": "0"}, format="json")

    assert created.status_code == HTTPStatus.CREATED
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json() == {"amount": ["Give a monetary amount or describe the in-kind support."]}
    rows = accreditation_client.get(url).json()["results"]
    assert [(row["company"], row["amount"]) for row in rows] == [("Acme Pharma", "5000.00")]
    assert accreditation_client.post(url, {"company": "X", "amount": "1"}, format="json").status_code == 403
    assert clinician_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert anon_client.get(url).status_code == HTTPStatus.UNAUTHORIZED


def test_new_user_sees_nothing_private(anon_client, staff):
    from accounts.models import User
    from tests.conftest import client_for

    draft = make_activity(staff=staff)
    user = User.objects.create_user(email="fresh@example.org", password="x", first_name="F", last_name="U")

    assert set(user.groups.values_list("name", flat=True)) == {"clinician"}
    assert client_for(user).get(f"{ACTIVITIES}{draft.id}/").status_code == HTTPStatus.NOT_FOUND
    assert client_for(user).get(f"{ACTIVITIES}{draft.id}/commercial-support/").status_code == HTTPStatus.FORBIDDEN


def test_staff_may_choose_the_provider_activity_id(staff_client):
    first = staff_client.post(ACTIVITIES, activity_body(provider_activity_id="GR-MED-2026"), format="json")
    duplicate = staff_client.post(ACTIVITIES, activity_body(provider_activity_id="GR-MED-2026"), format="json")

    assert first.status_code == HTTPStatus.CREATED
    assert first.json()["provider_activity_id"] == "GR-MED-2026"
    assert duplicate.status_code == HTTPStatus.BAD_REQUEST
    assert "provider_activity_id" in duplicate.json()
    assert Activity.objects.count() == 1
    history = Activity.objects.get().history.order_by("history_id")
    assert [(row.history_type, row.provider_activity_id) for row in history] == [("+", "GR-MED-2026")]


def test_numbered_id_is_in_the_history(staff_client):
    response = staff_client.post(ACTIVITIES, activity_body(), format="json")

    latest = Activity.objects.get().history.first()
    assert latest.provider_activity_id == response.json()["provider_activity_id"]


def test_provider_activity_id_frozen_once_exported(staff_client, staff):
    activity = make_activity(staff=staff)
    Activity.objects.filter(pk=activity.pk).update(pars_exported_at=timezone.now())

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"provider_activity_id": "NEW-ID"}, format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    activity.refresh_from_db()
    assert activity.provider_activity_id != "NEW-ID"


def test_public_catalog_is_cached_but_any_change_shows_at_once(anon_client, staff_client, staff):
    activity = make_published_activity(staff=staff, title="Original title")
    assert anon_client.get(ACTIVITIES).json()["results"][0]["title"] == "Original title"

    staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"title": "New title"}, format="json")
    after_edit = anon_client.get(ACTIVITIES).json()["results"]
    make_session(activity, starts_in_hours=48)
    after_session = anon_client.get(ACTIVITIES).json()["results"]

    assert after_edit[0]["title"] == "New title"
    assert len(after_session[0]["sessions"]) == 2


def test_public_catalog_cache_serves_repeat_pages_without_queries(anon_client, staff, django_assert_num_queries):
    make_published_activity(staff=staff)
    anon_client.get(ACTIVITIES)

    with django_assert_num_queries(0):
        response = anon_client.get(ACTIVITIES)

    assert response.json()["count"] == 1
