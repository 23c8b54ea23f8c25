"""Activities with their sessions, designations, people in control of content and commercial support."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from activities import services
from activities.admin.base import AuditTrailAdmin, ServiceRefusalsMixin, ViewOnlyAuditTrailAdmin, refusal_messages
from activities.models import (
    Activity,
    ActivityStatus,
    CommercialSupport,
    Competency,
    ContentRole,
    CreditDesignation,
    Provider,
    Session,
)

# The services' own checks (`_`-prefixed) also run while the form is validated, so that a refusal
# shows beside its field instead of after the save.
from activities.services.activities import SIMPLE_FIELDS, activity_check_window_and_joint_provider
from activities.services.sessions import NOT_LIVE, session_credit_hours, session_validate_times
from activities.timezones import today_in
from cme.exceptions import Conflict

SESSION_FIELDS = ("title", "starts_at", "ends_at", "break_minutes", "credit_hours", "parallel_group")


class StartsFilter(admin.SimpleListFilter):
    title = "starts"
    parameter_name = "starts"
    RANGES = {"today": (0, 1), "next7": (0, 7), "next30": (0, 30), "past30": (-30, 0)}

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("next7", "Next 7 days"),
            ("next30", "Next 30 days"),
            ("past30", "Past 30 days"),
            ("none", "No date yet"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(starts_at__isnull=True)
        if self.value() not in self.RANGES:
            return queryset
        first, last = self.RANGES[self.value()]
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        return queryset.filter(
            starts_at__gte=midnight + timedelta(days=first), starts_at__lt=midnight + timedelta(days=last)
        )


MAIN_FIELDS = (
    "provider_activity_id", "title", "description", "activity_type", "objectives", "renewal_topics", "location",
    "time_zone", "claim_deadline", "evaluation_required",
)  # fmt: skip
ENDURING_FIELDS = ("available_from", "available_until", "estimated_hours", "post_test_passing_score")
PARS_FIELDS = (
    "designed_to_change_competence", "designed_to_change_performance", "designed_to_change_patient_outcomes",
    "evaluated_competence", "evaluated_performance", "evaluated_patient_outcomes", "competencies",
    "jointly_provided", "joint_provider_name",
)  # fmt: skip
RECORD_FIELDS = (
    "status", "starts_at", "ends_at", "published_at", "closed_at", "pars_exported_at", "previous_activity",
    "created_by", "created_at", "updated_at",
)  # fmt: skip


class ActivityAdminForm(forms.ModelForm):
    competencies = forms.MultipleChoiceField(
        choices=Competency.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Activity
        fields = (*MAIN_FIELDS, *ENDURING_FIELDS, *PARS_FIELDS)

    def clean(self):
        cleaned = super().clean()
        candidate = Activity(
            claim_deadline=cleaned.get("claim_deadline"),
            jointly_provided=cleaned.get("jointly_provided", False),
            joint_provider_name=cleaned.get("joint_provider_name") or "",
            available_from=cleaned.get("available_from"),
            available_until=cleaned.get("available_until"),
        )
        try:
            activity_check_window_and_joint_provider(candidate)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class ActivityInline:
    """Inline rows of an activity: a closed activity is kept as it was."""

    def _open(self, obj) -> bool:
        return obj is None or obj.status != ActivityStatus.CLOSED

    def has_add_permission(self, request, obj):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class SessionInlineForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = SESSION_FIELDS

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["credit_hours"].required = False
        self.fields["credit_hours"].help_text = "Blank: the duration minus breaks, in quarter hours."

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at is None or ends_at is None or cleaned.get("break_minutes") is None:
            return cleaned
        times = {"starts_at": starts_at, "ends_at": ends_at, "break_minutes": cleaned["break_minutes"]}
        try:
            if self.activity.activity_type_id and not self.activity.activity_type.live:
                raise ValidationError(NOT_LIVE)
            if self.activity.pk:  # a new activity has no other sessions to compare with yet
                session_validate_times(activity=self.activity, exclude=self.instance.pk, **times)
            cleaned["credit_hours"] = session_credit_hours(credit_hours=cleaned.get("credit_hours"), **times)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class SessionFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "activity": self.instance}


class SessionInline(ActivityInline, admin.TabularInline):
    model = Session
    form = SessionInlineForm
    formset = SessionFormSet
    fields = (*SESSION_FIELDS, "checkin_code")
    readonly_fields = ("checkin_code",)
    extra = 0


class CreditDesignationInline(ActivityInline, admin.TabularInline):
    """Credit is designated in advance: once the activity has begun, corrections go through the API."""

    model = CreditDesignation
    fields = ("credit_type", "max_credits")
    extra = 0

    def _open(self, obj) -> bool:
        return super()._open(obj) and (obj is None or not services.activity_designation_locked(obj))


class ContentRoleInline(ActivityInline, admin.TabularInline):
    model = ContentRole
    fields = ("person", "role")
    autocomplete_fields = ("person",)
    extra = 0


class CommercialSupportInline(ActivityInline, admin.TabularInline):
    model = CommercialSupport
    fields = ("company", "amount", "in_kind")
    extra = 0


@admin.register(Activity)
class ActivityAdmin(ServiceRefusalsMixin, AuditTrailAdmin):
    form = ActivityAdminForm
    list_display = ("provider_activity_id", "title", "activity_type", "status", "starts_at")
    list_filter = ("objectives", "activity_type", "status", StartsFilter)
    list_select_related = ("activity_type",)
    search_fields = ("title", "provider_activity_id")
    filter_horizontal = ("objectives", "renewal_topics")
    inlines = (SessionInline, CreditDesignationInline, ContentRoleInline, CommercialSupportInline)
    actions = ("publish_selected", "close_selected")
    fieldsets = (
        (None, {"fields": MAIN_FIELDS}),
        ("Enduring material (no sessions)", {"fields": ENDURING_FIELDS}),
        ("PARS outcomes", {"classes": ["collapse"], "fields": PARS_FIELDS}),
        ("Record", {"fields": RECORD_FIELDS}),
    )

    def get_readonly_fields(self, request, obj=None):
        # New activities are numbered by the service; an id exported to PARS never changes.
        if obj is None or obj.pars_exported_at:
            return ("provider_activity_id", *RECORD_FIELDS)
        return RECORD_FIELDS

    def get_changeform_initial_data(self, request):
        zone = Provider.objects.values_list("time_zone", flat=True).first() or settings.TIME_ZONE
        return {"time_zone": zone, **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.status != ActivityStatus.CLOSED) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data, changed = form.cleaned_data, set(form.changed_data)
        fields = {name: data[name] for name in SIMPLE_FIELDS if name in data and name != "title"}
        if not change:
            fields.pop("provider_activity_id", None)
            activity = services.activity_create(
                created_by=request.user,
                title=data["title"],
                activity_type=data["activity_type"],
                objectives=list(data["objectives"]),
                renewal_topics=list(data["renewal_topics"]),
                **fields,
            )
            # The inline formsets already hold `obj`: it becomes the row the service created.
            for field in Activity._meta.concrete_fields:
                setattr(obj, field.attname, getattr(activity, field.attname))
            obj._state.adding, obj._state.db = False, activity._state.db
            return
        changes = {name: data[name] for name in changed if name in (*SIMPLE_FIELDS, "activity_type")}
        relations = {name: list(data[name]) for name in ("objectives", "renewal_topics") if name in changed}
        if changes or relations:
            services.activity_update(activity=obj, changed_by=request.user, **relations, **changes)

    def save_related(self, request, form, formsets, change):
        # Designations first: a past session saved before them would lock the designation.
        form.save_m2m()
        for formset in sorted(formsets, key=lambda formset: formset.model is not CreditDesignation):
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Session:
            self._save_sessions(request, formset)
        elif formset.model is CreditDesignation:
            self._save_designations(request, formset)
        elif formset.model is ContentRole:
            self._save_content_roles(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_sessions(self, request, formset) -> None:
        activity = formset.instance
        formset.save(commit=False)
        for session in formset.deleted_objects:  # refused after the start or with attendance
            services.session_delete(session=session, deleted_by=request.user)
        for session, changed in formset.changed_objects:
            changes = {name: getattr(session, name) for name in changed}
            services.session_update(session=session, changed_by=request.user, **changes)
        formset.new_objects = [
            services.session_create(
                activity=activity, created_by=request.user, **{name: getattr(new, name) for name in SESSION_FIELDS}
            )
            for new in formset.new_objects
        ]
        activity.refresh_from_db(fields=["starts_at", "ends_at"])
        services.activity_refresh_dates(activity)

    def _save_content_roles(self, request, formset) -> None:
        """Through the services: a published activity takes only people whose disclosure is complete."""
        activity = formset.instance
        formset.save(commit=False)
        day = today_in(activity.time_zone)
        assigned = [*(role for role, _ in formset.changed_objects), *formset.new_objects]
        for role in assigned:
            services.content_role_assign(
                activity=activity, person=role.person, role=role.role, assigned_by=request.user, day=day
            )
        replaced = [ContentRole.objects.get(pk=role.pk) for role, _ in formset.changed_objects]
        for role in [*replaced, *formset.deleted_objects]:
            services.content_role_remove(role=role, removed_by=request.user)

    def _save_designations(self, request, formset) -> None:
        formset.save(commit=False)
        if not (formset.new_objects or formset.changed_objects or formset.deleted_objects):
            return
        credits = [
            {"credit_type": form.cleaned_data["credit_type"].pk, "max_credits": form.cleaned_data["max_credits"]}
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        services.activity_update(activity=formset.instance, changed_by=request.user, credits=credits)

    def delete_model(self, request, obj):
        services.activity_delete(activity=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            services.activity_delete(activity=activity, deleted_by=request.user)

    @admin.action(description="Publish selected activities", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._transition(request, queryset, services.activity_publish, "published_by", "published")

    @admin.action(description="Close selected activities", permissions=["change"])
    def close_selected(self, request, queryset):
        self._transition(request, queryset, services.activity_close, "closed_by", "closed")

    def _transition(self, request, queryset, service, actor: str, verb: str) -> None:
        done = 0
        for activity in queryset:
            try:
                service(activity=activity, **{actor: request.user})
            except (ValidationError, Conflict) as error:
                for message in refusal_messages(error):
                    label = f"{activity.provider_activity_id} “{activity.title}”"
                    self.message_user(request, f"{label}: {message}", level=messages.ERROR)
            else:
                done += 1
        if done:
            noun = "activity" if done == 1 else "activities"
            self.message_user(request, f"{done} {noun} {verb}.", level=messages.SUCCESS)


@admin.register(Session)
class SessionAdmin(ViewOnlyAuditTrailAdmin):
    list_display = ("__str__", "activity", "starts_at", "ends_at", "credit_hours", "checkin_code")
    list_select_related = ("activity",)
    list_filter = ("starts_at",)
    search_fields = ("checkin_code", "activity__title", "activity__provider_activity_id")


@admin.register(ContentRole)
class ContentRoleAdmin(ViewOnlyAuditTrailAdmin):
    """Roles are given on their activity's page; here their history (who added or removed whom) is read."""

    list_display = ("person", "role", "activity")
    list_select_related = ("person", "activity")
    search_fields = ("person__name", "activity__title", "activity__provider_activity_id")


@admin.register(CreditDesignation)
class CreditDesignationAdmin(ViewOnlyAuditTrailAdmin):
    list_display = ("activity", "credit_type", "max_credits")
    list_select_related = ("activity", "credit_type")
    search_fields = ("activity__title", "activity__provider_activity_id")


@admin.register(CommercialSupport)
class CommercialSupportAdmin(ViewOnlyAuditTrailAdmin):
    list_display = ("company", "activity", "amount")
    list_select_related = ("activity",)
    search_fields = ("company", "activity__title")
