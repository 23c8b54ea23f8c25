from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from activities.models import Session
from claims.models import Claim, LateClaimException


class CertificateStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class ClaimSerializer(serializers.ModelSerializer):
    """A claim with its certificate's id and status."""

    learner = serializers.CharField(source="user.full_name", read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "user", "learner", "activity", "activity_title", "credit_type", "credits", "kind",
                  "session", "attested_completed", "post_test_score", "created_at", "certificate"]  # fmt: skip

    @extend_schema_field(CertificateStatusSerializer(allow_null=True))
    def get_certificate(self, claim):
        certificate = getattr(claim, "certificate", None)
        return {"id": certificate.pk, "status": certificate.status} if certificate else None


class ClaimCreateSerializer(serializers.Serializer):
    activity = serializers.IntegerField(min_value=1)
    credit_type = serializers.CharField(max_length=40)
    credits = serializers.DecimalField(max_digits=5, decimal_places=2)
    attest_completed = serializers.BooleanField(required=False, default=False)
    post_test_score = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


class ClaimCorrectionSerializer(serializers.Serializer):
    credits = serializers.DecimalField(max_digits=5, decimal_places=2)
    reason = serializers.CharField(max_length=300)


class LateClaimSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    reason = serializers.CharField(max_length=2000)

    class Meta:
        model = LateClaimException
        fields = ["id", "activity", "user", "reason", "expires", "granted_by", "created_at"]
        read_only_fields = ["id", "activity", "granted_by", "created_at"]


class FacultyCreditSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all())
