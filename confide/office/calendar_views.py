"""The office calendar: a day or a week as a time grid, a month overview, and a week as a list."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone

from confide.accounts.access import clinician_scope, office_view
from confide.office import time_grid
from confide.office.calendar_grid import grid_days, hours_by_date, month_weeks
from confide.office.forms_schedule import CalendarForm
from confide.office.navigation import day_links_add
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment
from confide.scheduling.selectors import (
    appointments_by_day,
    days_time_off_add,
    display_zone,
    visible_clinicians,
    zone_label,
)

VIEWS = [("day", "Day"), ("week", "Week"), ("month", "Month"), ("list", "List")]


def _month_shift(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@office_view()
def calendar(request: HttpRequest) -> HttpResponse:
    """A day or week drawn to scale, a month's counts, or a week as a list (the plain view)."""
    clinicians = visible_clinicians(request.user)
    form = CalendarForm(request.GET or None, clinicians=clinicians)
    data = form.cleaned_data if form.is_valid() else {}
    chosen: Clinician | None = data.get("clinician")
    tz = display_zone(request.user, chosen)
    today = timezone.now().astimezone(tz).date()
    day: dt.date = data.get("date") or today
    view = data.get("view") or "week"
    # Whose hours the grid draws: one clinician's, when one is shown.
    shown_clinician = clinician_scope(request.user) or chosen
    if shown_clinician is None and clinicians is not None:
        everyone = list(clinicians[:2])
        shown_clinician = everyone[0] if len(everyone) == 1 else None

    def link(to: dt.date, as_view: str = view) -> str:
        query = {"date": to.isoformat(), "view": as_view}
        if chosen is not None:
            query["clinician"] = str(chosen.pk)
        return reverse("office:calendar") + "?" + urlencode(query)

    appointments = Appointment.objects.visible_to(request.user)
    if chosen is not None:
        appointments = appointments.filter(clinician=chosen)
    context: dict[str, Any] = {
        "nav": "calendar",
        "form": form,
        "view": view,
        "zone_label": zone_label(tz),
        "display_tz": tz,
        "today": today,
        "day": day,
        "show_clinician": shown_clinician is None,
        "who": shown_clinician.name if shown_clinician else "All clinicians",
        "views": [(value, label, link(day, value)) for value, label in VIEWS],
        "today_url": link(today),
    }
    if view == "month":
        first = day.replace(day=1)
        weeks = month_weeks(appointments, month=first, tz=tz)
        weeks = [[dataclasses.replace(d, url=link(d.date, "day")) for d in w] for w in weeks]
        context |= {
            "range": dateformat.format(first, "F Y"),
            "step": "month",
            "weeks": weeks,
            "previous_url": link(_month_shift(first, -1)),
            "next_url": link(_month_shift(first, 1)),
        }
        return render(request, "office/calendar.html", context)

    if view == "day":
        first, count, step = day, 1, dt.timedelta(days=1)
        title = dateformat.format(day, "l, F j, Y")
    else:
        first = day - dt.timedelta(days=day.weekday())
        count, step = 7, dt.timedelta(weeks=1)
        title = f"Week of {dateformat.format(first, 'F j, Y')}"
    days = appointments_by_day(appointments, first=first, days=count, tz=tz)
    day_links_add(days)
    context |= {
        "range": title,
        "step": view if view != "list" else "week",
        "previous_url": link(first - step if view != "day" else day - step),
        "next_url": link(first + step if view != "day" else day + step),
        "previous_day_url": link(day - dt.timedelta(days=1)),
        "next_day_url": link(day + dt.timedelta(days=1)),
    }
    if view == "list":
        days_time_off_add(days, shown_clinician)
        context["days"] = days
        return render(request, "office/calendar.html", context)

    last = first + dt.timedelta(days=count - 1)
    hours = hours_by_date(shown_clinician, first, last) if shown_clinician else None
    laid_out, drawn = grid_days(days, hours=hours, chosen=day)
    for grid_day in laid_out:
        grid_day.url = link(grid_day.date, "day")
    context |= {
        "grid_days": laid_out,
        "hour_rows": [(dt.time(hour), row) for hour, row in time_grid.hour_rows(drawn)],
        "grid_rows": (drawn[1] - drawn[0]) * 60 // time_grid.SLOT_MINUTES,
    }
    return render(request, "office/calendar.html", context)
