from rest_framework import serializers

from accounts.models import Degree, User
from accounts.validators import validate_npi


class ProfileSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    is_physician = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "degree",
            "npi",
            "specialty",
            "license_state",
            "license_expires",
            "roles",
            "is_physician",
        ]
        read_only_fields = ["id", "email", "roles", "is_physician"]
        extra_kwargs = {"first_name": {"allow_blank": False}, "last_name": {"allow_blank": False}}

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)

    def validate_license_state(self, value):
        if value and not (len(value) == 2 and value.isalpha() and value.isascii()):
            raise serializers.ValidationError("Enter a two-letter state code, e.g. MA.")
        return value.upper()


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    degree = serializers.ChoiceField(choices=Degree.choices)
    npi = serializers.CharField(max_length=10, required=False, allow_blank=True, validators=[validate_npi])
    specialty = serializers.CharField(max_length=120, required=False, allow_blank=True)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
