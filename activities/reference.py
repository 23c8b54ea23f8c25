"""Public reference data: objectives, credit types, activity types, renewal topics."""

from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from activities.models import ActivityType, CreditType, Objective, RenewalTopic


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["slug", "name", "description"]


class CreditTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditType
        fields = ["slug", "name", "physicians_only"]


class ActivityTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["code", "name", "live", "pars_code"]


class RenewalTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = RenewalTopic
        fields = ["slug", "name"]


class _ReferenceList(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []


class ObjectiveList(_ReferenceList):
    """The four learning-objective categories."""

    queryset = Objective.objects.all()
    serializer_class = ObjectiveSerializer


class CreditTypeList(_ReferenceList):
    """Credit types offered by the provider."""

    queryset = CreditType.objects.all()
    serializer_class = CreditTypeSerializer


class ActivityTypeList(_ReferenceList):
    """ACCME/PARS activity types; `live` types have sessions."""

    queryset = ActivityType.objects.all()
    serializer_class = ActivityTypeSerializer


class RenewalTopicList(_ReferenceList):
    """License-renewal topics an activity may carry."""

    queryset = RenewalTopic.objects.all()
    serializer_class = RenewalTopicSerializer
