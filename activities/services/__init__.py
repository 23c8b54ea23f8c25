"""Writes and state changes of the catalog. Views, pages, admin and commands all call these."""

from activities.services.activities import (
    activity_close,
    activity_create,
    activity_delete,
    activity_designation_locked,
    activity_has_records,
    activity_publication_problems,
    activity_publish,
    activity_refresh_dates,
    activity_rollover,
    activity_update,
)
from activities.services.disclosures import (
    activity_disclosure_add,
    activity_disclosure_problems,
    commercial_support_add,
    content_person_create,
    content_role_assign,
    content_role_remove,
    disclosure_record,
    mitigation_record,
    role_mitigations_record,
)
from activities.services.provider import provider_current
from activities.services.sessions import checkin_code_generate, session_create, session_delete, session_update

__all__ = [
    "activity_close",
    "activity_create",
    "activity_delete",
    "activity_designation_locked",
    "activity_disclosure_add",
    "activity_disclosure_problems",
    "activity_has_records",
    "activity_publication_problems",
    "activity_publish",
    "activity_refresh_dates",
    "activity_rollover",
    "activity_update",
    "checkin_code_generate",
    "commercial_support_add",
    "content_person_create",
    "content_role_assign",
    "content_role_remove",
    "disclosure_record",
    "mitigation_record",
    "provider_current",
    "role_mitigations_record",
    "session_create",
    "session_delete",
    "session_update",
]
