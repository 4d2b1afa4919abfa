"""Data errors to the regional centre (San Leandro 003 §418.6: "The ALPR Administrator shall
report any errors to NCRIC for correction"): the audits' data-error findings as a CSV the
administrator downloads, safe against formula injection, logged; 404 to everyone else."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accesslog.models import AccessEvent
from alpr.models import Search
from audits.services import sampling_audits as services

pytestmark = pytest.mark.django_db


def _audit_with_findings(auditor, analyst, officer):
    at = timezone.now() - timedelta(days=5)
    for i in range(3):
        Search.objects.create(user=analyst, organization="OPD", created_at=at, purpose="burglary",
                              case_number=f"26-55{i}", justification="x", attested=True,
                              criteria={"plate": f"7ABC12{i}"}, status=Search.Status.RUN)
    yesterday = timezone.localdate() - timedelta(days=1)
    audit = services.audit_open(user=auditor, title="Q", period_start=yesterday - timedelta(days=30),
                                period_end=yesterday, populations=[], shortfall_reason="Test")
    first, second, third = audit.items.order_by("position")
    services.audit_item_review(user=auditor, item=first, finding="data_error", checklist={"data_errors": True},
                               correction_description='=HYPERLINK("http://evil.example","misread 8 as B")',
                               correction_owner=analyst)
    services.audit_item_review(user=auditor, item=second, finding="data_error", checklist={"data_errors": True},
                               correction_description="Plate state recorded as NV, frame shows CA",
                               correction_owner=officer)
    services.audit_item_review(user=auditor, item=third, finding="non_compliant", checklist={},
                               notes="Purpose does not match the case")
    return audit, first, second


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_administrator_downloads_the_data_errors_for_ncric(auditor, analyst, officer, administrator, login,
                                                               client):
    audit, first, second = _audit_with_findings(auditor, analyst, officer)
    login(administrator)
    response = client.get("/audits/corrections/ncric.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "data-errors-for-ncric-" in response["Content-Disposition"]
    rows = _rows(response)
    header, body = rows[0], rows[1:]
    assert header[:5] == ["correction", "audit", "audit_period", "population", "item"]
    assert len(body) == 2  # the non-compliant finding is a misuse, not a data error
    by_item = {r[4]: dict(zip(header, r, strict=True)) for r in body}
    row = by_item[f"search {first.object_id}"]
    # Formula injection: the description is shown as text, never run.
    assert row["error"] == "'=HYPERLINK(\"http://evil.example\",\"misread 8 as B\")"
    assert row["audit"] == str(audit.pk) and row["status"] == "Open" and row["owner"] == "Analyst Tester"
    assert row["data"].startswith('{"criteria": {"plate": "7ABC12')  # what the regional centre corrects
    assert by_item[f"search {second.object_id}"]["error"] == "Plate state recorded as NV, frame shows CA"
    logged = AccessEvent.objects.filter(action="audit.corrections_export").get()
    assert logged.username == "administrator" and logged.outcome == "allowed"
    assert len(logged.data_elements["corrections"]) == 2

    # Only the open ones, when asked; a corrected one drops out.
    services.correction_close(user=officer, correction=second.corrections.get(), note="State fixed")
    open_rows = _rows(client.get("/audits/corrections/ncric.csv?status=open"))[1:]
    assert [r[4] for r in open_rows] == [f"search {first.object_id}"]
    # Junk in the filter is ignored (all rows), not an error.
    assert len(_rows(client.get("/audits/corrections/ncric.csv?status=<script>"))) == 3


def test_the_administrator_s_dashboard_counts_open_data_errors(auditor, analyst, officer, administrator):
    from accounts.dashboard import action_counts

    _audit_with_findings(auditor, analyst, officer)
    tile = next(c for c in action_counts(administrator) if c.label == "Data errors to report to NCRIC")
    assert tile.count == 2 and tile.url == "/audits/corrections/ncric.csv?status=open"
    assert not [c for c in action_counts(auditor) if "NCRIC" in c.label]


def test_nobody_else_downloads_it(personas, auditor, analyst, officer, login, client):
    _audit_with_findings(auditor, analyst, officer)
    for name in ("auditor", "coordinator", "analyst", "officer", "investigator", "outsider"):
        login(personas[name])
        assert client.get("/audits/corrections/ncric.csv").status_code == 404, name
    client.logout()
    assert client.get("/audits/corrections/ncric.csv").status_code == 302  # to sign-in
    assert not AccessEvent.objects.filter(action="audit.corrections_export").exists()
