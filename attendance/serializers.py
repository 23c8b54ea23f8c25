from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from activities.timezones import zone
from attendance.models import Attendance, Evaluation


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, trim_whitespace=True)


class LearnerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    email = serializers.EmailField()
    degree = serializers.CharField()


class SessionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.SerializerMethodField()
    ends_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField())
    def get_starts_at(self, session):
        return session.starts_at.astimezone(zone(session.activity.time_zone)).isoformat()

    @extend_schema_field(serializers.DateTimeField())
    def get_ends_at(self, session):
        return session.ends_at.astimezone(zone(session.activity.time_zone)).isoformat()


class AttendanceSerializer(serializers.ModelSerializer):
    """One attendance record: who, which session, when and how."""

    user = LearnerSummarySerializer(read_only=True)
    session = SessionSummarySerializer(read_only=True)
    activity = serializers.IntegerField(source="session.activity_id", read_only=True)
    activity_title = serializers.CharField(source="session.activity.title", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "user", "activity", "activity_title", "session", "method", "checked_in_at"]


class AttendanceMarkSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    email = serializers.EmailField(max_length=254, required=False)
    session = serializers.IntegerField(min_value=1)

    def validate(self, attrs):
        if "user" not in attrs:
            if "email" not in attrs:
                raise serializers.ValidationError({"user": "Give the learner's user id or email."})
            user = User.objects.filter(email__iexact=attrs["email"]).first()
            if user is None:
                raise serializers.ValidationError({"email": "No account has this email address."})
            attrs["user"] = user
        return attrs


class ImportResultSerializer(serializers.Serializer):
    class RowError(serializers.Serializer):
        row = serializers.IntegerField()
        message = serializers.CharField()

    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = RowError(many=True)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()


class EvaluationSerializer(serializers.ModelSerializer):
    overall_rating = serializers.IntegerField(min_value=1, max_value=5)
    objectives_met = serializers.DictField(child=serializers.BooleanField(), allow_empty=False)
    practice_change = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    comments = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    commercial_bias = serializers.BooleanField()

    class Meta:
        model = Evaluation
        fields = ["id", "activity", "overall_rating", "objectives_met", "practice_change", "commercial_bias",
                  "comments", "created_at"]  # fmt: skip
        read_only_fields = ["id", "activity", "created_at"]

    def to_representation(self, evaluation):
        evaluation.objectives_met = {answer.objective_id: answer.met for answer in evaluation.objective_answers.all()}
        return super().to_representation(evaluation)
