"""Shapes of the disclosure API: the learner-facing summary and the staff view."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.models import (
    ContentPerson,
    ContentRoleKind,
    Disclosure,
    FinancialRelationship,
    RelationshipNature,
    validate_signed_on,
)
from activities.selectors import COMPLETE, MISSING_DISCLOSURE, NEEDS_REVIEW


class RelationshipInputSerializer(serializers.Serializer):
    company = serializers.CharField(max_length=200)
    nature = serializers.ChoiceField(choices=RelationshipNature.choices)


class DisclosureInputSerializer(serializers.Serializer):
    signed_on = serializers.DateField(validators=[validate_signed_on], help_text="Between 2000 and today.")
    relationships = RelationshipInputSerializer(many=True, max_length=100)


class MitigationInputSerializer(serializers.Serializer):
    relationship = serializers.IntegerField(required=False, min_value=1)
    company = serializers.CharField(max_length=200, required=False)
    relevant = serializers.BooleanField()
    mitigation = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if "relationship" not in attrs and "company" not in attrs:
            raise serializers.ValidationError("Name the relationship by its id or its company.")
        return attrs


class ContentRoleInputSerializer(serializers.Serializer):
    """Add a person in control of content: an existing person by id, or a new one by name."""

    person = serializers.PrimaryKeyRelatedField(queryset=ContentPerson.objects.all(), required=False)
    name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    degree = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=ContentRoleKind.choices)
    disclosure = DisclosureInputSerializer(required=False)
    mitigations = MitigationInputSerializer(many=True, required=False, max_length=100)

    def validate(self, attrs):
        if "person" not in attrs and not attrs.get("name", "").strip():
            raise serializers.ValidationError({"name": "Give the person's name, or the id of a known person."})
        return attrs


class MitigationsInputSerializer(serializers.Serializer):
    mitigations = MitigationInputSerializer(many=True, max_length=100)


class RoleRemovalInputSerializer(serializers.Serializer):
    correction_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RelationshipSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinancialRelationship
        fields = ["id", "company", "nature"]


class DisclosureSerializer(serializers.ModelSerializer):
    relationships = RelationshipSerializer(many=True, read_only=True)

    class Meta:
        model = Disclosure
        fields = ["id", "signed_on", "expires_on", "relationships"]


class ContentPersonSerializer(serializers.ModelSerializer):
    disclosures = DisclosureSerializer(many=True, read_only=True)

    class Meta:
        model = ContentPerson
        fields = ["id", "name", "email", "degree", "disclosures"]
        read_only_fields = ["id", "disclosures"]


class LearnerDisclosureSerializer(serializers.Serializer):
    """What learners see before the activity: names, companies, nature, and the mitigation statement."""

    name = serializers.CharField()
    role = serializers.CharField()
    relationships = RelationshipInputSerializer(many=True)
    statement = serializers.CharField()


class StaffRelationshipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.CharField()
    nature = serializers.CharField()
    reviewed = serializers.BooleanField()
    relevant = serializers.BooleanField(allow_null=True)
    mitigation = serializers.CharField()


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    degree = serializers.CharField()


class DisclosureSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    signed_on = serializers.DateField()
    expires_on = serializers.DateField()


class StaffDisclosureSerializer(serializers.Serializer):
    """The staff view of one role: the disclosure in force and staff's decision on each relationship."""

    id = serializers.IntegerField()
    person = PersonSummarySerializer()
    role = serializers.CharField()
    status = serializers.ChoiceField(choices=[COMPLETE, MISSING_DISCLOSURE, NEEDS_REVIEW])
    disclosure = DisclosureSummarySerializer(allow_null=True)
    relationships = StaffRelationshipSerializer(many=True)


class ExpiringDisclosureSerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer()
    relationships = RelationshipSerializer(many=True)
    activities = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = ["id", "person", "signed_on", "expires_on", "relationships", "activities"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_activities(self, disclosure):
        return sorted({role.activity_id for role in disclosure.person.roles.all()})
