from django.urls import path

from attendance import views

urlpatterns = [
    path("checkins/", views.CheckInView.as_view(), name="checkin"),
    path("activities/<int:pk>/attendance/", views.ActivityAttendance.as_view(), name="activity-attendance"),
    path("activities/<int:pk>/attendance/import/", views.AttendanceImport.as_view(), name="attendance-import"),
    path("activities/<int:pk>/evaluation/", views.EvaluationView.as_view(), name="activity-evaluation"),
    path("sessions/<int:pk>/poster.pdf", views.SessionPoster.as_view(), name="session-poster"),
]
