"""Role checks for the API. Every view names what it needs; the default is IsAuthenticated."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.roles import Role


def user_has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*roles))


class _RolePermission(BasePermission):
    roles: tuple[str, ...] = ()
    message = "Your role does not allow this."

    def has_permission(self, request, view):
        return user_has_role(request.user, *self.roles)


class IsClinician(_RolePermission):
    roles = (Role.CLINICIAN,)


class IsCmeStaff(_RolePermission):
    roles = (Role.CME_STAFF,)


class IsAccreditation(_RolePermission):
    roles = (Role.ACCREDITATION,)


class IsStaffOrAccreditation(_RolePermission):
    roles = (Role.CME_STAFF, Role.ACCREDITATION)


class StaffWritesAccreditationReads(BasePermission):
    """cme_staff may do anything; accreditation may read."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return user_has_role(request.user, Role.CME_STAFF, Role.ACCREDITATION)
        return user_has_role(request.user, Role.CME_STAFF)


class ReadAnyoneWriteStaff(BasePermission):
    """Anyone may read (the view scopes what they see); only cme_staff may write."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return user_has_role(request.user, Role.CME_STAFF)


def sees_everything(user) -> bool:
    """Staff and accreditation read every learner's records; others see only their own."""
    return user_has_role(user, Role.CME_STAFF, Role.ACCREDITATION)
