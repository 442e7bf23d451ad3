"""A person's questionnaires, mounted in the portal at /portal/questionnaires/."""

from django.urls import path

from confide.measures import views

app_name = "measures"

urlpatterns = [
    path("", views.questionnaires, name="list"),
    path("<uuid:uid>/", views.answer, name="answer"),
    path("answered/<uuid:uid>/", views.done, name="done"),
]
