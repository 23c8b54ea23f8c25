"""Who may open a page. Same roles as the API: clinicians learn, staff write, accreditation reads.

Anonymous visitors are sent to the login page (and come back afterwards); a signed-in user without
the role gets 403. Accreditation sees the staff pages but every write (any POST) is refused, except
requesting reports, which API.md gives them too.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.permissions import user_has_role
from accounts.roles import Role

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ROLE_REFUSED = "Your role does not allow this page."


def _page_for(*, read: tuple[str, ...], write: tuple[str, ...]):
    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            roles = read if request.method in READ_METHODS else write
            if not user_has_role(request.user, *roles):
                raise PermissionDenied(ROLE_REFUSED)
            return view(request, *args, **kwargs)

        return guarded

    return decorator


STAFF_ROLES = (Role.CME_STAFF, Role.ACCREDITATION)

signed_in_page = _page_for(read=tuple(Role.values), write=tuple(Role.values))
clinician_page = _page_for(read=(Role.CLINICIAN,), write=(Role.CLINICIAN,))
# The staff area: staff and accreditation read; only staff write.
staff_page = _page_for(read=STAFF_ROLES, write=(Role.CME_STAFF,))
# Pages that exist only to write (create, edit, import, revoke): staff only, even to look at.
staff_write_page = _page_for(read=(Role.CME_STAFF,), write=(Role.CME_STAFF,))
# Reports: staff and accreditation both request and download them (API.md, Reports).
report_page = _page_for(read=STAFF_ROLES, write=STAFF_ROLES)


def can_write_staff(user) -> bool:
    return user_has_role(user, Role.CME_STAFF)
