"""The calendar, appointments and consultation requests."""

from django.urls import path

from confide.office import attendance_views, calendar_views, room_views, series_views
from confide.office import schedule_views as views

urlpatterns = [
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("appointments/new/", views.appointment_new, name="appointment_new"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment"),
    path("appointments/<int:pk>/move/", views.appointment_move_view, name="appointment_move"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel_view, name="appointment_cancel"),
    path(
        "appointments/<int:pk>/series/move/",
        series_views.series_move_view,
        name="appointment_series_move",
    ),
    path(
        "appointments/<int:pk>/series/cancel/",
        series_views.series_cancel_view,
        name="appointment_series_cancel",
    ),
    path(
        "appointments/<int:pk>/outcome/",
        attendance_views.appointment_outcome,
        name="appointment_outcome",
    ),
    path(
        "appointments/<int:pk>/outcome/undo/",
        attendance_views.appointment_outcome_undo,
        name="appointment_outcome_undo",
    ),
    path("appointments/<int:pk>/room/", room_views.appointment_room, name="appointment_room"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<uuid:uid>/", views.request_detail, name="request"),
    path("requests/<uuid:uid>/contacted/", views.request_contacted, name="request_contacted"),
    path("requests/<uuid:uid>/client/", views.request_accept, name="request_accept"),
    path("requests/<uuid:uid>/close/", views.request_close, name="request_close"),
]
