"""Credit claims: the five rules of DOMAIN.md, late-claim exceptions, faculty credit, corrections."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.credits import credit_hours_counting_parallel_once, validate_credit_amount
from activities.models import AMA_PRA_1, PARTICIPATION, Activity, ActivityStatus, CreditType, Session
from activities.timezones import local_date, today_in
from attendance.models import Evaluation
from attendance.services import enduring_available_on
from claims.models import Claim, ClaimKind, LateClaimException
from cme.exceptions import Conflict

NOT_OFFERED = "This activity does not offer {credit_type}."
PHYSICIANS_ONLY = (
    "AMA PRA Category 1 Credit\u2122 is for physicians (MD, DO or an equivalent international degree); "
    "claim a certificate of participation instead."
)
NOT_ATTENDED = "You have no recorded attendance at this activity's sessions."
ATTEST_REQUIRED = "Attest that you completed the activity (attest_completed: true)."
OUTSIDE_WINDOW = "Completion can only be attested while the activity is available ({start} to {end})."
SCORE_REQUIRED = "Enter your post-test score."
SCORE_TOO_LOW = "A post-test score of at least {passing} is needed to claim credit."
ABOVE_MAXIMUM = "At most {maximum} credits can be claimed for this activity."
ABOVE_ATTENDED = "The sessions you attended allow at most {hours} credits."
EVALUATION_MISSING = "Complete the activity's evaluation before claiming credit."
DEADLINE_PASSED = "The claim deadline ({deadline}) has passed."
ALREADY_CLAIMED = "You have already claimed credit for this activity."
NOT_CLAIMABLE = "Credit cannot be claimed for this activity."
FACULTY_ALREADY = "This presenter already has faculty credit for this session."
FACULTY_SESSION = "The session does not belong to this activity."
FACULTY_CLAIMED_AS_LEARNER = (
    "This presenter's learner claim already counts this session; correct that claim before awarding faculty credit."
)
FACULTY_NO_HOURS = "This session carries no credit hours."
FACULTY_ABOVE_MAXIMUM = "Faculty credit for this session is at most {maximum} credits (two per hour presented)."
FACULTY_CREDITS_PER_HOUR = Decimal(2)


def presented_session_ids(*, user, activity: Activity) -> set[int]:
    return set(
        Claim.objects.filter(user=user, activity=activity, kind=ClaimKind.FACULTY).values_list("session_id", flat=True)
    )


def attended_credit_hours(*, user, activity: Activity, excluding: set[int] = frozenset()) -> Decimal:
    """Credit hours of the sessions the learner attended, parallel sessions once, presented ones not at all."""
    presented = presented_session_ids(user=user, activity=activity) | set(excluding)
    sessions = Session.objects.filter(activity=activity, attendances__user=user).exclude(pk__in=presented)
    return credit_hours_counting_parallel_once(sessions)


def credit_date_for(*, user, activity: Activity, session: Session | None = None) -> date:
    """The day the credit was earned: the (last attended) session's date, or completion day for enduring."""
    if session is not None:
        return local_date(session.starts_at, activity.time_zone)
    if not activity.activity_type.live:
        return today_in(activity.time_zone)
    last = Session.objects.filter(activity=activity, attendances__user=user).order_by("-starts_at").first()
    return local_date(last.starts_at, activity.time_zone) if last else today_in(activity.time_zone)


def late_exception_active(*, user, activity: Activity, today: date) -> bool:
    return LateClaimException.objects.filter(user=user, activity=activity, expires__gte=today).exists()


def _check_credit_type(*, user, activity: Activity, credit_type: str) -> Decimal:
    designation = activity.designations.filter(credit_type_id=credit_type).select_related("credit_type").first()
    if designation is None:
        raise ValidationError({"credit_type": NOT_OFFERED.format(credit_type=credit_type)})
    if designation.credit_type.physicians_only and not user.is_physician:
        raise ValidationError({"credit_type": PHYSICIANS_ONLY})
    return designation.max_credits


def _check_completion(*, user, activity: Activity, attest_completed: bool, post_test_score, today: date) -> None:
    if activity.activity_type.live:
        if attended_credit_hours(user=user, activity=activity) <= 0:
            raise ValidationError({"activity": NOT_ATTENDED})
        return
    if not attest_completed:
        raise ValidationError({"attest_completed": ATTEST_REQUIRED})
    if not enduring_available_on(activity=activity, day=today):
        raise ValidationError(
            {"attest_completed": OUTSIDE_WINDOW.format(start=activity.available_from, end=activity.available_until)}
        )
    passing = activity.post_test_passing_score
    if passing is not None:
        if post_test_score is None:
            raise ValidationError({"post_test_score": SCORE_REQUIRED})
        if post_test_score < passing:
            raise ValidationError({"post_test_score": SCORE_TOO_LOW.format(passing=passing)})


def _check_amount(*, user, activity: Activity, credits: Decimal, maximum: Decimal) -> None:
    try:
        validate_credit_amount(credits)
    except ValidationError as error:
        raise ValidationError({"credits": error.messages}) from error
    if credits > maximum:
        raise ValidationError({"credits": ABOVE_MAXIMUM.format(maximum=maximum)})
    if activity.activity_type.live:
        hours = attended_credit_hours(user=user, activity=activity)
        if credits > hours:
            raise ValidationError({"credits": ABOVE_ATTENDED.format(hours=hours)})


def faculty_credit_maximum(session: Session) -> Decimal:
    return session.credit_hours * FACULTY_CREDITS_PER_HOUR


def _check_faculty_amount(*, claim: Claim, credits: Decimal) -> None:
    """Faculty credit follows its own rules, not the activity's designations (see faculty_credit_award).

    Its credit type was chosen by degree (AMA for physicians, participation otherwise), whatever the
    activity offers to learners, so only the physicians-only rule is checked again; the amount is a
    positive multiple of 0.25 and at most two credits per hour of the session presented.
    """
    if claim.credit_type.physicians_only and not claim.user.is_physician:
        raise ValidationError({"credit_type": PHYSICIANS_ONLY})
    try:
        validate_credit_amount(credits)
    except ValidationError as error:
        raise ValidationError({"credits": error.messages}) from error
    maximum = faculty_credit_maximum(claim.session)
    if credits > maximum:
        raise ValidationError({"credits": FACULTY_ABOVE_MAXIMUM.format(maximum=maximum)})


def _check_deadline(*, user, activity: Activity, today: date) -> None:
    deadline = activity.claim_deadline
    if deadline and today > deadline and not late_exception_active(user=user, activity=activity, today=today):
        raise ValidationError({"claim_deadline": DEADLINE_PASSED.format(deadline=deadline)})


def claim_check(
    *, user, activity: Activity, credit_type: str, credits: Decimal, attest_completed=False, post_test_score=None
) -> None:
    """Every rule a claim must meet, in DOMAIN.md's order; the first broken rule is raised by name."""
    if activity.status not in (ActivityStatus.PUBLISHED, ActivityStatus.CLOSED):
        raise ValidationError({"activity": NOT_CLAIMABLE})
    today = today_in(activity.time_zone)
    maximum = _check_credit_type(user=user, activity=activity, credit_type=credit_type)
    _check_completion(
        user=user, activity=activity, attest_completed=attest_completed, post_test_score=post_test_score, today=today
    )
    _check_amount(user=user, activity=activity, credits=credits, maximum=maximum)
    if activity.evaluation_required and not Evaluation.objects.filter(user=user, activity=activity).exists():
        raise ValidationError({"evaluation": EVALUATION_MISSING})
    _check_deadline(user=user, activity=activity, today=today)


def _insert_claim(claim: Claim, *, conflict_message: str, actor) -> Claim:
    """Insert; the unique constraint settles two identical claims at the same moment (one wins)."""
    from certificates.services import certificate_issue

    claim._history_user = actor
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as error:
        raise Conflict(conflict_message, code="duplicate_claim") from error
    certificate_issue(claim=claim, requested_by=actor)
    return claim


@transaction.atomic
def claim_submit(
    *, user, activity: Activity, credit_type: str, credits: Decimal, attest_completed=False, post_test_score=None
) -> Claim:
    """Accept a learner's claim and issue its certificate (rendered by a worker after commit)."""
    if Claim.objects.filter(user=user, activity=activity, kind=ClaimKind.LEARNER).exists():
        raise Conflict(ALREADY_CLAIMED, code="duplicate_claim")
    claim_check(
        user=user,
        activity=activity,
        credit_type=credit_type,
        credits=credits,
        attest_completed=attest_completed,
        post_test_score=post_test_score,
    )
    claim = Claim(
        user=user,
        activity=activity,
        credit_type_id=credit_type,
        credits=credits,
        kind=ClaimKind.LEARNER,
        credit_date=credit_date_for(user=user, activity=activity),
        attested_completed=bool(attest_completed) and not activity.activity_type.live,
        post_test_score=post_test_score,
        created_by=user,
    )
    return _insert_claim(claim, conflict_message=ALREADY_CLAIMED, actor=user)


@transaction.atomic
def claim_correct(*, claim: Claim, credits: Decimal, reason: str, corrected_by) -> Claim:
    """Staff correct a claim's credits within the rules; the certificate is issued anew."""
    from certificates.services import certificate_reissue

    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("activity__activity_type", "user", "credit_type", "session")
        .get(pk=claim.pk)
    )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the correction."})
    if claim.kind == ClaimKind.FACULTY:
        _check_faculty_amount(claim=claim, credits=credits)
    else:
        maximum = _check_credit_type(user=claim.user, activity=claim.activity, credit_type=claim.credit_type_id)
        _check_amount(user=claim.user, activity=claim.activity, credits=credits, maximum=maximum)
    claim.credits = credits
    claim._history_user = corrected_by
    claim._change_reason = reason.strip()
    claim.save(update_fields=["credits", "updated_at"])
    certificate_reissue(
        certificate=claim.certificate, reason=f"Credits corrected: {reason.strip()}", requested_by=corrected_by
    )
    return claim


@transaction.atomic
def late_claim_grant(*, activity: Activity, user, reason: str, expires: date, granted_by) -> LateClaimException:
    """Let one learner claim after the deadline, until `expires` (kept in the history)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the exception."})
    if expires < today_in(activity.time_zone):
        raise ValidationError({"expires": "The exception must expire today or later."})
    exception = LateClaimException(
        activity=activity, user=user, reason=reason.strip(), expires=expires, granted_by=granted_by
    )
    exception._history_user = granted_by
    exception.save()
    return exception


@transaction.atomic
def faculty_credit_award(*, activity: Activity, user, session: Session, awarded_by) -> Claim:
    """Two credits per hour presented, as AMA credit for physicians, participation for others."""
    if session.activity_id != activity.pk:
        raise ValidationError({"session": FACULTY_SESSION})
    if activity.status not in (ActivityStatus.PUBLISHED, ActivityStatus.CLOSED):
        raise ValidationError({"activity": NOT_CLAIMABLE})
    if session.credit_hours <= 0:
        raise ValidationError({"session": FACULTY_NO_HOURS})
    if Claim.objects.filter(user=user, session=session, kind=ClaimKind.FACULTY).exists():
        raise Conflict(FACULTY_ALREADY, code="duplicate_claim")
    learner_claim = Claim.objects.filter(user=user, activity=activity, kind=ClaimKind.LEARNER).first()
    if learner_claim and learner_claim.credits > attended_credit_hours(
        user=user, activity=activity, excluding={session.pk}
    ):
        raise ValidationError({"session": FACULTY_CLAIMED_AS_LEARNER})
    credit_type = AMA_PRA_1 if user.is_physician else PARTICIPATION
    CreditType.objects.get(slug=credit_type)
    claim = Claim(
        user=user,
        activity=activity,
        credit_type_id=credit_type,
        credits=faculty_credit_maximum(session),
        kind=ClaimKind.FACULTY,
        session=session,
        credit_date=credit_date_for(user=user, activity=activity, session=session),
        created_by=awarded_by,
    )
    return _insert_claim(claim, conflict_message=FACULTY_ALREADY, actor=awarded_by)
