"""Addresses of booking: choosing a time, the details and confirm steps, managing a booking."""

from django.urls import path

from confide.scheduling import calendar_views, views

app_name = "scheduling"

urlpatterns = [
    path("book/", views.book_start, name="book"),
    path("book/ask/", views.request_consultation, name="request"),
    path("book/ask/sent/", views.request_sent, name="request_sent"),
    path("book/<slug:clinician>/<slug:kind>/", views.slots, name="slots"),
    path("book/<slug:clinician>/<slug:kind>/details/", views.details, name="details"),
    path("book/<slug:clinician>/<slug:kind>/confirm/", views.confirm, name="confirm"),
    path("booked/<str:token>/", views.booked, name="booked"),
    path("appointment/<str:token>/", views.manage, name="manage"),
    path("appointment/<str:token>/cancel/", views.cancel, name="cancel"),
    path("appointment/<str:token>/move/", views.reschedule, name="reschedule"),
    # The join link is written without a slash in messages; with one, it redirects there.
    path("appointment/<str:token>/join", views.join, name="join"),
    path("appointment/<str:token>/join/", views.join_with_slash, name="join_slash"),
    path("appointment/<str:token>/calendar.ics", calendar_views.appointment_file, name="ics"),
    path("calendar/<str:token>.ics", calendar_views.clinician_feed, name="clinician_feed"),
]
