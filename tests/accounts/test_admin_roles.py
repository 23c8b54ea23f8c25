"""CME staff manage people in the admin: profiles and roles, never superusers, never deletion."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    """Signed in to the admin as CME staff given the role the way the service gives it."""
    staff = UserFactory(email="sofia@example.org")
    role_grant(user=staff, role=Role.CME_STAFF)
    client.force_login(staff)
    return client


def change_form(user: User, **changes) -> dict:
    form = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "degree": user.degree,
        "npi": user.npi or "",
        "specialty": user.specialty,
        "license_state": user.license_state,
        "license_expires": user.license_expires or "",
        "is_active": "on" if user.is_active else "",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value != ""}


def group_ids(*names: str) -> list[int]:
    from django.contrib.auth.models import Group

    return list(Group.objects.filter(name__in=names).values_list("pk", flat=True))


def test_staff_grant_and_remove_roles_and_admin_access_follows(staff_client):
    person = UserFactory(email="new.planner@example.org")
    url = reverse("admin:accounts_user_change", args=[person.pk])

    granted = staff_client.post(url, change_form(person, groups=group_ids("cme_staff")))
    person = User.objects.get(pk=person.pk)
    assert granted.status_code == HTTPStatus.FOUND, granted.content.decode()[:2000]
    assert granted["Location"] == reverse("admin:accounts_user_changelist")
    assert person.roles == {"clinician", "cme_staff"}  # clinician kept although not ticked
    assert person.is_staff

    # Now an account that opens the admin: only a superuser changes it (no staff takeover).
    refused = staff_client.post(url, change_form(person, groups=group_ids("clinician")))
    assert refused.status_code == HTTPStatus.FORBIDDEN
    root = User.objects.create_superuser(email="root@example.org", password="x", first_name="R", last_name="T")
    staff_client.force_login(root)
    removed = staff_client.post(url, change_form(person, groups=group_ids("clinician")))
    person = User.objects.get(pk=person.pk)
    assert removed.status_code == HTTPStatus.FOUND
    assert person.roles == {"clinician"}
    assert not person.is_staff


def test_staff_cannot_make_a_superuser_or_give_admin_access_without_a_role(staff_client):
    person = UserFactory(email="someone@example.org")
    url = reverse("admin:accounts_user_change", args=[person.pk])

    response = staff_client.post(url, change_form(person, is_superuser="on", is_staff="on"))

    person = User.objects.get(pk=person.pk)
    assert response.status_code == HTTPStatus.FOUND
    assert not person.is_superuser
    assert not person.is_staff


def test_staff_cannot_take_over_another_member_of_staff(staff_client):
    colleague = UserFactory(email="colleague@example.org", first_name="Col")
    role_grant(user=colleague, role=Role.CME_STAFF)
    clinician = UserFactory(email="clinician@example.org")

    edit = staff_client.post(
        reverse("admin:accounts_user_change", args=[colleague.pk]), change_form(colleague, email="evil@example.org")
    )
    password = staff_client.post(
        reverse("admin:auth_user_password_change", args=[clinician.pk]),
        {"password1": "a-long-enough-passphrase-42", "password2": "a-long-enough-passphrase-42"},
    )

    assert edit.status_code == HTTPStatus.FORBIDDEN
    assert password.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.get(pk=colleague.pk).email == "colleague@example.org"
    assert not User.objects.get(pk=clinician.pk).check_password("a-long-enough-passphrase-42")


def test_staff_cannot_change_a_superuser_nor_delete_anyone(staff_client):
    root = User.objects.create_superuser(email="root@example.org", password="x", first_name="R", last_name="T")
    person = UserFactory(email="someone@example.org")

    assert staff_client.get(reverse("admin:accounts_user_change", args=[root.pk])).status_code == HTTPStatus.OK
    assert (
        staff_client.post(
            reverse("admin:accounts_user_change", args=[root.pk]), change_form(root, first_name="Mallory")
        ).status_code
        == HTTPStatus.FORBIDDEN
    )
    assert staff_client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]), {"password1": "x" * 20, "password2": "x" * 20}
    ).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert staff_client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"}).status_code == (
        HTTPStatus.FORBIDDEN
    )
    root.refresh_from_db()
    assert root.first_name == "R"
    assert root.check_password("x")
    assert User.objects.filter(pk=person.pk).exists()


def test_staff_add_a_person_who_is_a_clinician(staff_client):
    form = {
        "email": "added@example.org",
        "first_name": "Added",
        "last_name": "Person",
        "degree": "RN",
        "password1": "a-long-enough-passphrase-42",
        "password2": "a-long-enough-passphrase-42",
    }

    response = staff_client.post(reverse("admin:accounts_user_add"), form)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert User.objects.get(email="added@example.org").roles == {"clinician"}


def test_the_role_picker_offers_only_the_three_roles(staff_client):
    person = UserFactory()

    page = staff_client.get(reverse("admin:accounts_user_change", args=[person.pk]))

    field = page.context["adminform"].form.fields["groups"]
    assert sorted(field.queryset.values_list("name", flat=True)) == ["accreditation", "clinician", "cme_staff"]
