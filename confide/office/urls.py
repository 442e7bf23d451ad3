"""Addresses of the office: the home page, then the schedule's and the clients' pages."""

from django.urls import include, path

from confide.office import session_views, views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("session/stay/", session_views.stay_signed_in, name="stay_signed_in"),
    path("", include("confide.office.schedule_urls")),
    path("", include("confide.office.client_urls")),
]
