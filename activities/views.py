"""The catalog API: activities, sessions, designations and their lifecycle."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import (
    IsCmeStaff,
    ReadAnyoneWriteStaff,
    StaffWritesAccreditationReads,
    sees_everything,
    user_has_role,
)
from accounts.roles import Role
from activities import services
from activities.catalog_cache import cached_catalog_page
from activities.filters import ActivityFilter
from activities.models import Activity, CommercialSupport, Session
from activities.selectors import activities_for_catalog, activities_visible_to
from activities.serializers import (
    ActivitySerializer,
    CommercialSupportSerializer,
    SessionSerializer,
)
from activities.timezones import zone


def _write_arguments(validated: dict) -> dict:
    """Serializer output -> service keyword arguments."""
    arguments = dict(validated)
    if "designations" in arguments:
        arguments["credits"] = arguments.pop("designations")
    return arguments


@extend_schema_view(
    list=extend_schema(summary="Browse the catalog (drafts only for staff and accreditation)"),
    create=extend_schema(summary="Create a draft activity (cme_staff)"),
    retrieve=extend_schema(summary="One activity"),
    partial_update=extend_schema(summary="Change an activity (cme_staff)"),
    destroy=extend_schema(summary="Delete an activity without attendance or claims (cme_staff); 409 otherwise"),
)
class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ActivitySerializer
    permission_classes = [ReadAnyoneWriteStaff]
    filterset_class = ActivityFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return activities_for_catalog(self.request.user)

    def list(self, request, *args, **kwargs):
        if sees_everything(request.user):  # drafts: never from the public cache
            return super().list(request, *args, **kwargs)

        def build():
            response = super(ActivityViewSet, self).list(request, *args, **kwargs)
            return response.data

        return Response(cached_catalog_page(request.build_absolute_uri(), build))

    def perform_create(self, serializer):
        arguments = _write_arguments(serializer.validated_data)
        arguments.pop("correction_reason", None)
        activity = services.activity_create(created_by=self.request.user, **arguments)
        serializer.instance = self.get_queryset().get(pk=activity.pk)

    def perform_update(self, serializer):
        services.activity_update(
            activity=serializer.instance, changed_by=self.request.user, **_write_arguments(serializer.validated_data)
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.activity_delete(activity=instance, deleted_by=self.request.user)

    def _transition(self, service, **kwargs):
        activity = self.get_object()
        service(activity=activity, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)

    @extend_schema(request=None, responses={200: ActivitySerializer}, summary="draft -> published (cme_staff)")
    @action(detail=True, methods=["post"], permission_classes=[IsCmeStaff], serializer_class=ActivitySerializer)
    def publish(self, request, pk=None):
        return self._transition(services.activity_publish, published_by=request.user)

    @extend_schema(request=None, responses={200: ActivitySerializer}, summary="published -> closed (cme_staff)")
    @action(detail=True, methods=["post"], permission_classes=[IsCmeStaff], serializer_class=ActivitySerializer)
    def close(self, request, pk=None):
        return self._transition(services.activity_close, closed_by=request.user)

    @extend_schema(request=None, responses={201: ActivitySerializer}, summary="Next year's series (cme_staff)")
    @action(detail=True, methods=["post"], permission_classes=[IsCmeStaff], serializer_class=ActivitySerializer)
    def rollover(self, request, pk=None):
        successor = services.activity_rollover(activity=self.get_object(), created_by=request.user)
        data = self.get_serializer(self.get_queryset().get(pk=successor.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


def _activity_for(request, pk) -> Activity:
    return get_object_or_404(activities_visible_to(request.user).select_related("activity_type"), pk=pk)


class ActivitySessionList(generics.ListCreateAPIView):
    """Sessions of one activity. Naive times are read in the activity's time zone."""

    serializer_class = SessionSerializer
    permission_classes = [ReadAnyoneWriteStaff]

    def get_activity(self) -> Activity:
        if not hasattr(self, "_activity"):
            self._activity = _activity_for(self.request, self.kwargs["pk"])
        return self._activity

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        return Session.objects.filter(activity=self.get_activity()).select_related("activity")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_codes"] = user_has_role(self.request.user, Role.CME_STAFF)
        return context

    def create(self, request, *args, **kwargs):
        activity = self.get_activity()
        with timezone.override(zone(activity.time_zone)):
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
        arguments = dict(serializer.validated_data)
        arguments.pop("correction_reason", None)
        session = services.session_create(activity=activity, created_by=request.user, **arguments)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetail(generics.RetrieveUpdateAPIView):
    """One session; staff correct it (credit hours after the activity began need `correction_reason`)."""

    serializer_class = SessionSerializer
    permission_classes = [ReadAnyoneWriteStaff]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        visible = activities_visible_to(self.request.user)
        return Session.objects.filter(activity__in=visible).select_related("activity__activity_type")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_codes"] = user_has_role(self.request.user, Role.CME_STAFF)
        return context

    def update(self, request, *args, **kwargs):
        session = self.get_object()
        with timezone.override(zone(session.activity.time_zone)):
            serializer = self.get_serializer(session, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
        session = services.session_update(session=session, changed_by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(session).data)


class CommercialSupportList(generics.ListCreateAPIView):
    """Grants from ineligible companies for one activity (cme_staff writes; accreditation reads)."""

    serializer_class = CommercialSupportSerializer
    permission_classes = [StaffWritesAccreditationReads]

    def get_activity(self) -> Activity:
        return _activity_for(self.request, self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CommercialSupport.objects.none()
        return self.get_activity().commercial_support.all()

    def perform_create(self, serializer):
        serializer.instance = services.commercial_support_add(activity=self.get_activity(), **serializer.validated_data)
