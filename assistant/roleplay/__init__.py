"""Roleplay capability."""
