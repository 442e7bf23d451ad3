"""The office's measures, included in the office's namespace."""

from django.urls import path

from confide.measures import office_views as views

urlpatterns = [
    path("clients/<uuid:uid>/measures/", views.client_measures, name="client_measures"),
    path("clients/<uuid:uid>/measures/send/", views.measure_send_view, name="measure_send"),
    path("clients/<uuid:uid>/measures/share/", views.measure_share_view, name="measure_share"),
    path(
        "clients/<uuid:uid>/measures/schedule/",
        views.measure_schedule_view,
        name="measure_schedule",
    ),
    path(
        "measures/schedules/<uuid:uid>/stop/",
        views.measure_schedule_stop_view,
        name="measure_schedule_stop",
    ),
    path("measures/answers/<uuid:uid>/", views.response_detail, name="measure_response"),
    path(
        "measures/flags/<uuid:uid>/follow-up/",
        views.flag_follow_up_view,
        name="measure_follow_up",
    ),
]
