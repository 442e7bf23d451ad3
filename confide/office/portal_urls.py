"""The office's pages for the client portal."""

from django.urls import path

from confide.office import portal_views as views

urlpatterns = [
    path(
        "clients/<uuid:uid>/people/<int:person_id>/portal-invite/",
        views.portal_invite_send,
        name="portal_invite",
    ),
    path(
        "clients/<uuid:uid>/people/<int:person_id>/portal-close/",
        views.portal_close,
        name="portal_close",
    ),
]
