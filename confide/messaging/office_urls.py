"""Messages in the office: the list of threads, one person's thread, files and flags."""

from django.urls import path

from confide.messaging import office_views as views

urlpatterns = [
    path("messages/", views.message_list, name="messages"),
    path("messages/people/<uuid:uid>/", views.message_thread, name="messages_thread"),
    path("messages/files/<uuid:uid>/", views.message_attachment, name="message_attachment"),
    path(
        "messages/flags/<uuid:uid>/followed-up/",
        views.message_follow_up,
        name="message_follow_up",
    ),
]
