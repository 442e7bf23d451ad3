"""A person's intake paperwork, mounted in the portal at /portal/paperwork/."""

from django.urls import path

from confide.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.paperwork, name="paperwork"),
    path("signing-electronically/", views.disclosure, name="disclosure"),
    path("questions/", views.questionnaire, name="questionnaire"),
    path("documents/<uuid:uid>/", views.document, name="document"),
    path("signed/<uuid:uid>/", views.signed_pdf, name="signed"),
]
