"""Every stored code the UI shows has a display name in each UI language."""

import pytest

from assistant.compliance.rules import CATEGORIES
from web import i18n
from web.labels import CATEGORY_NAMES, category_label, jurisdiction_label, severity_label


def test_every_taxonomy_category_has_a_name():
    assert set(CATEGORY_NAMES) == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_is_translated_into_chinese(category):
    i18n.set_locale("en")
    english = category_label(category)
    i18n.set_locale("zh_CN")
    try:
        chinese = category_label(category)
    finally:
        i18n.set_locale("en")
    assert english != category and chinese != english
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese)


def test_unknown_codes_are_shown_as_they_are():
    i18n.set_locale("zh_CN")
    try:
        assert category_label("local.custom_rule") == "local.custom_rule"
        assert severity_label(None) == ""
        assert jurisdiction_label("cn") == "中国内地规则"
    finally:
        i18n.set_locale("en")
