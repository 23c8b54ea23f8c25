"""Staff build and publish a grand rounds series and an enduring module through the API alone."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def disclose(staff_client, activity_id: int, name: str, role: str) -> None:
    response = staff_client.post(
        f"/api/v1/activities/{activity_id}/disclosures/",
        {
            "name": name,
            "role": role,
            "disclosure": {
                "signed_on": str(timezone.localdate()),
                "relationships": [{"company": "Northwind Pharma", "nature": "advisor"}],
            },
            "mitigations": [{"company": "Northwind Pharma", "relevant": True, "mitigation": "Peer review of slides"}],
        },
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()


def test_grand_rounds_series_and_enduring_module_found_by_objective(staff_client, anon_client):
    series = staff_client.post(
        "/api/v1/activities/",
        {"title": "Medicine Grand Rounds", "activity_type": "rss", "objectives": ["patient-management"],
         "location": "Riverside Auditorium", "credits": [{"credit_type": "ama-pra-1", "max_credits": "4.00"}]},
        format="json",
    ).json()  # fmt: skip
    first_tuesday = timezone.localdate() + timedelta(days=7)
    for week in range(4):
        day = first_tuesday + timedelta(weeks=week)
        response = staff_client.post(
            f"/api/v1/activities/{series['id']}/sessions/",
            {"title": f"Week {week + 1}", "starts_at": f"{day}T12:00", "ends_at": f"{day}T13:00"},
            format="json",
        )
        assert response.json()["credit_hours"] == "1.00"
    disclose(staff_client, series["id"], "Dr. Planner", "planner")

    module = staff_client.post(
        "/api/v1/activities/",
        {"title": "Safe opioid prescribing (online)", "activity_type": "internet-enduring",
         "objectives": ["health-policy"], "location": "Internet", "estimated_hours": "1.50",
         "available_from": str(timezone.localdate()), "available_until": str(timezone.localdate() + timedelta(365)),
         "post_test_passing_score": 80, "credits": [{"credit_type": "ama-pra-1", "max_credits": "1.50"}]},
        format="json",
    ).json()  # fmt: skip
    disclose(staff_client, module["id"], "Dr. Author", "faculty")

    for activity in (series, module):
        published = staff_client.post(f"/api/v1/activities/{activity['id']}/publish/")
        assert published.status_code == HTTPStatus.OK, published.json()

    found = anon_client.get("/api/v1/activities/?objective=patient-management&objective=health-policy").json()
    assert sorted(row["title"] for row in found["results"]) == [
        "Medicine Grand Rounds",
        "Safe opioid prescribing (online)",
    ]
    summary = anon_client.get(f"/api/v1/activities/{module['id']}/disclosures/").json()["results"]
    assert summary == [
        {
            "name": "Dr. Author",
            "role": "faculty",
            "relationships": [{"company": "Northwind Pharma", "nature": "advisor"}],
            "statement": "All relevant financial relationships have been mitigated.",
        }
    ]
