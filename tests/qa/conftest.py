"""QA test helpers: write note files in a given encoding and import them for real."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session

from assistant.config import PROJECT_ROOT
from assistant.qa import importer
from assistant.qa.mapping import Mapping
from assistant.qa.models import ImportBatch

RULES_DIR = PROJECT_ROOT / "compliance_rules"


@pytest.fixture
def import_bytes(engine, settings) -> Callable[..., ImportBatch]:
    """Upload DATA as FILE_NAME and store its rows (no check): the batch as stored."""

    def run(file_name: str, data: bytes, *, encoding: str = "auto",
            mapping: str | None = None, check: bool = False) -> ImportBatch:
        with Session(engine) as db:
            batch = importer.store_upload(db, settings.var_dir, file_name, data, actor=None,
                                          max_bytes=settings.max_upload_bytes)
        parsed = Mapping.parse(mapping) if mapping else None
        if check:
            from assistant.compliance.checker import get_checker

            return importer.import_file(engine, settings.var_dir, batch.id, mapping=parsed,
                                        encoding=encoding,
                                        checker_factory=lambda: get_checker(RULES_DIR))
        return importer.store_rows(engine, settings.var_dir, batch.id, mapping=parsed,
                                   encoding=encoding)

    return run


def stored_path(settings, batch: ImportBatch) -> Path:
    return settings.var_dir / batch.stored_path
