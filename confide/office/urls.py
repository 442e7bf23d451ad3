"""Addresses of the office: the home page, then the schedule's and the clients' pages."""

from django.urls import include, path

from confide.office import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("confide.office.schedule_urls")),
    path("", include("confide.office.client_urls")),
]
