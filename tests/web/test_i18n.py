"""The Chinese UI: every string the foundation's templates and routes mark with _() has a
zh_CN translation, and pages render in the user's language."""

from __future__ import annotations

from assistant import catalogs
from web import i18n


def test_every_foundation_ui_string_has_a_chinese_translation():
    files = catalogs.area_files("base")
    assert any(path.name == "base.html" for path in files)
    assert any(path.parent.name == "admin" for path in files)
    missing = catalogs.untranslated("base", "zh_CN")
    assert not missing, "untranslated (run `assistant i18n extract base`, then translate):\n" + \
        "\n".join(f"{m.msgid!r} at {m.locations[0][0]}:{m.locations[0][1]}" for m in missing)


def test_role_names_are_translated():
    i18n.set_locale("zh_CN")
    assert [i18n.gettext_(name) for name in i18n.ROLE_NAMES] == ["催收员", "培训师", "质检",
                                                                  "管理员"]


def test_extraction_finds_strings_with_their_location(tmp_path):
    template = tmp_path / "page.html"
    template.write_text('<p>{{ _("Hello %(name)s", name=n) }}</p>\n<p>{{ _("Bye") }}</p>\n')
    messages = catalogs.extract([template], root=tmp_path)
    assert [(m.msgid, m.locations) for m in messages] == [
        ("Hello %(name)s", (("page.html", 1),)), ("Bye", (("page.html", 2),))]


def test_unknown_area_is_a_clear_error():
    import pytest

    from assistant.errors import InvalidInput

    with pytest.raises(InvalidInput, match="area: 'nope' is not one of base"):
        catalogs.area_files("nope")


def test_pages_follow_the_users_language(client_as, make_user, make_case):
    english = make_user("collector", locale="en")
    make_case(english, cease_contact=True)
    page = client_as(user=english).get("/cases").text
    assert "My cases" in page and "Cease contact" in page
    chinese = make_user("collector", locale="zh_CN")
    make_case(chinese, cease_contact=True)
    page = client_as(user=chinese).get("/cases").text
    assert "我的案件" in page and "停止联系" in page and "Cease contact" not in page


def test_signed_out_pages_follow_accept_language(client):
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en-US,en"}).text
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN"}).text
