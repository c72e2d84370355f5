"""Jinja2 templates for generated projects (package data)."""
