"""A person's messages, mounted in the portal at /portal/messages/."""

from django.urls import path

from confide.messaging import views

app_name = "messages"

urlpatterns = [
    path("", views.thread, name="thread"),
    path("files/<uuid:uid>/", views.attachment, name="attachment"),
]
