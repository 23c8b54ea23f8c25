"""Audit trail: who changed what and when is visible in the admin; learner records are never deleted."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from accounts.services import role_grant
from attendance.models import Attendance
from claims.services import claim_correct
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_staff(client, staff):
    role_grant(user=staff, role="cme_staff")
    client.force_login(staff)
    return client


def test_claim_history_shows_who_and_why(admin_client_for_staff, staff, clinician):
    claim = make_claim(clinician, credits="2.00")
    claim_correct(claim=claim, credits=Decimal("1.50"), reason="Left after the first hour", corrected_by=staff)

    page = admin_client_for_staff.get(f"/admin/claims/claim/{claim.pk}/history/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Left after the first hour" in html
    assert "staff@example.org" in html or "Stella" in html


@pytest.mark.parametrize(
    "model_path", ["attendance/attendance", "claims/claim", "certificates/certificate", "claims/lateclaimexception"]
)
def test_learner_records_cannot_be_deleted_in_the_admin(admin_client_for_staff, clinician, model_path):
    claim = make_claim(clinician)
    ids = {
        "attendance/attendance": Attendance.objects.first().pk,
        "claims/claim": claim.pk,
        "certificates/certificate": claim.certificate.pk,
        "claims/lateclaimexception": None,
    }
    changelist = admin_client_for_staff.get(f"/admin/{model_path}/")

    assert changelist.status_code == 200
    assert b"delete_selected" not in changelist.content
    if ids[model_path]:
        assert admin_client_for_staff.post(f"/admin/{model_path}/{ids[model_path]}/delete/").status_code == 403


def test_even_a_superuser_cannot_delete_a_claim(client, clinician):
    root = get_user_model().objects.create_superuser(email="root@example.org", password="x", first_name="R",
                                                     last_name="T")  # fmt: skip
    client.force_login(root)
    claim = make_claim(clinician)

    response = client.post(f"/admin/claims/claim/{claim.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert claim.__class__.objects.filter(pk=claim.pk).exists()
