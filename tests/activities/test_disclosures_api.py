"""The disclosures API: people in control of content, their disclosures and mitigations."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from tests.activities.helpers import ACTIVITIES
from tests.factories import make_activity, make_disclosed_person, make_published_activity

pytestmark = pytest.mark.django_db


def disclosures_url(activity):
    return f"{ACTIVITIES}{activity.id}/disclosures/"


def test_staff_adds_a_person_with_disclosure_and_mitigation(staff_client, staff):
    activity = make_activity(staff=staff)
    today = timezone.localdate()

    response = staff_client.post(
        disclosures_url(activity),
        {
            "name": "Dr. Jane Roe", "email": "roe@example.org", "degree": "MD", "role": "faculty",
            "disclosure": {"signed_on": str(today), "relationships": [
                {"company": "Acme Pharma", "nature": "consultant"}, {"company": "Beta Devices", "nature": "speaker"}]},
            "mitigations": [
                {"company": "Acme Pharma", "relevant": True, "mitigation": "Slides peer reviewed"},
                {"company": "beta devices", "relevant": False},
            ],
        },
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert body["status"] == "complete"
    assert body["person"]["name"] == "Dr. Jane Roe"
    assert body["disclosure"]["expires_on"] == str(today.replace(year=today.year + 1))
    assert [(r["company"], r["relevant"], r["mitigation"]) for r in body["relationships"]] == [
        ("Acme Pharma", True, "Slides peer reviewed"),
        ("Beta Devices", False, ""),
    ]


def test_relevant_relationship_needs_a_mitigation(staff_client, staff):
    activity = make_activity(staff=staff)

    response = staff_client.post(
        disclosures_url(activity),
        {"name": "Dr. X", "role": "planner",
         "disclosure": {"signed_on": str(timezone.localdate()), "relationships": [{"company": "Acme",
                                                                                   "nature": "advisor"}]},
         "mitigations": [{"company": "Acme", "relevant": True, "mitigation": ""}]},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"mitigation": ["Describe how this relevant relationship was mitigated."]}
    assert not activity.content_roles.exists()


def test_learners_see_the_summary_staff_see_everything(anon_client, staff_client, accreditation_client, staff):
    activity = make_published_activity(staff=staff)
    make_disclosed_person(activity, name="Dr. Conflicted", relationships=[("Acme Pharma", "speaker")])

    public = anon_client.get(disclosures_url(activity)).json()["results"]
    full = staff_client.get(disclosures_url(activity)).json()["results"]

    conflicted = {
        "name": "Dr. Conflicted",
        "role": "faculty",
        "relationships": [{"company": "Acme Pharma", "nature": "speaker"}],
        "statement": "All relevant financial relationships have been mitigated.",
    }
    unconflicted = {
        "name": "Dr. Faculty Member",
        "role": "faculty",
        "relationships": [],
        "statement": "Has no relevant financial relationships with ineligible companies.",
    }
    assert public == [conflicted, unconflicted]
    assert [entry["status"] for entry in full] == ["complete", "complete"]
    assert full[0]["relationships"][0]["mitigation"] == "Content peer reviewed for bias."
    assert accreditation_client.get(disclosures_url(activity)).json()["results"] == full


def test_record_mitigation_later(staff_client, staff):
    from activities.services import activity_disclosure_add

    activity = make_activity(staff=staff)
    role = activity_disclosure_add(
        activity=activity, added_by=staff, role="reviewer", day=timezone.localdate(), name="Dr. Later",
        disclosure={"signed_on": timezone.localdate(), "relationships": [{"company": "Gamma", "nature": "grants"}]},
    )  # fmt: skip
    relationship = role.person.disclosures.get().relationships.get()

    response = staff_client.patch(
        f"{disclosures_url(activity)}{role.id}/",
        {"mitigations": [{"relationship": relationship.id, "relevant": True, "mitigation": "Recused from topic"}]},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "complete"


def test_expiring_disclosures(staff_client, staff):
    activity = make_activity(staff=staff)
    soon = make_disclosed_person(activity, name="Dr. Soon")
    make_disclosed_person(activity, name="Dr. Fresh")
    soon.person.disclosures.update(
        signed_on=timezone.localdate() - timedelta(days=350), expires_on=timezone.localdate() + timedelta(days=10)
    )

    default = staff_client.get("/api/v1/disclosures/expiring/").json()["results"]
    narrow = staff_client.get("/api/v1/disclosures/expiring/", {"days": 5}).json()["results"]

    assert [row["person"]["name"] for row in default] == ["Dr. Soon"]
    assert default[0]["activities"] == [activity.id]
    assert narrow == []
    assert staff_client.get("/api/v1/disclosures/expiring/", {"days": "x"}).status_code == HTTPStatus.BAD_REQUEST


def test_people_and_their_disclosures(staff_client):
    person = staff_client.post("/api/v1/people/", {"name": "Dr. Person", "email": "p@example.org"}, format="json")
    assert person.status_code == HTTPStatus.CREATED

    disclosure = staff_client.post(
        f"/api/v1/people/{person.json()['id']}/disclosures/",
        {"signed_on": "2026-02-28", "relationships": []},
        format="json",
    )

    assert disclosure.status_code == HTTPStatus.CREATED
    assert disclosure.json() == {
        "id": disclosure.json()["id"],
        "signed_on": "2026-02-28",
        "expires_on": "2027-02-28",
        "relationships": [],
    }
    bad = staff_client.post(
        f"/api/v1/people/{person.json()['id']}/disclosures/",
        {"signed_on": "2026-02-28", "relationships": [{"company": "Acme", "nature": "friend"}]},
        format="json",
    )
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "relationships" in bad.json()
