"""A person's requests about their record, answered in the office."""

from django.urls import path

from confide.office import record_views as views

urlpatterns = [
    path("record-requests/<uuid:uid>/", views.record_request, name="record_request"),
]
