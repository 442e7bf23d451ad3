"""Clients, couples, notes, exports and the audit log."""

from django.urls import path

from confide.office import client_views as views

urlpatterns = [
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<uuid:uid>/", views.client_detail, name="client"),
    path("clients/<uuid:uid>/status/", views.client_status, name="client_status"),
    path("clients/<uuid:uid>/people/<int:person_id>/", views.person_edit, name="person_edit"),
    path("clients/<uuid:uid>/notes/new/", views.note_new, name="note_new"),
    path("clients/<uuid:uid>/export/", views.client_export, name="client_export"),
    path("clients/<uuid:uid>/anonymize/", views.client_anonymize, name="client_anonymize"),
    path("clients/<uuid:uid>/audit/", views.client_audit, name="client_audit"),
    path("clients/<uuid:uid>/documents/", views.document_upload, name="document_upload"),
    path("documents/<uuid:uid>/", views.document_download, name="document"),
    path("notes/<uuid:uid>/", views.note_detail, name="note"),
    path("audit/", views.practice_audit, name="audit"),
]
