"""A person's own record, mounted in the portal at /portal/record/; no address names anyone."""

from django.urls import path

from confide.records import views

app_name = "records"

urlpatterns = [
    path("", views.record, name="record"),
    path("download/", views.download, name="download"),
    path("requests/new/", views.request_new, name="request_new"),
]
