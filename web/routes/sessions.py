"""Routes of the sessions area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
