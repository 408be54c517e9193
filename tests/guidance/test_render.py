"""Snippets render in a sandbox that sees only the documented case context."""

from __future__ import annotations

import jinja2
import pytest
from jinja2.exceptions import SecurityError

from assistant.content.render import render_text, undeclared_variables


def test_renders_documented_variables_only():
    text = render_text("{{ borrower_name }}, {{ balance }}", {"borrower_name": "王芳",
                                                             "balance": "1,000.00",
                                                             "password_hash": "secret"})
    assert text == "王芳, 1,000.00"


def test_undefined_variable_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError):
        render_text("{{ borrower_name }} {{ password_hash }}",
                    {"borrower_name": "x", "password_hash": "secret"})


@pytest.mark.parametrize("template", [
    "{{ borrower_name.__class__.__mro__ }}",
    "{{ ''.__class__.__subclasses__() }}",
    "{{ lender.format.__globals__ }}",
])
def test_sandbox_refuses_attribute_escapes(template):
    with pytest.raises((SecurityError, jinja2.UndefinedError)):
        render_text(template, {"borrower_name": "x", "lender": "y"})


def test_linter_names_unknown_variables():
    assert undeclared_variables("{{ borrower_name }} {{ borower_name }}") == {"borower_name"}
    assert undeclared_variables("{% for x in [1] %}{{ x }}{% endfor %}") == set()
