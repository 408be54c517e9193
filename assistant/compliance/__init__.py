"""Compliance checker: rule packs, normaliser, spaCy pipeline, contact policy."""
