"""Every uploaded file is capped while it streams in (cme.uploads), the admin's images included."""

import io
from http import HTTPStatus

import pytest
from django.test import Client

from activities.models import Provider
from attendance.models import Attendance
from tests.factories import make_published_activity, staff_user

pytestmark = pytest.mark.django_db
CAP = 4096


@pytest.fixture
def small_cap(settings):
    settings.FILE_UPLOAD_MAX_BYTES = CAP
    return CAP


def named(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_settings_put_the_cap_first():
    from django.conf import settings

    assert settings.FILE_UPLOAD_HANDLERS[0] == "cme.uploads.SizeCappedUploadHandler"
    assert settings.FILE_UPLOAD_MAX_BYTES >= 5 * 1024 * 1024, "above the import's own, better-worded limit"


def test_an_api_upload_over_the_cap_is_refused_and_nothing_written(small_cap, staff_client):
    activity = make_published_activity()
    roster = b"email,session\n" + b"x@example.org,1\n" * (CAP // 16 + 1)

    response = staff_client.post(f"/api/v1/activities/{activity.pk}/attendance/import/",
                                 {"file": named(roster, "roster.csv")}, format="multipart")  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": "Bad request."}
    assert not Attendance.objects.exists()


def test_an_upload_under_the_cap_reaches_the_view(small_cap, staff_client):
    activity = make_published_activity()

    response = staff_client.post(f"/api/v1/activities/{activity.pk}/attendance/import/?dry_run=1",
                                 {"file": named(b"email,session\n", "roster.csv")}, format="multipart")  # fmt: skip

    # The import's own rule answers (an empty roster), not the cap.
    assert response.json() == {"file": ["The file has no attendance rows."]}


def test_the_admin_signature_image_over_the_cap_is_refused(small_cap):
    from activities.services import provider_current

    provider = provider_current()
    before = Provider.objects.values().get(pk=provider.pk)
    client = Client()
    client.force_login(staff_user(is_staff=True, is_superuser=True))

    response = client.post(
        f"/admin/activities/provider/{provider.pk}/change/",
        {**{k: v for k, v in before.items() if isinstance(v, str)},
         "director_signature": named(b"\x89PNG\r\n\x1a\n" + b"\0" * CAP, "signature.png")},
    )  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Provider.objects.values().get(pk=provider.pk) == before
