"""The office's treatment plans, included in the office's namespace."""

from django.urls import path

from confide.plans import office_views as views

urlpatterns = [
    path("clients/<uuid:uid>/plan/", views.client_plan, name="client_plan"),
    path("clients/<uuid:uid>/plan/write/", views.plan_write, name="plan_write"),
    path("clients/<uuid:uid>/plan/sign/", views.plan_sign_view, name="plan_sign"),
    path("clients/<uuid:uid>/plan/share/", views.plan_share_view, name="plan_share"),
    path("plans/<uuid:uid>/", views.plan_version, name="plan_version"),
]
