"""Settings for reminders, messages, staff accounts and the website's words."""

from django.urls import path

from confide.office import settings2_views as views

urlpatterns = [
    path("settings/reminders/", views.reminders, name="settings_reminders"),
    path("settings/messages/", views.messages_page, name="settings_messages"),
    path("settings/messages/retry/", views.message_retry, name="settings_message_retry"),
    path(
        "settings/messages/outbox/<int:pk>/", views.outbox_message, name="settings_outbox_message"
    ),
    path("settings/staff/", views.staff, name="settings_staff"),
    path("settings/staff/<int:pk>/", views.staff_member, name="settings_staff_member"),
    path(
        "settings/staff/<int:pk>/<str:action>/",
        views.staff_action,
        name="settings_staff_action",
    ),
    path("settings/website/", views.website, name="settings_website"),
    path("settings/website/pages/<str:kind>/", views.website_page, name="settings_website_page"),
    path(
        "settings/website/questions/new/",
        views.website_question,
        name="settings_website_question_new",
    ),
    path(
        "settings/website/questions/<int:pk>/",
        views.website_question,
        name="settings_website_question",
    ),
    path(
        "settings/website/questions/<int:pk>/delete/",
        views.website_question_delete,
        name="settings_website_question_delete",
    ),
    path(
        "settings/website/articles/new/",
        views.website_article,
        name="settings_website_article_new",
    ),
    path(
        "settings/website/articles/<int:pk>/",
        views.website_article,
        name="settings_website_article",
    ),
    path(
        "settings/website/articles/<int:pk>/publish/",
        views.website_article_publish,
        name="settings_website_article_publish",
    ),
]
