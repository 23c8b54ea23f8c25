import pytest
from celery.contrib.django.task import DjangoTask
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

pytest_plugins = ["tests.worker"]


def pytest_configure(config):
    # Hashing a password the production way takes half a second; tests create hundreds of users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes files in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_messages_without_a_worker(request, monkeypatch):
    """Tests without a worker send no task messages: the queue stays clean for the tests that have one.

    The on-commit hooks are still registered, so tests can count what would be sent; a session
    worker never renders rows that a test is about to truncate.
    """
    if "celery_worker" in request.fixturenames:
        return
    monkeypatch.setattr(DjangoTask, "delay", lambda task, *args, **kwargs: None)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached objects start empty in every test (only this worker's keys)."""
    redis_client = cache._cache.get_client(write=True) if hasattr(cache, "_cache") else None
    if redis_client is None:
        cache.clear()
    else:
        keys = list(redis_client.scan_iter(f"{cache.key_prefix}:*"))
        if keys:
            redis_client.delete(*keys)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def clinician(db):
    return factories.UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org")


@pytest.fixture
def other_clinician(db):
    return factories.UserFactory(first_name="Grace", last_name="Hopper", email="grace@example.org")


@pytest.fixture
def nurse(db):
    return factories.UserFactory(first_name="Florence", last_name="Nightingale", degree="NP")


@pytest.fixture
def staff(db):
    return factories.staff_user(first_name="Stella", last_name="Staff", email="staff@example.org")


@pytest.fixture
def accreditor(db):
    return factories.accreditation_user(first_name="Arthur", last_name="Auditor", email="audit@example.org")


@pytest.fixture
def clinician_client(clinician):
    return client_for(clinician)


@pytest.fixture
def other_client(other_clinician):
    return client_for(other_clinician)


@pytest.fixture
def nurse_client(nurse):
    return client_for(nurse)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def accreditation_client(accreditor):
    return client_for(accreditor)
