"""Demo accounts and a realistic catalog for a newcomer's first run (idempotent)."""

from accounts import services as account_services
from accounts.models import User
from accounts.roles import Role

# A demo password for a local demo database only; never used in production data.
DEMO_PASSWORD = "demo-cme-2026"  # noqa: S105
DEMO_ACCOUNTS = [
    ("clinician@demo.cme.test", "Maya", "Okafor", "MD", [Role.CLINICIAN]),
    ("nurse@demo.cme.test", "Lukas", "Brandt", "NP", [Role.CLINICIAN]),
    ("staff@demo.cme.test", "Sofia", "Reyes", "other", [Role.CLINICIAN, Role.CME_STAFF]),
    ("accreditation@demo.cme.test", "Henry", "Walsh", "PhD", [Role.CLINICIAN, Role.ACCREDITATION]),
]


def _demo_user(email, first_name, last_name, degree, roles) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name, degree=degree
        )
    for role in roles:
        account_services.role_grant(user=user, role=role)
    return user


def demo_data_load() -> str:
    users = [_demo_user(*account) for account in DEMO_ACCOUNTS]
    return f"{len(users)} demo accounts"
