"""Headers every page carries (issue 8): CSP without inline script, never framed, no
sniffing, a strict referrer policy; and no template carries inline script for CSP to block."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from lib.csvsafe import safe_cell


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/transparency/", "/healthz"])
def test_each_page_sends_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path}: inline event handler")
        if "javascript:" in text:
            offenders.append(f"{path}: javascript: URL")
    assert not offenders, offenders


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-cmd", "'-cmd"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("7ABC123", "7ABC123"), (-5, -5), (3.5, 3.5), ("", ""),
])
def test_csv_cells_cannot_become_formulas(value, expected):
    assert safe_cell(value) == expected
