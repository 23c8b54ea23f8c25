"""How seeded rows are marked, so that they are found and removed exactly."""

# ruff: noqa: S608 - reset SQL is built from table names and constants, never input

from django.db import connection, transaction

from accounts.models import User
from activities.models import Activity, ContentPerson, Disclosure, FinancialRelationship, Session
from attendance.models import Evaluation
from certificates.models import Certificate
from claims.models import Claim

ACTIVITY_MARK = "SEED-"
EMAIL_DOMAIN = "seed.cme.test"


def seeded_data_exists() -> bool:
    return (
        Activity.objects.filter(provider_activity_id__startswith=ACTIVITY_MARK).exists()
        or User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()
    )


def reset_seeded() -> None:
    """Delete every seeded row in foreign-key order with plain SQL: no signals, no history rows."""
    table = {model.__name__: model._meta.db_table for model in (
        Activity, User, Session, Claim, Certificate, Evaluation, ContentPerson, Disclosure, FinancialRelationship,
    )}  # fmt: skip
    activities = f"SELECT id FROM {table['Activity']} WHERE provider_activity_id LIKE '{ACTIVITY_MARK}%%'"
    users = f"SELECT id FROM {table['User']} WHERE email LIKE '%%@{EMAIL_DOMAIN}'"
    people = f"SELECT id FROM {table['ContentPerson']} WHERE email LIKE '%%@{EMAIL_DOMAIN}'"
    claims = f"SELECT id FROM {table['Claim']} WHERE activity_id IN ({activities}) OR user_id IN ({users})"
    evaluations = f"SELECT id FROM {table['Evaluation']} WHERE activity_id IN ({activities}) OR user_id IN ({users})"
    sessions = f"SELECT id FROM {table['Session']} WHERE activity_id IN ({activities})"
    relationships = (
        f"SELECT r.id FROM {table['FinancialRelationship']} r JOIN {table['Disclosure']} d "
        f"ON d.id = r.disclosure_id WHERE d.person_id IN ({people})"
    )
    by_activity = sorted({m.remote_field.through._meta.db_table for m in Activity._meta.many_to_many})
    by_activity += ["activities_commercialsupport", "activities_creditdesignation", table["Session"]]
    statements = [
        "DELETE FROM certificates_certificateversion WHERE certificate_id IN "
        f"(SELECT id FROM {table['Certificate']} WHERE claim_id IN ({claims}))",
        f"DELETE FROM {table['Certificate']} WHERE claim_id IN ({claims})",
        f"DELETE FROM certificates_certificateexport WHERE activity_id IN ({activities})",
        f"DELETE FROM reports_report WHERE activity_id IN ({activities})",
        f"DELETE FROM claims_lateclaimexception WHERE activity_id IN ({activities}) OR user_id IN ({users})",
        f"DELETE FROM attendance_objectiveanswer WHERE evaluation_id IN ({evaluations})",
        f"DELETE FROM {table['Evaluation']} WHERE id IN ({evaluations})",
        f"DELETE FROM {table['Claim']} WHERE id IN ({claims})",
        f"DELETE FROM attendance_attendance WHERE session_id IN ({sessions}) OR user_id IN ({users})",
        f"DELETE FROM activities_mitigation WHERE activity_id IN ({activities}) "
        f"OR relationship_id IN ({relationships})",
        f"DELETE FROM activities_contentrole WHERE activity_id IN ({activities}) OR person_id IN ({people})",
        *[f"DELETE FROM {name} WHERE activity_id IN ({activities})" for name in by_activity],
        f"DELETE FROM {table['Activity']} WHERE id IN ({activities})",
        f"DELETE FROM {table['FinancialRelationship']} WHERE id IN ({relationships})",
        f"DELETE FROM {table['Disclosure']} WHERE person_id IN ({people})",
        f"DELETE FROM {table['ContentPerson']} WHERE id IN ({people})",
        *[f"DELETE FROM {name} WHERE user_id IN ({users})"
          for name in ("authtoken_token", "accounts_user_groups", "accounts_user_user_permissions")],
        f"DELETE FROM {table['User']} WHERE id IN ({users})",
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [])
