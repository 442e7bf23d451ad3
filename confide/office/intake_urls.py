"""Intake paperwork: the documents' wording in settings, and each client's packet."""

from django.urls import path

from confide.office import intake_views as views

urlpatterns = [
    path("settings/intake/", views.intake_settings, name="settings_intake"),
    path("settings/intake/<str:kind>/", views.intake_document, name="settings_intake_document"),
    path(
        "settings/intake/<str:kind>/versions/<int:number>/",
        views.intake_version,
        name="settings_intake_version",
    ),
    path("clients/<uuid:uid>/intake/send/", views.intake_send, name="intake_send"),
    path(
        "clients/<uuid:uid>/intake/answers/<int:person_id>/",
        views.intake_answers,
        name="intake_answers",
    ),
    path("intake/signed/<uuid:uid>/", views.intake_signed_pdf, name="intake_signed"),
    path(
        "intake/flags/<uuid:uid>/follow-up/",
        views.intake_flag_follow_up,
        name="intake_flag_follow_up",
    ),
]
