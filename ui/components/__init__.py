"""Shared pieces of the app: schema-generated controls, charts, settings and cached runs."""
