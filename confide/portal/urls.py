"""Addresses of the portal; none of them holds anything about the person."""

from django.urls import include, path

from confide.portal import appointment_views, passkey_views, payment_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("sign-in/passkey/", passkey_views.sign_in_passkey, name="sign_in_passkey"),
    path(
        "sign-in/passkey/options/",
        passkey_views.sign_in_passkey_options,
        name="sign_in_passkey_options",
    ),
    path("passkeys/", passkey_views.passkeys, name="passkeys"),
    path("passkeys/remove/", passkey_views.passkey_delete, name="passkey_remove"),
    # An appointment is named by its manage token: random, and opens only the person's own.
    path("appointments/<str:token>/", appointment_views.appointment_detail, name="appointment"),
    path(
        "appointments/<str:token>/cancel/",
        appointment_views.appointment_cancel_view,
        name="appointment_cancel",
    ),
    path(
        "appointments/<str:token>/move/",
        appointment_views.appointment_move_view,
        name="appointment_move",
    ),
    path("paperwork/", include("confide.intake.urls")),
    path("questionnaires/", include("confide.measures.urls")),
    path("plan/", include("confide.plans.urls")),
    path("record/", include("confide.records.urls")),
    path("messages/", include("confide.messaging.urls")),
    path("payments/", payment_views.payments, name="payments"),
    path("payments/download/", payment_views.payment_document, name="payment_document"),
]
