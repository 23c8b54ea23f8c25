from django.urls import include, path
from rest_framework.routers import SimpleRouter

from reports import views

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("reports/pars-activities.csv", views.ParsActivitiesCsv.as_view(), name="report-pars-activities"),
    path("", include(router.urls)),
]
