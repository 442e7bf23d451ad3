"""Metrics in Prometheus's text format at /metrics, behind a token (docs/production.md)."""
