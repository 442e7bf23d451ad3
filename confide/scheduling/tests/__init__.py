"""Tests of scheduling: the slot engine, booking, changes, requests and the public pages."""
