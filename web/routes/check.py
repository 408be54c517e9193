"""Routes of the check area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
