"""The practice's settings: profile, booking rules, clinicians, appointment types and hours."""

from django.urls import path

from confide.office import settings_views as views

urlpatterns = [
    path("settings/", views.settings_index, name="settings"),
    path("settings/practice/", views.practice_profile, name="settings_practice"),
    path("settings/booking-rules/", views.booking_rules, name="settings_booking_rules"),
    path("settings/clinicians/", views.clinicians, name="settings_clinicians"),
    path("settings/clinicians/new/", views.clinician_new, name="settings_clinician_new"),
    path("settings/clinicians/<int:pk>/", views.clinician_edit, name="settings_clinician"),
    path("settings/clinicians/<int:pk>/types/", views.appointment_types, name="settings_types"),
    path(
        "settings/clinicians/<int:pk>/types/new/",
        views.appointment_type_new,
        name="settings_type_new",
    ),
    path("settings/types/<int:pk>/", views.appointment_type_edit, name="settings_type"),
    path(
        "settings/types/<int:pk>/active/",
        views.appointment_type_active,
        name="settings_type_active",
    ),
    path("settings/clinicians/<int:pk>/hours/", views.hours, name="settings_hours"),
    path(
        "settings/clinicians/<int:pk>/hours/weekly/",
        views.weekly_hours_add,
        name="settings_weekly_add",
    ),
    path(
        "settings/clinicians/<int:pk>/hours/extra/",
        views.extra_hours_add,
        name="settings_extra_add",
    ),
    path("settings/clinicians/<int:pk>/time-off/", views.time_off_new, name="settings_time_off"),
    path("settings/hours/<int:pk>/remove/", views.hours_remove, name="settings_hours_remove"),
]
