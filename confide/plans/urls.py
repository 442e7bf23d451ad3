"""A person's treatment plan, mounted in the portal at /portal/plan/."""

from django.urls import path

from confide.plans import views

app_name = "plan"

urlpatterns = [
    path("", views.plan, name="plan"),
]
