"""Shapes of the catalog API. Serializers validate shape; services decide the rules."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.permissions import user_has_role
from accounts.roles import Role
from activities.credits import credit_hours_counting_parallel_once, validate_credit_amount, validate_credit_hours
from activities.models import (
    Activity,
    ActivityType,
    CommercialSupport,
    Competency,
    CreditType,
    Objective,
    RenewalTopic,
    Session,
)
from activities.timezones import validate_time_zone, zone


class ChoiceSlugField(serializers.SlugRelatedField):
    """A slug of reference data; an unknown one is refused with the choices in the message."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except self.get_queryset().model.DoesNotExist:
            choices = ", ".join(self.get_queryset().values_list(self.slug_field, flat=True))
            raise serializers.ValidationError(f"Unknown value {data!r}; choose from: {choices}.") from None


class DesignationSerializer(serializers.Serializer):
    credit_type = serializers.SlugRelatedField(slug_field="slug", queryset=CreditType.objects.all())
    max_credits = serializers.DecimalField(max_digits=5, decimal_places=2, validators=[validate_credit_amount])

    def to_representation(self, designation):
        return {"credit_type": designation.credit_type_id, "max_credits": f"{designation.max_credits:.2f}"}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return {"credit_type": value["credit_type"].slug, "max_credits": value["max_credits"]}


def _zoned(moment, zone_name: str) -> str | None:
    return moment.astimezone(zone(zone_name)).isoformat() if moment else None


class SessionSerializer(serializers.ModelSerializer):
    """A session; times are shown with the activity's UTC offset; naive input is in its time zone."""

    credit_hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, validators=[validate_credit_hours]
    )
    break_minutes = serializers.IntegerField(min_value=0, max_value=24 * 60, required=False, default=0)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    parallel_group = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    correction_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, write_only=True)
    checkin_code = serializers.SerializerMethodField(help_text="The check-in code: cme_staff only (null for others).")

    class Meta:
        model = Session
        fields = [
            "id",
            "activity",
            "title",
            "starts_at",
            "ends_at",
            "break_minutes",
            "credit_hours",
            "parallel_group",
            "checkin_code",
            "correction_reason",
        ]
        read_only_fields = ["id", "activity", "checkin_code"]

    def to_representation(self, session):
        zone_name = self.context.get("time_zone") or session.activity.time_zone
        return session_representation(session, zone_name, show_codes=bool(self.context.get("show_codes")))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_checkin_code(self, session) -> str | None:  # documents the field; to_representation fills it
        return session.checkin_code if self.context.get("show_codes") else None


def session_representation(session: Session, zone_name: str, *, show_codes: bool) -> dict:
    """A session as the API shows it, built directly: a catalog page carries hundreds of them."""
    return {
        "id": session.pk,
        "activity": session.activity_id,
        "title": session.title,
        "starts_at": _zoned(session.starts_at, zone_name),
        "ends_at": _zoned(session.ends_at, zone_name),
        "break_minutes": session.break_minutes,
        "credit_hours": f"{session.credit_hours:.2f}",
        "parallel_group": session.parallel_group,
        "checkin_code": session.checkin_code if show_codes else None,
    }


class ActivitySerializer(serializers.ModelSerializer):
    """An activity as the catalog shows it, with objectives, credits and sessions inline."""

    activity_type = ChoiceSlugField(slug_field="code", queryset=ActivityType.objects.all())
    objectives = ChoiceSlugField(many=True, slug_field="slug", queryset=Objective.objects.all(), allow_empty=False)
    renewal_topics = ChoiceSlugField(many=True, slug_field="slug", queryset=RenewalTopic.objects.all(), required=False)
    credits = DesignationSerializer(many=True, required=False, source="designations")
    sessions = serializers.SerializerMethodField()
    live = serializers.BooleanField(source="activity_type.live", read_only=True)
    total_credit_hours = serializers.SerializerMethodField()
    time_zone = serializers.CharField(max_length=64, required=False, validators=[validate_time_zone])
    competencies = serializers.ListField(
        child=serializers.ChoiceField(choices=Competency.choices), required=False, max_length=len(Competency)
    )
    estimated_hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, validators=[validate_credit_hours]
    )
    post_test_passing_score = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    correction_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, write_only=True)

    class Meta:
        model = Activity
        fields = [
            "id", "provider_activity_id", "title", "description", "activity_type", "live", "objectives",
            "renewal_topics", "location", "time_zone", "status", "claim_deadline", "evaluation_required",
            "available_from", "available_until", "estimated_hours", "post_test_passing_score", "credits",
            "sessions", "total_credit_hours", "starts_at", "ends_at",
            "designed_to_change_competence", "designed_to_change_performance",
            "designed_to_change_patient_outcomes", "evaluated_competence", "evaluated_performance",
            "evaluated_patient_outcomes", "competencies", "jointly_provided", "joint_provider_name",
            "previous_activity", "published_at", "closed_at", "correction_reason",
        ]  # fmt: skip
        read_only_fields = [
            "id", "status", "starts_at", "ends_at", "previous_activity", "published_at", "closed_at",
        ]  # fmt: skip
        extra_kwargs = {"provider_activity_id": {"required": False}}

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, activity):
        show_codes = self._show_codes()
        return [session_representation(s, activity.time_zone, show_codes=show_codes) for s in activity.sessions.all()]

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2))
    def get_total_credit_hours(self, activity) -> str:
        return f"{credit_hours_counting_parallel_once(activity.sessions.all()):.2f}"

    def _show_codes(self) -> bool:
        request = self.context.get("request")
        return bool(request and user_has_role(request.user, Role.CME_STAFF))

    def to_representation(self, activity):
        data = super().to_representation(activity)
        for name in ("starts_at", "ends_at"):
            data[name] = _zoned(getattr(activity, name), activity.time_zone)
        return data

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()


class CommercialSupportSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)

    class Meta:
        model = CommercialSupport
        fields = ["id", "company", "amount", "in_kind", "created_at"]
        read_only_fields = ["id", "created_at"]
