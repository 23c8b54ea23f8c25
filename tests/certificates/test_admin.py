"""A superuser correcting a learner's name in the Django admin issues new certificate versions too."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, CertificateStatus
from tests.factories import UserFactory, make_claim

pytestmark = pytest.mark.django_db


def change_form(user, **changes) -> dict:
    """The admin's user change form as the browser posts it, with `changes` applied."""
    joined = user.date_joined
    values = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "degree": user.degree,
        "npi": user.npi,
        "specialty": user.specialty,
        "license_state": user.license_state,
        "license_expires": "",
        "is_active": "on",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    values.update(changes)
    return values


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    return client


def test_a_name_corrected_in_the_admin_issues_a_new_version(
    superuser_client, clinician, django_capture_on_commit_callbacks
):
    certificate = make_claim(clinician).certificate
    services.certificate_render(certificate_id=certificate.pk, version=1)
    url = reverse("admin:accounts_user_change", args=[clinician.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = superuser_client.post(url, change_form(clinician, last_name="King"))

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    clinician.refresh_from_db()
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert clinician.last_name == "King"
    assert (certificate.version, certificate.status) == (2, CertificateStatus.PENDING)
    assert certificate.snapshot["learner_name"] == "Ada King"
    earlier = certificate.versions.get()
    assert (earlier.version, earlier.supersede_reason) == (1, "Name corrected to Ada King")
    assert earlier.superseded_by.email == "root@example.org"
    assert [callback.__qualname__ for callback in callbacks] == [
        f"send certificates.render_certificate({certificate.pk}, 2)"
    ]


def test_other_admin_changes_do_not_reissue(superuser_client, clinician):
    certificate = make_claim(clinician).certificate
    url = reverse("admin:accounts_user_change", args=[clinician.pk])

    response = superuser_client.post(url, change_form(clinician, specialty="Cardiology", is_staff="on"))

    assert response.status_code == HTTPStatus.FOUND
    clinician.refresh_from_db()
    assert (clinician.specialty, clinician.is_staff) == ("Cardiology", True)
    assert Certificate.objects.get(pk=certificate.pk).version == 1
