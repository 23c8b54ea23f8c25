import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_roles_command_grants_and_revokes(capsys):
    UserFactory(email="stella@example.org")

    call_command("roles", "grant", "STELLA@example.org", "cme_staff")
    assert User.objects.get().roles == {"clinician", "cme_staff"}
    assert User.objects.get().is_staff

    call_command("roles", "revoke", "stella@example.org", "cme_staff")
    user = User.objects.get()
    assert user.roles == {"clinician"}
    assert not user.is_staff
    assert "stella@example.org: clinician" in capsys.readouterr().out


def test_roles_command_unknown_user():
    with pytest.raises(CommandError, match="No user with email"):
        call_command("roles", "grant", "ghost@example.org", "cme_staff")


def test_createsuperuser_with_email():
    call_command(
        "createsuperuser", "--noinput", "--email", "root@example.org", "--first_name", "Root", "--last_name", "Admin"
    )

    admin = User.objects.get(email="root@example.org")
    assert admin.is_superuser
    assert admin.roles == {"clinician", "cme_staff", "accreditation"}
