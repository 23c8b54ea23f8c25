from django.urls import path

from bench.bare import views

urlpatterns = [
    path("ping", views.ping),
    path("checkin/", views.checkin),
]
