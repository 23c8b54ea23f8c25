from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return body["results"]


def test_objectives_are_the_four_categories(anon_client):
    rows = results(anon_client.get("/api/v1/objectives/"))

    assert [row["slug"] for row in rows] == [
        "clinical-decision-making",
        "patient-management",
        "new-findings",
        "health-policy",
    ]
    assert rows[0] == {
        "slug": "clinical-decision-making",
        "name": "Improve clinical decision making",
        "description": "Learners make better diagnostic and therapeutic decisions in practice.",
    }


def test_credit_types(anon_client):
    assert results(anon_client.get("/api/v1/credit-types/")) == [
        {"slug": "ama-pra-1", "name": "AMA PRA Category 1 Credit\u2122", "physicians_only": True},
        {"slug": "participation", "name": "Certificate of participation", "physicians_only": False},
    ]


def test_activity_types_follow_pars_and_the_first_three_are_live(anon_client):
    rows = results(anon_client.get("/api/v1/activity-types/"))

    assert len(rows) == 13
    assert [row["code"] for row in rows if row["live"]] == ["course", "rss", "internet-live"]
    assert {row["pars_code"] for row in rows} >= {"C", "RSS", "IL", "EM", "IEM", "JN", "MR", "TIW", "CML",
                                                  "PI", "IPOC", "LFT"}  # fmt: skip


def test_renewal_topics(anon_client):
    slugs = [row["slug"] for row in results(anon_client.get("/api/v1/renewal-topics/"))]

    assert slugs == ["risk-management", "opioid-pain", "implicit-bias", "end-of-life", "ehr", "alzheimers",
                     "child-abuse", "domestic-violence"]  # fmt: skip


def test_reference_data_ignores_bad_credentials(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Token bogus")

    assert anon_client.get("/api/v1/objectives/").status_code == HTTPStatus.OK
