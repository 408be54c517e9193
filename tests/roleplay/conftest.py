"""Role-play fixtures: the real content, script library and compliance checker of the repo."""

from __future__ import annotations

import pytest

from assistant.config import PROJECT_ROOT
from assistant.roleplay.acts import ActClassifier, checker_for
from assistant.roleplay.content import load_content
from assistant.roleplay.service import Roleplay

SCRIPTS_DIR = PROJECT_ROOT / "scripts_library"
RULES_DIR = PROJECT_ROOT / "compliance_rules"
DATA_DIR = PROJECT_ROOT / "tests" / "roleplay" / "data"


@pytest.fixture(scope="session")
def content():
    return load_content(SCRIPTS_DIR)


@pytest.fixture(scope="session")
def roleplay():
    return Roleplay(SCRIPTS_DIR, RULES_DIR)


@pytest.fixture(scope="session")
def classifier(content):
    return ActClassifier(content, checker_for(RULES_DIR))
