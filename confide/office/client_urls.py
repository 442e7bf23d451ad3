"""Clients, couples, notes, exports and the audit log."""

from django.urls import path

urlpatterns: list = []  # type: ignore[type-arg]
