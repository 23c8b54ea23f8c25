from django.urls import path

from web import views

app_name = "web"
urlpatterns = [
    path("verify/", views.verify_lookup, name="verify-lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
