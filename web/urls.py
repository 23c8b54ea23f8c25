from django.urls import path

from web.views import accounts, credits, learning, public, reports, staff_activities, staff_content, staff_records

app_name = "web"
urlpatterns = [
    # Everyone
    path("", public.home, name="home"),
    path("activities/", public.catalog, name="catalog"),
    path("activities/<int:pk>/", public.activity_detail, name="activity"),
    path("verify/", public.verify_lookup, name="verify-lookup"),
    path("verify/<str:code>/", public.verify, name="verify"),
    # Accounts
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/done/", accounts.password_reset_done, name="password-reset-done"),
    path("password-reset/complete/", accounts.password_reset_complete, name="password-reset-complete"),
    path(
        "password-reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    # Clinicians
    path("checkin/", learning.checkin, name="checkin"),
    path("checkin/<str:code>/", learning.checkin_code, name="checkin-code"),
    path("activities/<int:pk>/evaluate/", learning.evaluate, name="evaluate"),
    path("activities/<int:pk>/claim/", learning.claim, name="claim"),
    path("my/credits/", credits.my_credits, name="my-credits"),
    path("my/certificates/<int:pk>/pdf/", credits.certificate_pdf, name="certificate-pdf"),
    path("my/certificates/<int:pk>/status/", credits.certificate_status, name="certificate-status"),
    path("my/transcript.pdf", credits.transcript_download, name="transcript-pdf"),
    path("my/profile/", credits.profile, name="profile"),
    # CME office (staff write, accreditation reads)
    path("staff/", staff_activities.activity_list, name="staff-activities"),
    path("staff/activities/new/", staff_activities.activity_create, name="staff-activity-new"),
    path("staff/activities/<int:pk>/", staff_activities.activity_detail, name="staff-activity"),
    path("staff/activities/<int:pk>/edit/", staff_activities.activity_edit, name="staff-activity-edit"),
    path("staff/activities/<int:pk>/publish/", staff_activities.activity_publish, name="staff-activity-publish"),
    path("staff/activities/<int:pk>/close/", staff_activities.activity_close, name="staff-activity-close"),
    path(
        "staff/activities/<int:pk>/certificates/requeue/",
        staff_activities.certificates_requeue,
        name="staff-certificates-requeue",
    ),
    path("staff/activities/<int:pk>/sessions/new/", staff_content.session_create, name="staff-session-new"),
    path("staff/sessions/<int:pk>/edit/", staff_content.session_edit, name="staff-session-edit"),
    path("staff/sessions/<int:pk>/poster.pdf", staff_content.session_poster, name="staff-session-poster"),
    path("staff/activities/<int:pk>/disclosures/new/", staff_content.disclosure_create, name="staff-disclosure-new"),
    path(
        "staff/activities/<int:pk>/disclosures/<int:role_id>/mitigation/",
        staff_content.mitigation_record,
        name="staff-mitigation",
    ),
    path("staff/activities/<int:pk>/roster/", staff_records.roster, name="staff-roster"),
    path("staff/activities/<int:pk>/import/", staff_records.roster_import, name="staff-import"),
    path("staff/claims/", staff_records.claims, name="staff-claims"),
    path("staff/certificates/<int:pk>/revoke/", staff_records.certificate_revoke_page, name="staff-revoke"),
    path("staff/reports/", reports.reports, name="staff-reports"),
    path("staff/reports/pars-activities.csv", reports.pars_csv, name="staff-pars-csv"),
    path("staff/reports/<int:pk>/status/", reports.report_status, name="staff-report-status"),
    path("staff/reports/<int:pk>/pdf/", reports.report_pdf, name="staff-report-pdf"),
]
