"""Disclosure API: people in control of content, their disclosures and mitigation per activity."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCmeStaff, ReadAnyoneWriteStaff, sees_everything
from activities import services
from activities.disclosure_serializers import (
    ContentPersonSerializer,
    ContentRoleInputSerializer,
    DisclosureInputSerializer,
    DisclosureSerializer,
    ExpiringDisclosureSerializer,
    LearnerDisclosureSerializer,
    MitigationsInputSerializer,
    RoleRemovalInputSerializer,
    StaffDisclosureSerializer,
)
from activities.models import ContentPerson, ContentRole, Disclosure
from activities.selectors import activities_visible_to, disclosure_listing, disclosures_expiring
from activities.timezones import today_in


class DisclosurePageSerializer(serializers.Serializer):
    """The page of disclosure entries: learner summaries, or the staff view for staff and accreditation."""

    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PolymorphicProxySerializer(
        component_name="DisclosureEntry",
        serializers=[LearnerDisclosureSerializer, StaffDisclosureSerializer],
        resource_type_field_name=None,
        many=True,
    )


class ActivityDisclosures(APIView):
    """Everyone reads the learner-facing summary; staff and accreditation read the full record."""

    permission_classes = [ReadAnyoneWriteStaff]

    def _activity(self):
        return get_object_or_404(activities_visible_to(self.request.user), pk=self.kwargs["pk"])

    @extend_schema(responses={200: DisclosurePageSerializer}, summary="People in control of content")
    def get(self, request, pk):
        activity = self._activity()
        entries = disclosure_listing(
            activity=activity, day=today_in(activity.time_zone), for_staff=sees_everything(request.user)
        )
        return Response({"count": len(entries), "next": None, "previous": None, "results": entries})

    @extend_schema(request=ContentRoleInputSerializer, responses={201: StaffDisclosureSerializer},
                   summary="Add a person in control of content, with disclosure and mitigations")  # fmt: skip
    def post(self, request, pk):
        activity = self._activity()
        serializer = ContentRoleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = services.activity_disclosure_add(
            activity=activity, added_by=request.user, day=today_in(activity.time_zone), **serializer.validated_data
        )
        return Response(_staff_entry_for(role), status=status.HTTP_201_CREATED)


def _staff_entry_for(role: ContentRole) -> dict:
    listing = disclosure_listing(activity=role.activity, day=today_in(role.activity.time_zone), for_staff=True)
    return next(entry for entry in listing if entry["id"] == role.pk)


class ActivityDisclosureDetail(APIView):
    """Record mitigation decisions for one person's role, or remove the role (cme_staff)."""

    permission_classes = [IsCmeStaff]

    def _role(self) -> ContentRole:
        return get_object_or_404(
            ContentRole.objects.select_related("activity", "person"),
            pk=self.kwargs["role_id"],
            activity_id=self.kwargs["pk"],
        )

    @extend_schema(request=MitigationsInputSerializer, responses={200: StaffDisclosureSerializer},
                   summary="Decide relevance and record mitigation of relationships (cme_staff)")  # fmt: skip
    def patch(self, request, pk, role_id):
        role = self._role()
        serializer = MitigationsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.role_mitigations_record(
            role=role,
            mitigations=serializer.validated_data["mitigations"],
            reviewed_by=request.user,
            day=today_in(role.activity.time_zone),
        )
        return Response(_staff_entry_for(role))

    @extend_schema(
        request=RoleRemovalInputSerializer,
        parameters=[OpenApiParameter("correction_reason", str, description="Needed once the activity has begun")],
        responses={204: None, 409: OpenApiResponse(description="Closed, begun without a reason, or the last role")},
        summary="Remove a person's role from the activity (cme_staff)",
    )
    def delete(self, request, pk, role_id):
        role = self._role()
        given = request.data if hasattr(request.data, "get") and request.data else request.query_params
        serializer = RoleRemovalInputSerializer(data={"correction_reason": given.get("correction_reason", "")})
        serializer.is_valid(raise_exception=True)
        services.content_role_remove(
            role=role, removed_by=request.user, reason=serializer.validated_data["correction_reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContentPersonViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """People in control of content (often not users) and their signed disclosures (cme_staff)."""

    serializer_class = ContentPersonSerializer
    permission_classes = [IsCmeStaff]
    queryset = ContentPerson.objects.prefetch_related("disclosures__relationships").order_by("name", "id")

    def perform_create(self, serializer):
        serializer.instance = services.content_person_create(**serializer.validated_data)

    @extend_schema(request=DisclosureInputSerializer, responses={201: DisclosureSerializer},
                   summary="Record a signed disclosure, valid twelve months (cme_staff)")  # fmt: skip
    @action(detail=True, methods=["post"], serializer_class=DisclosureInputSerializer)
    def disclosures(self, request, pk=None):
        serializer = DisclosureInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        disclosure = services.disclosure_record(
            person=self.get_object(), recorded_by=request.user, **serializer.validated_data
        )
        return Response(DisclosureSerializer(disclosure).data, status=status.HTTP_201_CREATED)


class ExpiringDisclosureList(generics.ListAPIView):
    """Disclosures that expire within `?days=` (default 30), so staff can ask for new ones."""

    serializer_class = ExpiringDisclosureSerializer
    permission_classes = [IsCmeStaff]

    class Params(serializers.Serializer):
        days = serializers.IntegerField(min_value=0, max_value=3660, default=30)

    @extend_schema(parameters=[OpenApiParameter("days", int, description="Window in days (default 30)")],
                   responses={200: ExpiringDisclosureSerializer(many=True), 400: OpenApiResponse()})  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Disclosure.objects.none()
        params = self.Params(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return disclosures_expiring(
            within_days=params.validated_data["days"], today=today_in(services.provider_current().time_zone)
        )
