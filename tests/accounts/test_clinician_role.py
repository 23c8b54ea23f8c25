"""Every user is a clinician however the account was made: manager, createsuperuser, the admin."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def group_names(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_a_user_made_by_the_model_manager_is_only_a_clinician():
    user = User.objects.create_user(email="new@example.org", password="x", first_name="N", last_name="U")

    assert group_names(user) == {Role.CLINICIAN}
    assert User.objects.get(pk=user.pk).roles == {Role.CLINICIAN}


def test_a_user_saved_directly_is_a_clinician():
    user = User(email="direct@example.org", first_name="D", last_name="U")
    user.save()

    assert group_names(user) == {Role.CLINICIAN}


def test_createsuperuser_makes_a_clinician_member():
    call_command("createsuperuser", "--noinput", "--email", "root@example.org", "--first_name", "R", "--last_name", "A")

    assert group_names(User.objects.get(email="root@example.org")) == {Role.CLINICIAN}


def test_saving_an_existing_user_adds_no_group_again():
    user = User.objects.create_user(email="moved@example.org", password="x", first_name="M", last_name="U")
    user.groups.clear()

    user.first_name = "Moved"
    user.save()

    assert group_names(user) == set()


def test_a_user_added_in_the_admin_is_a_clinician(client):
    admin = User.objects.create_superuser(email="root@example.org", password="x", first_name="R", last_name="A")
    client.force_login(admin)
    form = {
        "email": "added@example.org",
        "first_name": "Added",
        "last_name": "InAdmin",
        "degree": "RN",
        "usable_password": "true",
        "password1": "a-long-enough-passphrase-42",
        "password2": "a-long-enough-passphrase-42",
    }

    response = client.post(reverse("admin:accounts_user_add"), form)

    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["errors"]
    added = User.objects.get(email="added@example.org")
    assert group_names(added) == {Role.CLINICIAN}
    assert added.roles == {Role.CLINICIAN}
    assert not added.is_staff


def test_without_the_role_groups_a_user_is_still_created():
    Group.objects.filter(name=Role.CLINICIAN).delete()

    user = User.objects.create_user(email="early@example.org", password="x", first_name="E", last_name="U")

    assert group_names(user) == set()
