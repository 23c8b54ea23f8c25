"""Seeding shared by the benchmarks: activities through the project's services, learners in bulk.

Call after `harness.setup_django(...)`. Activities, sessions and disclosures go through the services
(tests.factories); learners, tokens, attendance and evaluations are written with bulk_create, as a
roster import would leave them, because thousands of them through the services take minutes.
"""

import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import Role
from attendance.models import Attendance, CheckInMethod, Evaluation, ObjectiveAnswer

FIRST = ["Maya", "Lukas", "Sofia", "Henry", "Aisha", "Wei", "Zoë", "Łukasz", "Αλέξανδρος", "Дмитрий", "Priya", "Omar", "Elena", "James", "Fatima", "Ana"]  # fmt: skip
LAST = ["Okafor", "Brandt", "Reyes", "Walsh", "Khan", "Zhang", "Wójcik", "Nowak", "Παπαδόπουλος", "Иванов", "Patel", "Haddad", "Ruiz", "O'Brien", "Silva"]  # fmt: skip
DEGREES = ["MD"] * 6 + ["DO", "NP", "PA", "RN"]  # about 70 % physicians
BATCH = 2_000


def learners_create(count: int, *, prefix: str, seed: int = 1, degrees=DEGREES) -> list[tuple[User, str]]:
    """`count` clinicians with API tokens: [(user, token key)]."""
    rng = random.Random(seed)
    password = make_password(None)  # unusable: these learners sign in with their token
    users = [
        User(
            email=f"{prefix}-{index}@bench.cme.test",
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            degree=rng.choice(degrees),
            password=password,
        )
        for index in range(count)
    ]
    with transaction.atomic():
        users = User.objects.bulk_create(users, batch_size=BATCH)
        clinician = Group.objects.get(name=Role.CLINICIAN)
        through = User.groups.through
        through.objects.bulk_create([through(user_id=u.pk, group_id=clinician.pk) for u in users], batch_size=BATCH)
        tokens = [Token(key=Token.generate_key(), user=u) for u in users]
        Token.objects.bulk_create(tokens, batch_size=BATCH)
    return [(user, token.key) for user, token in zip(users, tokens, strict=True)]


def open_activity(*, title: str, minutes: int = 120, sessions: int = 1, evaluation_required: bool = True):
    """A published live activity (through the services) whose first session started 15 minutes ago."""
    from tests.factories import make_published_activity

    return make_published_activity(
        title=title,
        starts_in_hours=-0.25,
        minutes=minutes,
        sessions=sessions,
        evaluation_required=evaluation_required,
        objectives=("clinical-decision-making", "patient-management"),
    )


def attendance_create(users: list[User], session) -> None:
    Attendance.objects.bulk_create(
        [Attendance(user=user, session=session, method=CheckInMethod.STAFF) for user in users], batch_size=BATCH
    )


def evaluations_create(users: list[User], activity) -> None:
    """Each learner's evaluation, every objective met (what claims need when evaluation is required)."""
    objectives = list(activity.objectives.values_list("slug", flat=True))
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(user=user, activity=activity, overall_rating=4, commercial_bias=False, practice_change="More")
            for user in users
        ],
        batch_size=BATCH,
    )
    ObjectiveAnswer.objects.bulk_create(
        [ObjectiveAnswer(evaluation=e, objective_id=slug, met=True) for e in evaluations for slug in objectives],
        batch_size=BATCH,
    )


def claimable(count: int, *, prefix: str, title: str, seed: int = 1):
    """`count` learners who attended and evaluated one open activity: [(user, token)], the activity, credits."""
    activity = open_activity(title=title)
    session = activity.sessions.get()
    learners = learners_create(count, prefix=prefix, seed=seed)
    users = [user for user, _ in learners]
    attendance_create(users, session)
    evaluations_create(users, activity)
    return learners, activity, Decimal(session.credit_hours)


def credit_type_for(user: User) -> str:
    return "ama-pra-1" if user.is_physician else "participation"


def bare_seed(database_url: str, count: int) -> list[str]:
    """Learners and tokens in the bare project's database (raw SQL: this process runs the service's settings)."""
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        start = connection.execute("SELECT coalesce(max(id), 0) FROM bare_learner").fetchone()[0]
        connection.execute(
            "INSERT INTO bare_learner (id, name) SELECT g, 'Learner ' || g FROM generate_series(%s::bigint, %s::bigint) g",
            (start + 1, start + count),
        )
        keys = [Token.generate_key() for _ in range(count)]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bare_accesstoken (key, learner_id) VALUES (%s, %s)",
                [(key, start + 1 + index) for index, key in enumerate(keys)],
            )
    return keys


TOPICS = ["Sepsis", "Heart Failure", "Opioid Stewardship", "Stroke", "Diabetes", "Palliative Care", "Atrial Fibrillation", "Dementia"]  # fmt: skip
LIVE_TYPES = ["rss", "course", "internet-live"]
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def catalog_bulk(*, learners: int, activities: int, attendance: int, seed: int = 1) -> None:
    """A published catalog written with bulk_create (when `manage.py seed_scale` is not available).

    Live activities of the past year with one to three sessions, their objectives and AMA and
    participation designations, learners and attendance rows. No claims: the benchmark's own pools
    (made through the services) hold the certificates.
    """
    from datetime import timedelta

    from django.utils import timezone

    from activities.models import Activity, CreditDesignation, Session

    rng = random.Random(seed)
    now = timezone.now()
    users = [user for user, _ in learners_create(learners, prefix="catalog", seed=seed)]
    rows = []
    for index in range(activities):
        starts = now - timedelta(days=rng.randint(1, 360), hours=rng.randint(0, 10))
        rows.append(Activity(
            provider_activity_id=f"BENCH-{index + 1:06d}", title=f"{rng.choice(TOPICS)}: an update {index + 1}",
            description="Evidence and practice.", activity_type_id=rng.choice(LIVE_TYPES), location="Boston, MA",
            time_zone="America/New_York", status="published", starts_at=starts, published_at=starts,
        ))  # fmt: skip
    with transaction.atomic():
        created = Activity.objects.bulk_create(rows, batch_size=BATCH)
        through = Activity.objectives.through
        objectives = ["clinical-decision-making", "patient-management", "new-findings", "health-policy"]
        through.objects.bulk_create(
            [through(activity_id=a.pk, objective_id=slug) for a in created for slug in rng.sample(objectives, 2)]
        )
        sessions, codes = [], set()
        for activity in created:
            for number in range(rng.randint(1, 3)):
                code = "".join(rng.choices(CODE_ALPHABET, k=6))
                while code in codes:
                    code = "".join(rng.choices(CODE_ALPHABET, k=6))
                codes.add(code)
                starts = activity.starts_at + timedelta(days=7 * number)
                sessions.append(Session(activity=activity, starts_at=starts, ends_at=starts + timedelta(hours=1),
                                        credit_hours=Decimal("1.00"), checkin_code=code))  # fmt: skip
        sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
        hours = {}
        for session in sessions:
            hours[session.activity_id] = hours.get(session.activity_id, 0) + 1
        CreditDesignation.objects.bulk_create(
            [CreditDesignation(activity_id=a.pk, credit_type_id=slug, max_credits=Decimal(hours[a.pk]))
             for a in created for slug in ("ama-pra-1", "participation")]
        )  # fmt: skip
        pairs = set()
        while len(pairs) < min(attendance, len(users) * len(sessions)):
            pairs.add((rng.randrange(len(users)), rng.randrange(len(sessions))))
        Attendance.objects.bulk_create(
            [Attendance(user=users[u], session=sessions[s], method=CheckInMethod.IMPORT) for u, s in pairs],
            batch_size=5_000,
        )
