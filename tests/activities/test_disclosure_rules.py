"""Disclosure writes follow the activity's status (ACCME standard 3: relevance decided and mitigation
recorded before the person takes the role), their history is kept, and learners are never told
"no relevant relationships" about relationships nobody has judged."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from activities.models import ActivityStatus, ContentPerson, ContentRole, Disclosure, Mitigation
from activities.selectors import NO_DISCLOSURE, UNDER_REVIEW
from activities.services import activity_close, disclosure_record
from activities.services.disclosures import (
    CLOSED_ACTIVITY,
    LAST_ROLE,
    NO_VALID_DISCLOSURE,
    NOT_REVIEWED,
    ROLE_LOCKED,
)
from tests.activities.helpers import ACTIVITIES
from tests.factories import make_activity, make_disclosed_person, make_published_activity

pytestmark = pytest.mark.django_db


def disclosures_url(activity):
    return f"{ACTIVITIES}{activity.id}/disclosures/"


def new_faculty(*, relationships=(), mitigations=None, signed_on=None) -> dict:
    body = {
        "name": "Dr. Late Addition",
        "role": "faculty",
        "disclosure": {
            "signed_on": str(signed_on or timezone.localdate()),
            "relationships": [{"company": company, "nature": "consultant"} for company in relationships],
        },
    }
    if mitigations is not None:
        body["mitigations"] = mitigations
    return body


# --- adding a role ------------------------------------------------------------------------------------


def test_a_published_activity_refuses_a_person_with_unreviewed_relationships(staff_client, staff):
    activity = make_published_activity(staff=staff)
    before = list(ContentRole.objects.values_list("pk", flat=True))

    response = staff_client.post(disclosures_url(activity), new_faculty(relationships=["Acme"]), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"mitigations": [NOT_REVIEWED.format(name="Dr. Late Addition", company="Acme")]}
    assert list(ContentRole.objects.values_list("pk", flat=True)) == before
    assert not ContentPerson.objects.filter(name="Dr. Late Addition").exists()
    assert not Disclosure.objects.filter(person__name="Dr. Late Addition").exists()


def test_a_published_activity_refuses_a_known_person_without_a_valid_disclosure(staff_client, staff):
    activity = make_published_activity(staff=staff)
    person = ContentPerson.objects.create(name="Dr. Lapsed")
    disclosure_record(person=person, signed_on=timezone.localdate() - timedelta(days=400), relationships=[])

    response = staff_client.post(disclosures_url(activity), {"person": person.id, "role": "reviewer"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"disclosures": [NO_VALID_DISCLOSURE.format(name="Dr. Lapsed", day=timezone.localdate())]}
    assert not person.roles.exists()


def test_a_published_activity_takes_a_person_whose_relationships_are_mitigated_in_the_same_step(
    staff_client, staff, anon_client
):
    activity = make_published_activity(staff=staff)
    body = new_faculty(
        relationships=["Acme"], mitigations=[{"company": "Acme", "relevant": True, "mitigation": "Peer reviewed"}]
    )

    response = staff_client.post(disclosures_url(activity), body, format="json")

    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["status"] == "complete"
    public = anon_client.get(disclosures_url(activity)).json()["results"]
    assert public[1] == {  # after "Dr. Faculty Member", by name
        "name": "Dr. Late Addition",
        "role": "faculty",
        "relationships": [{"company": "Acme", "nature": "consultant"}],
        "statement": "All relevant financial relationships have been mitigated.",
    }


def test_a_draft_takes_anyone_and_publishing_checks_them(staff_client, staff):
    activity = make_activity(staff=staff)

    response = staff_client.post(disclosures_url(activity), new_faculty(relationships=["Acme"]), format="json")

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["status"] == "needs-review"


def test_a_closed_activity_takes_nobody(staff_client, staff):
    activity = make_published_activity(staff=staff)
    activity_close(activity=activity, closed_by=staff)

    response = staff_client.post(disclosures_url(activity), new_faculty(), format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": CLOSED_ACTIVITY}
    assert not ContentPerson.objects.filter(name="Dr. Late Addition").exists()


# --- what learners see -----------------------------------------------------------------------------------


def test_learners_see_a_new_unreviewed_disclosure_as_under_review(anon_client, staff):
    activity = make_published_activity(staff=staff)
    role = activity.content_roles.get()
    # The person signs a new disclosure after publishing, with a relationship nobody has judged yet.
    disclosure_record(
        person=role.person,
        signed_on=timezone.localdate(),
        relationships=[{"company": "Acme", "nature": "speaker"}, {"company": "Beta", "nature": "advisor"}],
    )

    public = anon_client.get(disclosures_url(activity)).json()["results"]

    assert public == [
        {
            "name": "Dr. Faculty Member",
            "role": "faculty",
            "relationships": [{"company": "Acme", "nature": "speaker"}, {"company": "Beta", "nature": "advisor"}],
            "statement": UNDER_REVIEW,
        }
    ]


def test_learners_see_an_expired_disclosure_as_pending(anon_client, staff):
    activity = make_published_activity(staff=staff)
    Disclosure.objects.update(expires_on=timezone.localdate() - timedelta(days=1))

    public = anon_client.get(disclosures_url(activity)).json()["results"]

    assert public == [{"name": "Dr. Faculty Member", "role": "faculty", "relationships": [],
                       "statement": NO_DISCLOSURE}]  # fmt: skip


# --- removing a role ------------------------------------------------------------------------------------


def role_url(role):
    return f"{disclosures_url(role.activity)}{role.id}/"


def test_a_draft_loses_a_role_and_the_history_says_who(staff_client, staff):
    activity = make_activity(staff=staff)
    role = make_disclosed_person(activity)

    response = staff_client.delete(role_url(role))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not ContentRole.objects.filter(pk=role.pk).exists()
    removal = ContentRole.history.get(id=role.pk, history_type="-")
    assert removal.history_user == staff


def test_a_published_activity_not_begun_loses_a_role_but_keeps_one(staff_client, staff):
    activity = make_published_activity(staff=staff)
    first = activity.content_roles.get()
    second = make_disclosed_person(activity, name="Dr. Second", role="planner")

    assert staff_client.delete(role_url(second)).status_code == HTTPStatus.NO_CONTENT
    last = staff_client.delete(role_url(first))

    assert last.status_code == HTTPStatus.CONFLICT
    assert last.json() == {"detail": LAST_ROLE}
    assert list(activity.content_roles.values_list("pk", flat=True)) == [first.pk]


def test_after_the_start_a_role_is_removed_only_as_a_correction(staff_client, staff):
    activity = make_published_activity(staff=staff, starts_in_hours=-1)
    make_disclosed_person(activity, name="Dr. Second", role="planner")
    role = activity.content_roles.get(person__name="Dr. Second")

    refused = staff_client.delete(role_url(role))
    corrected = staff_client.delete(role_url(role), {"correction_reason": "Added to the wrong activity"}, format="json")

    assert refused.status_code == HTTPStatus.CONFLICT
    assert refused.json() == {"detail": ROLE_LOCKED}
    assert corrected.status_code == HTTPStatus.NO_CONTENT
    removal = ContentRole.history.get(id=role.pk, history_type="-")
    assert (removal.history_user, removal.history_change_reason) == (staff, "Added to the wrong activity")


def test_a_closed_activity_keeps_its_roles(staff_client, staff):
    activity = make_published_activity(staff=staff)
    make_disclosed_person(activity, name="Dr. Second", role="planner")
    activity_close(activity=activity, closed_by=staff)
    role = activity.content_roles.get(person__name="Dr. Second")

    response = staff_client.delete(role_url(role), {"correction_reason": "tidy up"}, format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": CLOSED_ACTIVITY}
    assert activity.content_roles.count() == 2
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED


# --- history ---------------------------------------------------------------------------------------------


def test_disclosures_mitigations_and_roles_keep_their_history(staff_client, staff):
    activity = make_activity(staff=staff)
    body = new_faculty(relationships=["Acme"], mitigations=[{"company": "Acme", "relevant": False}])
    role_id = staff_client.post(disclosures_url(activity), body, format="json").json()["id"]
    staff_client.patch(
        f"{disclosures_url(activity)}{role_id}/",
        {"mitigations": [{"company": "Acme", "relevant": True, "mitigation": "Recused"}]},
        format="json",
    )

    role = ContentRole.objects.get(pk=role_id)
    disclosure = role.person.disclosures.get()
    mitigation = Mitigation.objects.get(activity=activity)
    assert [(h.history_type, h.history_user) for h in ContentRole.history.filter(id=role_id)] == [("+", staff)]
    assert [(h.history_type, h.history_user) for h in disclosure.history.all()] == [("+", staff)]
    assert [(h.relevant, h.mitigation, h.history_user) for h in mitigation.history.order_by("history_date")] == [
        (False, "", staff),
        (True, "Recused", staff),
    ]


# --- expiring disclosures --------------------------------------------------------------------------------


def expire_in(role, days: int) -> None:
    role.person.disclosures.update(
        signed_on=timezone.localdate() - timedelta(days=365 - days), expires_on=timezone.localdate() + timedelta(days)
    )


def test_expiring_leaves_out_replaced_disclosures_and_people_without_a_current_role(staff_client, staff):
    current = make_activity(staff=staff, title="Current")
    closed = make_published_activity(staff=staff, title="Closed")
    activity_close(activity=closed, closed_by=staff)
    due = make_disclosed_person(current, name="Dr. Due")
    replaced = make_disclosed_person(current, name="Dr. Replaced")
    done = closed.content_roles.get()  # "Dr. Faculty Member", only in a closed activity
    for role in (due, replaced, done):
        expire_in(role, 10)
    disclosure_record(person=replaced.person, signed_on=timezone.localdate(), relationships=[])
    roleless = ContentPerson.objects.create(name="Dr. No Role")
    disclosure_record(person=roleless, signed_on=timezone.localdate() - timedelta(days=360), relationships=[])

    rows = staff_client.get("/api/v1/disclosures/expiring/").json()["results"]

    assert [(row["person"]["name"], row["activities"]) for row in rows] == [("Dr. Due", [current.id])]


def test_expiring_lists_only_the_current_activities_of_a_person(staff_client, staff):
    current = make_activity(staff=staff, title="Current")
    closed = make_published_activity(staff=staff, title="Closed")
    activity_close(activity=closed, closed_by=staff)
    ContentRole.objects.create(activity=current, person=closed.content_roles.get().person, role="planner")
    expire_in(closed.content_roles.get(), 5)

    rows = staff_client.get("/api/v1/disclosures/expiring/").json()["results"]

    assert [(row["person"]["name"], row["activities"]) for row in rows] == [("Dr. Faculty Member", [current.id])]


def test_rollover_carries_the_roles_over_in_their_history(staff_client, staff):
    series = make_activity(staff=staff, activity_type="rss", title="Medicine Grand Rounds 2026")
    make_disclosed_person(series, name="Dr. Planner", role="planner")

    successor_id = staff_client.post(f"{ACTIVITIES}{series.id}/rollover/").json()["id"]

    role = ContentRole.objects.get(activity_id=successor_id)
    record = role.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        staff,
        f"Rolled over from {series.provider_activity_id}",
    )
