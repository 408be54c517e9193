"""POST /api/check and the "Check a note" page, for every role and for anonymous users."""

from __future__ import annotations

import pytest

ROLES = ["collector", "trainer", "qa", "admin"]


@pytest.fixture(autouse=True)
def fixture_rules(settings, fixture_rules_dir):
    # The routes read settings.rules_dir; point it at our fixture packs before the app starts.
    settings.rules_dir = fixture_rules_dir


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_findings_from_the_api(client_as, role):
    client = client_as(role)
    response = client.post("/api/check", json={"text": "再不还就报警抓你"})
    assert response.status_code == 200
    body = response.json()
    assert body["lang"] == "zh" and body["jurisdiction"] == "cn" and body["rules_version"]
    assert body["findings"] == [{
        "rule_id": "cn.threat.arrest", "category": "threat.arrest", "severity": "critical",
        "start": 4, "end": 8, "text": "报警抓你", "message": "以抓人坐牢相威胁",
        "citation": "刑法 第二百九十三条之一 [S]", "suggestion": "说明欠款属于民事纠纷"}]


def test_api_honours_language_and_jurisdiction(client_as):
    client = client_as("qa")
    body = client.post("/api/check", json={"text": "called at 6:30am", "lang": "en",
                                           "jurisdiction": "us"}).json()
    assert [f["rule_id"] for f in body["findings"]] == ["us.harassment.time"]
    assert client.post("/api/check", json={"text": "called at 6:30am",
                                           "jurisdiction": "uk"}).json()["findings"] == []


def test_api_rejects_bad_input_with_field_names(client_as):
    client = client_as("collector")
    response = client.post("/api/check", json={"text": "x", "jurisdiction": "fr"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "jurisdiction"]
    assert client.post("/api/check", json={"text": "x" * 20_001}).status_code == 422


def test_api_needs_a_signed_in_user(client):
    assert client.post("/api/check", json={"text": "让你坐牢"}).status_code in (401, 403)


def test_page_redirects_anonymous_users_to_login(client):
    response = client.get("/check", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_page_and_its_live_form(client_as, role):
    page = client_as(role).get("/check")
    assert page.status_code == 200
    assert 'hx-post="/check/result"' in page.text
    assert "delay:300ms" in page.text
    assert 'name="text"' in page.text


def test_result_partial_highlights_findings_with_message_citation_and_rewrite(client_as):
    client = client_as("collector")
    response = client.post("/check/result", data={"text": "说<b>再不还就報警抓你</b>"})
    assert response.status_code == 200
    html = response.text
    assert '<mark class="finding sev-critical"' in html
    assert "報警抓你</mark>" in html  # the original (Traditional) characters are shown
    assert "&lt;b&gt;" in html  # the user's text is escaped
    assert "以抓人坐牢相威胁" in html and "刑法 第二百九十三条之一 [S]" in html
    assert "说明欠款属于民事纠纷" in html


def test_result_partial_for_clean_and_empty_notes(client_as):
    client = client_as("trainer")
    assert "finding" not in client.post("/check/result", data={"text": "已电联，客户承诺月底还款"}
                                        ).text.replace("findings", "")
    assert client.post("/check/result", data={"text": "  "}).status_code == 200


@pytest.mark.parametrize("locale, label, title, names", [
    ("zh_CN", "依据", "备注合规检查", ["以抓捕、坐牢相威胁", "严重", "中文 · 中国内地规则"]),
    ("en", "Regulation", "Check a note", ["Threat of arrest or jail", "critical",
                                          "Chinese · China rules"])])
def test_page_and_partial_follow_the_user_interface_language(client_as, make_user, locale,
                                                             label, title, names):
    client = client_as(user=make_user("qa", locale=locale))
    assert f"<h1>{title}</h1>" in client.get("/check").text
    html = client.post("/check/result", data={"text": "让你坐牢"}).text
    assert label in html
    # Categories, severities, language and rules are named in the UI language; the rule id
    # stays visible for reviewers.
    for name in names:
        assert name in html
    assert "threat.arrest" in html


def test_form_post_without_csrf_token_is_refused(client_as):
    client = client_as("collector")
    client.headers.pop("X-CSRF-Token")
    assert client.post("/check/result", data={"text": "让你坐牢"}).status_code == 403
