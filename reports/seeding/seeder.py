"""The rows of a realistic year of CME data, generated step by step and handed to the Loader."""

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import PHYSICIAN_DEGREES, User
from accounts.roles import Role
from activities.models import (
    AMA_PRA_1,
    PARTICIPATION,
    Activity,
    ActivityType,
    CommercialSupport,
    Competency,
    ContentPerson,
    ContentRole,
    CreditDesignation,
    Disclosure,
    FinancialRelationship,
    Mitigation,
    Objective,
    Session,
)
from activities.services import provider_current
from activities.timezones import add_months, zone
from attendance.models import Attendance, Evaluation, ObjectiveAnswer
from certificates.models import Certificate
from certificates.snapshots import format_day
from claims.models import Claim
from reports.seeding.loader import Loader
from reports.seeding.marks import ACTIVITY_MARK, EMAIL_DOMAIN
from reports.seeding.vocabulary import (
    CHANGES,
    COMPANIES,
    DEGREES,
    DEPARTMENTS,
    FIRST,
    JOINT_PROVIDERS,
    LAST,
    MITIGATION,
    NATURES,
    PLACES,
    SERIES,
    SESSION_DRAW,
    SUBTITLES,
    TOPICS,
    TYPES,
)

CLAIM_SHARE = 0.45  # of the learners of an activity who claim credit
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PLACEHOLDER_PDF = "certificates/seed/placeholder.pdf"
CREDIT_TYPE_NAMES = {AMA_PRA_1: "AMA PRA Category 1 Credit\u2122", PARTICIPATION: "Certificate of participation"}
ACTIVITY_FIELDS = [
    "id", "provider_activity_id", "title", "activity_type_id", "location", "time_zone", "status", "starts_at",
    "ends_at", "available_from", "available_until", "estimated_hours",
    "designed_to_change_competence", "designed_to_change_performance", "designed_to_change_patient_outcomes",
    "evaluated_competence", "evaluated_performance", "evaluated_patient_outcomes", "competencies",
    "jointly_provided", "joint_provider_name", "published_at", "closed_at",
]  # fmt: skip
CLAIM_FIELDS = ["id", "user_id", "activity_id", "credit_type_id", "credits", "credit_date", "attested_completed",
                "created_at", "updated_at"]  # fmt: skip


def weighted(rng: random.Random, choices: list[tuple]) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def parallel_once(sessions) -> Decimal:
    """Credit hours of (hours, group) pairs, each parallel group once (its longest)."""
    total, groups = Decimal(0), {}
    for hours, group in sessions:
        if group:
            groups[group] = max(groups.get(group, Decimal(0)), hours)
        else:
            total += hours
    return total + sum(groups.values(), Decimal(0))


class Seeder:
    """Generates the rows, step by step; each step keeps what the next ones need in plain lists."""

    def __init__(self, *, learners: int, activities: int, attendance: int, seed: int, loader: Loader):
        self.rng = random.Random(seed)  # noqa: S311 - realistic data, not secrets
        self.sizes = {"learners": learners, "activities": activities, "attendance": attendance}
        self.loader = loader
        self.zone_name = provider_current().time_zone
        self.today = timezone.localdate()
        self.window_start = self.today - timedelta(days=365)
        self.objectives = list(Objective.objects.values_list("slug", flat=True))
        self.live_types = set(ActivityType.objects.filter(live=True).values_list("code", flat=True))
        self.claims: list[tuple] = []
        self.next_claim_id = loader.next_id(Claim)

    def run(self) -> None:
        self.learners()
        self.activities()
        self.disclosures()
        self.commercial_support()
        # Ids are read before a COPY starts: the connection runs no other query while it copies.
        self.loader.load(Attendance, ["id", "user_id", "session_id", "method", "checked_in_at", "created_at",
                                      "updated_at"], self.attendance(self.loader.next_id(Attendance)))  # fmt: skip
        self.enduring_claims()
        self.loader.load(Claim, CLAIM_FIELDS, self.claims)
        self.certificates()
        self.evaluations()
        self.loader.finish([User, Activity, Session, CreditDesignation, ContentPerson, Disclosure,
                            FinancialRelationship, ContentRole, Mitigation, CommercialSupport, Attendance, Claim,
                            Certificate, Evaluation, ObjectiveAnswer])  # fmt: skip

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, clock(hour, minute), tzinfo=zone(self.zone_name))

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(zone(self.zone_name)).date()

    def learners(self) -> None:
        rng, first_id = self.rng, self.loader.next_id(User)
        self.user_ids = list(range(first_id, first_id + self.sizes["learners"]))
        self.physician, self.learner_shown = {}, {}
        rows = []
        for index, user_id in enumerate(self.user_ids):
            degree = weighted(rng, DEGREES)
            self.physician[user_id] = degree in PHYSICIAN_DEGREES
            joined = self.loader.now - timedelta(days=rng.randint(400, 2000))
            first, last = rng.choice(FIRST), rng.choice(LAST)
            self.learner_shown[user_id] = (f"{first} {last}", degree)
            rows.append((user_id, "!seeded", f"learner{index:06d}@{EMAIL_DOMAIN}", first, last, degree, joined))
        self.loader.load(User, ["id", "password", "email", "first_name", "last_name", "degree", "date_joined"], rows)
        clinician = Group.objects.get(name=Role.CLINICIAN).pk
        self.loader.load(User.groups.through, ["user_id", "group_id"], ((uid, clinician) for uid in self.user_ids))

    # --- activities and sessions ---------------------------------------------------------------------

    def title(self, code: str, year: int) -> str:
        rng = self.rng
        if code == "rss":
            return f"{rng.choice(DEPARTMENTS)} {rng.choice(SERIES)} {year}"
        return f"{rng.choice(TOPICS)}: {rng.choice(SUBTITLES)} ({rng.choice(DEPARTMENTS)})"[:300]

    def session_plan(self, code: str) -> list[tuple[datetime, int, str]]:
        """(start, minutes, parallel group) of one live activity, all in the last twelve months."""
        rng = self.rng
        if code == "rss":
            count, step = rng.choice([(48, 7), (24, 14), (12, 28)])
            first = self.window_start + timedelta(days=rng.randint(1, 364 - step * (count - 1)))
            hour, minutes = rng.choice([(7, 60), (8, 60), (12, 60), (16, 90)])
            return [(self.at(first + timedelta(days=step * i), hour), minutes, "") for i in range(count)]
        first = self.window_start + timedelta(days=rng.randint(1, 360))
        if code == "internet-live":
            return [(self.at(first + timedelta(days=7 * i), 12), 60, "") for i in range(rng.randint(1, 2))]
        plan = []
        for day in range(rng.randint(1, 3)):
            start = self.at(first + timedelta(days=day), 8)
            for slot in range(rng.randint(2, 4)):
                minutes = rng.choice([60, 90, 120])
                group = f"day{day + 1}-slot{slot + 1}" if rng.random() < 0.2 else ""
                plan += [(start, minutes, group)] * (2 if group else 1)
                start += timedelta(minutes=minutes + 15)
        return plan

    def activities(self) -> None:
        rng, loader = self.rng, self.loader
        first_id, session_id = loader.next_id(Activity), loader.next_id(Session)
        self.activity_rows, self.sessions, self.objectives_of, self.type_of = [], [], {}, {}
        designations, objective_rows = [], []
        for index in range(self.sizes["activities"]):
            activity_id = first_id + index
            code = TYPES[index][0] if index < len(TYPES) else weighted(rng, TYPES)
            self.type_of[activity_id] = code
            sessions = []
            for starts_at, minutes, group in self.session_plan(code) if code in self.live_types else []:
                ends_at = starts_at + timedelta(minutes=minutes)
                sessions.append((session_id, activity_id, starts_at, ends_at, Decimal(minutes) / 60, group))
                session_id += 1
            self.sessions += sessions
            if sessions:
                hours = parallel_once((s[4], s[5]) for s in sessions)
                starts, ends, available = sessions[0][2], max(s[3] for s in sessions), (None, None, None)
            else:
                hours = Decimal(rng.choice(["0.50", "1.00", "1.50", "2.00", "3.00"]))
                opens = self.window_start + timedelta(days=rng.randint(0, 330))
                available = (opens, opens + timedelta(days=rng.randint(90, 365)), hours)
                starts, ends = self.at(available[0], 0), self.at(available[1], 0) + timedelta(days=1)
            objectives = rng.sample(self.objectives, rng.choices([1, 2, 3], weights=[60, 35, 5])[0])
            self.objectives_of[activity_id] = objectives
            objective_rows += [(activity_id, slug) for slug in objectives]
            designations += [(activity_id, AMA_PRA_1, hours), (activity_id, PARTICIPATION, hours)]
            self.activity_rows.append(self.activity_row(activity_id, code, starts, ends, available))
        loader.load(Activity, ACTIVITY_FIELDS, self.activity_rows)
        loader.load(Activity.objectives.through, ["activity_id", "objective_id"], objective_rows)
        loader.load(CreditDesignation, ["activity_id", "credit_type_id", "max_credits"], designations)
        self.designated = {row[0]: row[2] for row in designations}
        codes = self.checkin_codes(len(self.sessions))
        loader.load(
            Session,
            ["id", "activity_id", "starts_at", "ends_at", "credit_hours", "parallel_group", "checkin_code", "title"],
            ((*s, next(codes), f"Breakout {s[5]}" if s[5] else "") for s in self.sessions),
        )

    def activity_row(self, activity_id: int, code: str, starts, ends, available) -> tuple:
        rng = self.rng
        joint = rng.random() < 0.08
        closed = self.local_day(ends) < self.today - timedelta(days=60)
        location = "Internet" if code not in ("rss", "course") else rng.choice(PLACES)
        return (
            activity_id, f"{ACTIVITY_MARK}{activity_id:06d}", self.title(code, self.local_day(starts).year), code,
            location, self.zone_name, "closed" if closed else "published", starts, ends, *available,
            True, rng.random() < 0.4, rng.random() < 0.15, True, rng.random() < 0.3, rng.random() < 0.1,
            rng.sample(Competency.values, rng.randint(1, 3)), joint, rng.choice(JOINT_PROVIDERS) if joint else "",
            starts - timedelta(days=30), ends if closed else None,
        )  # fmt: skip

    def checkin_codes(self, count: int):
        codes = set()
        while len(codes) < count:
            codes.add("".join(self.rng.choices(CHECKIN_ALPHABET, k=6)))
        return iter(codes)

    # --- people in control of content, commercial support -------------------------------------------

    def disclosures(self) -> None:
        rng, loader = self.rng, self.loader
        person_id, disclosure_id = loader.next_id(ContentPerson), loader.next_id(Disclosure)
        relationship_id = loader.next_id(FinancialRelationship)
        people, disclosures, relationships, related = [], [], [], defaultdict(list)
        for index in range(max(20, self.sizes["activities"] // 15)):
            pid = person_id + index
            people.append((pid, f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"faculty{index:05d}@{EMAIL_DOMAIN}",
                           rng.choice(["MD", "DO", "PhD", "PharmD", "NP"])))  # fmt: skip
            companies = rng.sample(COMPANIES, rng.choice([1, 2])) if rng.random() < 0.3 else []
            # Two signed disclosures, twelve months each, cover the whole year of activities.
            for signed_on in (self.window_start - timedelta(days=60), self.window_start + timedelta(days=150)):
                disclosures.append((disclosure_id, pid, signed_on, add_months(signed_on, 12)))
                for company in companies:
                    relationships.append((relationship_id, disclosure_id, company, rng.choice(NATURES)))
                    related[pid].append(relationship_id)
                    relationship_id += 1
                disclosure_id += 1
        roles, mitigations = [], []
        for activity_id, code in self.type_of.items():
            count = 1 + (rng.randint(1, 3) if code in self.live_types else 1)
            chosen = rng.sample(people, count)
            for position, person in enumerate(chosen):
                kind = "planner" if position == 0 else ("faculty" if code in self.live_types else "reviewer")
                roles.append((activity_id, person[0], kind))
                mitigations += [(activity_id, rel, True, MITIGATION) for rel in related[person[0]]]
        loader.load(ContentPerson, ["id", "name", "email", "degree"], people)
        loader.load(Disclosure, ["id", "person_id", "signed_on", "expires_on"], disclosures)
        loader.load(FinancialRelationship, ["id", "disclosure_id", "company", "nature"], relationships)
        loader.load(ContentRole, ["activity_id", "person_id", "role"], roles)
        loader.load(Mitigation, ["activity_id", "relationship_id", "relevant", "mitigation"], mitigations)

    def commercial_support(self) -> None:
        rng, grants = self.rng, []
        for activity_id, code in self.type_of.items():
            if rng.random() < (0.12 if code in ("course", "internet-live") else 0.03):
                for company in rng.sample(COMPANIES, rng.choice([1, 1, 2])):
                    amount = Decimal(rng.randint(2, 100) * 500)
                    in_kind = rng.choice(["", "", "Simulation equipment on loan"])
                    grants.append((activity_id, company, amount, in_kind))
        self.loader.load(CommercialSupport, ["activity_id", "company", "amount", "in_kind"], grants)

    # --- attendance and the claims that follow from it -------------------------------------------------

    def session_quotas(self) -> list[int]:
        """How many learners attend each session: the attendance total shared by randomised weights."""
        weights = [SESSION_DRAW[self.type_of[s[1]]] * self.rng.uniform(0.4, 1.6) for s in self.sessions]
        total, wanted = sum(weights) or 1, self.sizes["attendance"]
        shares = [wanted * w / total for w in weights]
        quotas = [int(share) for share in shares]
        by_remainder = sorted(range(len(shares)), key=lambda i: quotas[i] - shares[i])
        for index in by_remainder[: wanted - sum(quotas)]:
            quotas[index] += 1
        return quotas

    def attendance(self, attendance_id: int):
        """Yield attendance rows activity by activity, recording each activity's claims on the way."""
        rng, quotas = self.rng, self.session_quotas()
        by_activity = defaultdict(list)
        for session, quota in zip(self.sessions, quotas, strict=True):
            by_activity[session[1]].append((session, quota))
        for activity_id, sessions in by_activity.items():
            series = self.type_of[activity_id] == "rss"
            slots = defaultdict(int)  # parallel sessions share one audience
            for session, quota in sessions:
                slots[session[5] or session[0]] += quota
            size = int(max(slots.values()) * (2.0 if series else 1.15)) + 1
            cohort = rng.sample(self.user_ids, min(len(self.user_ids), size))
            attended = defaultdict(list)  # user -> [(hours, group, starts_at)]
            taken = defaultdict(set)  # parallel slot -> users already in one of its sessions
            for (session_id, _, starts_at, _, hours, group), quota in sessions:
                pool = [u for u in cohort if u not in taken[group]] if group else cohort
                for user_id in rng.sample(pool, min(quota, len(pool))):
                    if group:
                        taken[group].add(user_id)
                    attended[user_id].append((hours, group, starts_at))
                    checked_in = starts_at - timedelta(minutes=rng.randint(0, 25))
                    yield (attendance_id, user_id, session_id, rng.choice(["code"] * 8 + ["staff", "import"]),
                           checked_in, checked_in, checked_in)  # fmt: skip
                    attendance_id += 1
            for user_id, visits in attended.items():
                if rng.random() < CLAIM_SHARE:
                    hours = min(parallel_once((h, g) for h, g, _ in visits), self.designated[activity_id])
                    self.add_claim(user_id, activity_id, hours, self.local_day(max(v[2] for v in visits)), False)

    def add_claim(self, user_id: int, activity_id: int, credits: Decimal, credit_date: date, attested: bool) -> None:
        made = min(self.loader.now, self.at(credit_date, 18) + timedelta(days=self.rng.randint(0, 10)))
        credit_type = AMA_PRA_1 if self.physician[user_id] else PARTICIPATION
        self.claims.append((self.next_claim_id, user_id, activity_id, credit_type, credits, credit_date, attested,
                            made, made))  # fmt: skip
        self.next_claim_id += 1

    def enduring_claims(self) -> None:
        rng, yesterday = self.rng, self.today - timedelta(days=1)
        for row in self.activity_rows:
            activity_id, opens, closes, hours = row[0], row[9], row[10], row[11]
            if opens is None or opens > yesterday:
                continue
            last = min(closes, yesterday)
            for user_id in rng.sample(self.user_ids, min(len(self.user_ids), rng.randint(20, 300))):
                day = opens + timedelta(days=rng.randint(0, (last - opens).days))
                self.add_claim(user_id, activity_id, hours, day, True)

    def snapshot(self, claim: tuple, code: str) -> dict:
        """What verification shows of a seeded certificate (a real one freezes every printed value)."""
        claim_id, user_id, activity_id, credit_type, credits, credit_date = claim[:6]
        name, degree = self.learner_shown[user_id]
        return {
            "learner_name": name,
            "learner_degree": degree,
            "activity_title": self.title_of[activity_id],
            "activity_dates": format_day(credit_date),
            "credit_type": credit_type,
            "credit_type_name": CREDIT_TYPE_NAMES[credit_type],
            "credits": f"{credits:.2f}",
            "issue_date": format_day(self.local_day(claim[7])),
            "certificate_number": f"CME-{claim_id:08d}",
            "verification_code": code,
            "seeded": True,
        }

    def certificates(self) -> None:
        rng, codes = self.rng, set()
        self.title_of = {row[0]: row[2] for row in self.activity_rows}
        while len(codes) < len(self.claims):
            codes.add("".join(rng.choices(CROCKFORD, k=16)))
        rows = []
        for claim, code in zip(self.claims, codes, strict=True):
            claim_id, issued = claim[0], claim[7]
            revoked = rng.random() < 0.01
            rows.append((claim_id, "revoked" if revoked else "ready", code, f"CME-{claim_id:08d}", issued,
                         self.snapshot(claim, code), PLACEHOLDER_PDF, 1, issued, issued, issued if revoked else None,
                         "Issued in error (seeded)" if revoked else "", issued, issued))  # fmt: skip
        self.loader.load(
            Certificate,
            ["claim_id", "status", "verification_code", "number", "issued_at", "snapshot", "pdf", "attempts",
             "queued_at", "rendered_at", "revoked_at", "revoke_reason", "created_at", "updated_at"],
            rows,
        )  # fmt: skip

    def evaluations(self) -> None:
        """Everyone who claimed evaluated the activity first (evaluation is required by default)."""
        rng, evaluation_id = self.rng, self.loader.next_id(Evaluation)
        evaluations, answers = [], []
        for claim in self.claims:
            _, user_id, activity_id, *_, made, _ = claim
            rating = rng.choices([1, 2, 3, 4, 5], weights=[2, 3, 10, 40, 45])[0]
            change = rng.choice(CHANGES) if rng.random() < 0.4 else ""
            evaluations.append((evaluation_id, user_id, activity_id, rating, change, rng.random() < 0.03, made, made))
            answers += [(evaluation_id, slug, rng.random() < 0.9) for slug in self.objectives_of[activity_id]]
            evaluation_id += 1
        self.loader.load(Evaluation, ["id", "user_id", "activity_id", "overall_rating", "practice_change",
                                      "commercial_bias", "created_at", "updated_at"], evaluations)  # fmt: skip
        self.loader.load(ObjectiveAnswer, ["evaluation_id", "objective_id", "met"], answers)
