"""Guidance capability."""
