"""Compliance-aware conversation script assistant for debt collection: the core library."""

__version__ = "0.1.0"
