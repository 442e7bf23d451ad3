"""Addresses of the office: the home page, then the schedule, clients and billing pages."""

from django.urls import include, path

from confide.office import session_views, views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("session/stay/", session_views.stay_signed_in, name="stay_signed_in"),
    path("", include("confide.office.schedule_urls")),
    path("", include("confide.office.client_urls")),
    path("", include("confide.office.portal_urls")),
    path("", include("confide.office.billing_urls")),
    path("", include("confide.office.settings_urls")),
    path("", include("confide.office.settings2_urls")),
    path("", include("confide.office.intake_urls")),
    path("", include("confide.measures.office_urls")),
    path("", include("confide.plans.office_urls")),
    path("", include("confide.office.record_urls")),
    path("", include("confide.messaging.office_urls")),
]
