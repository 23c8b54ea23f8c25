"""Roles given by signals: every new user is a clinician; staff roles get their model permissions.

The role groups come from a data migration (accounts 0002); the permissions come from Django's own
post_migrate handler, app by app. `role_permissions_grant` runs after it for each app, adds what
the roles need and never removes anything, so it is safe to run any number of times.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.models import HistoricalChanges

from accounts.roles import ALL_ROLES, Role

STAFF_APPS = ("activities", "attendance", "claims", "certificates", "reports")
# Learner records are kept at least six years (ACCME retention): staff correct them, never delete them.
RECORD_APPS = ("attendance", "claims", "certificates")
# Both roles look people up (the admin's user pickers, the accreditation reports); CME staff also
# add people and correct their profiles and roles in the admin (accounts/admin.py limits what they set).
ACCOUNT_PERMISSIONS = {Role.CME_STAFF: ("add_user", "change_user", "view_user"), Role.ACCREDITATION: ("view_user",)}


def _codenames_for(app_config) -> dict[str, set[str]]:
    """The permission codenames each role gets on the models of one app."""
    wanted = {Role.CME_STAFF: set(), Role.ACCREDITATION: set()}
    if app_config.label == "accounts":
        for role in wanted:
            wanted[role].update(ACCOUNT_PERMISSIONS[role])
        return wanted
    if app_config.label not in STAFF_APPS:
        return wanted
    for model in app_config.get_models():
        if issubclass(model, HistoricalChanges):  # the audit trail is read, never written
            actions = ("view",)
        elif app_config.label in RECORD_APPS:
            actions = ("add", "change", "view")
        else:
            actions = ("add", "change", "delete", "view")
        wanted[Role.CME_STAFF].update(get_permission_codename(action, model._meta) for action in actions)
        wanted[Role.ACCREDITATION].add(get_permission_codename("view", model._meta))
    return wanted


def role_permissions_grant(sender, app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate: give cme_staff and accreditation their permissions on `app_config`'s models."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # migrating backwards past auth
        return
    if app_config.label == "accounts":  # the roles exist even after a test database flush
        for role in ALL_ROLES:
            Group.objects.using(using).get_or_create(name=role)
    wanted = _codenames_for(app_config)
    if not any(wanted.values()):
        return
    groups = {group.name: group for group in Group.objects.using(using).filter(name__in=list(wanted))}
    for role, codenames in wanted.items():
        if role not in groups or not codenames:
            continue
        permissions = Permission.objects.using(using).filter(
            content_type__app_label=app_config.label, codename__in=codenames
        )
        groups[role].permissions.add(*permissions)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_clinician_grant")
def user_clinician_grant(sender, instance, created, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_save: every user is a clinician, however created (registration, admin, createsuperuser, shell).

    Fixtures (`raw`) carry their own groups; before the roles' migration there is no group to add.
    """
    if not created or raw:
        return
    Group = global_apps.get_model("auth", "Group")
    clinician = Group.objects.using(using).filter(name=Role.CLINICIAN).first()
    if clinician is not None:
        instance.groups.add(clinician)
