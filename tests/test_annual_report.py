"""The annual report to the PAC (AU-4) and the public transparency page (ID-6)."""

import csv
import io
import zipfile
from datetime import date, timedelta

import pypdf
import pytest
from django.core.cache import cache
from django.utils import timezone

from alpr.models import ReadDailyTally, Search
from alpr.services.retention import purge, tally_finished_days
from audits.models import AnnualReport, BreachRecord, ComplaintRecord
from audits.report import annual_figures
from audits.services.reports import annual_report_request
from lib.errors import NotPermitted
from tests import factories

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _seed(personas, home_agency):
    cam = factories.camera(home_agency)
    lst = factories.hotlist()
    factories.entry(lst, "7ABC123")
    for _ in range(3):
        factories.read(cam, "7ABC123", minutes_ago=30)  # each raises a hit
    factories.read(cam, "5XYZ999", minutes_ago=30)
    for i, purpose in enumerate(["burglary", "burglary", "violent_crime"]):
        Search.objects.create(user=personas["analyst"], organization="OPD", purpose=purpose, case_number=f"26-{i}",
                              justification="x", attested=True, criteria={"plate": f"7AB*{i}"},
                              status=Search.Status.RUN)
    BreachRecord.objects.create(occurred_on=timezone.localdate(), discovered_on=timezone.localdate(),
                                summary="Laptop lost", records_affected=0, recorded_by=personas["coordinator"])
    ComplaintRecord.objects.create(received_on=timezone.localdate(), summary="Camera placement",
                                   recorded_by=personas["coordinator"])
    return cam


def _summary(figures):
    return dict(figures["summary"])


def test_figures_count_the_seeded_year(personas, home_agency):
    _seed(personas, home_agency)
    s = _summary(annual_figures(YEAR))
    assert s["Reads"] == 4 and s["Hits"] == 3 and s["Investigative queries"] == 3
    assert s["Cameras in service"] == 1 and s["Cameras with reads this year"] == 1
    assert s["Data breaches recorded"] == 1 and s["Community complaints recorded"] == 1
    figures = annual_figures(YEAR)
    tables = {t["name"]: t for t in figures["tables"]}
    assert dict(map(tuple, tables["queries_by_purpose"]["rows"])) == {"Burglary": 2, "Violent crime investigation": 1}
    appendix = tables["queries_appendix"]["rows"]
    assert len(appendix) == 3 and appendix[0][2] == "analyst" and appendix[0][5] == "26-0"
    assert "plate=7AB*0" in appendix[0][1]
    assert sum(r[1] for r in tables["reads_by_month"]["rows"]) == 4
    assert annual_figures(YEAR - 1)["summary"][2] == ["Reads", 0]


def test_reads_survive_the_purge_through_the_daily_tally(personas, home_agency, settings):
    cam = factories.camera(home_agency)
    old_day = timezone.localdate() - timedelta(days=40)
    for _ in range(5):
        factories.read(cam, "7ABC123", minutes_ago=40 * 24 * 60)
    from alpr.models import Read

    Read.objects.update(uploaded_at=timezone.now() - timedelta(days=40))
    purge()
    assert not Read.objects.exists()
    assert ReadDailyTally.objects.get(day=old_day, camera__isnull=True).reads == 5
    assert tally_finished_days() == 0  # idempotent: nothing left to tally
    months = annual_figures(old_day.year)["charts"]["reads"]
    assert months[old_day.month - 1] == 5


def test_only_the_coordinator_generates_and_outputs_agree(personas, coordinator, home_agency):
    _seed(personas, home_agency)
    for name in ("auditor", "administrator", "analyst"):
        with pytest.raises(NotPermitted):
            annual_report_request(user=personas[name], year=YEAR)
    report = annual_report_request(user=coordinator, year=YEAR)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE and report.progress == 100
    archive = zipfile.ZipFile(io.BytesIO(bytes(report.csv_zip)))
    names = archive.namelist()
    assert f"alpr-annual-report-{YEAR}/summary.csv" in names
    assert f"alpr-annual-report-{YEAR}/queries_appendix.csv" in names
    summary = list(csv.reader(io.StringIO(archive.read(f"alpr-annual-report-{YEAR}/summary.csv").decode())))[1:]
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(bytes(report.pdf))).pages)
    text = " ".join(text.split())
    for label, value in summary:
        assert f"{label}: {value}" in text, (label, value)
    assert "Reads: 4" in text and "Hits: 3" in text
    # The printable HTML carries the same figures and the charts as inline SVG.
    assert "<svg" in report.html and "<th>Investigative queries</th><td class=\"num\">3</td>" in report.html


def test_the_admin_page_generates_and_serves_the_report(personas, coordinator, auditor, home_agency, client):
    _seed(personas, home_agency)
    coordinator.is_staff = True
    coordinator.save()
    client.force_login(coordinator)
    page = client.get("/admin/audits/annualreport/")
    assert page.status_code == 200 and b"Generate report" in page.content
    client.post("/admin/audits/annualreport/generate/", {"year": str(YEAR)})
    report = AnnualReport.objects.get()
    assert report.status == "done"
    for fmt, kind in (("pdf", "application/pdf"), ("zip", "application/zip"), ("html", "text/html")):
        response = client.get(f"/admin/audits/annualreport/{report.pk}/download/{fmt}/")
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    assert client.post("/admin/audits/annualreport/generate/", {"year": "1999"}).status_code == 302
    assert AnnualReport.objects.count() == 1  # refused: out of range
    # The auditor may view and download, not generate.
    auditor.is_staff = True
    auditor.save()
    client.force_login(auditor)
    assert b"Generate report" not in client.get("/admin/audits/annualreport/").content
    client.post("/admin/audits/annualreport/generate/", {"year": str(YEAR)})
    assert AnnualReport.objects.count() == 1
    assert client.get(f"/admin/audits/annualreport/{report.pk}/download/pdf/").status_code == 200


def test_public_page_shows_aggregates_and_never_a_plate(personas, outsider, home_agency, client):
    from sharing.models import MOU

    cache.clear()
    _seed(personas, home_agency)
    MOU.objects.create(agency=outsider.agency, title="County ALPR MOU", scope="Reads",
                       starts_on=date(2026, 1, 1), ends_on=timezone.localdate() + timedelta(days=30))
    response = client.get("/transparency/")
    body = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "<th>Plate reads</th><td class=\"num\">4</td>" in body
    assert "<th>Hot-list hits</th><td class=\"num\">3</td>" in body
    assert "Alameda County Sheriff" in body and "30 days" in body
    for plate in ("7ABC123", "5XYZ999", "7AB*"):
        assert plate not in body
    assert "analyst" not in body and "26-0" not in body


def test_it_reports_dropped_feed_rows_and_the_years_configuration_changes(personas, home_agency, settings):
    from accesslog.configuration import environment_check
    from hotlists.models import Hotlist
    from hotlists.services import feeds
    from hotlists.services.entries import hotlist_create

    svs = hotlist_create(name="SVS", source=Hotlist.Source.SVS, feed_name="svs")
    feeds.import_feed(hotlist=svs, data=b"plate,state,category\nAAA1111,CA,Stolen vehicle\nBBB2222,CA,VIF\n"
                                         b"CCC3333,CA,VIF\nDDD4444,CA,Gang File\n", file_name="svs.csv")
    environment_check()
    settings.ALPR_RETENTION_DAYS = 45
    figures = annual_figures(YEAR)  # the report checks the environment itself first
    s = _summary(figures)
    assert s["Downloaded-list rows dropped by policy (HL-1)"] == 3
    assert s["Configuration changes"] == 3  # the list added, the baseline, the retention change
    assert s["Of them, weakening oversight or widening access"] == 2
    tables = {t["name"]: t for t in figures["tables"]}
    assert tables["hotlist_dropped"]["rows"] == [["SVS", "Gang File", "category not permitted by HL-1", 1],
                                                 ["SVS", "VIF", "prohibited category", 2]]
    retention = [r for r in tables["configuration_changes"]["rows"] if "ALPR_RETENTION_DAYS" in r[2]]
    assert retention and retention[0][5:] == ["ALPR_RETENTION_DAYS=30", "ALPR_RETENTION_DAYS=45", "yes"]
    assert "ALPR_RETENTION_DAYS=45" in render_csv_zip_text(figures, "configuration_changes")


def render_csv_zip_text(figures, name):
    from audits.report import render_csv_zip

    with zipfile.ZipFile(io.BytesIO(render_csv_zip(figures))) as archive:
        return archive.read(f"alpr-annual-report-{YEAR}/{name}.csv").decode()


def test_it_states_when_it_was_generated_in_the_agency_s_time_zone(coordinator, home_agency, settings):
    # Issue 21 §10: a report's times are the agency's, named, in the HTML and the PDF alike.
    report = annual_report_request(user=coordinator, year=YEAR)
    report.refresh_from_db()
    local = timezone.localtime()
    assert local.utcoffset() != timedelta(0)  # the test zone (America/Los_Angeles) is not UTC
    stamp = f"Generated {local:%Y-%m-%d %H}:"
    zone = f"({settings.TIME_ZONE})"
    assert stamp in report.html and zone in report.html
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(bytes(report.pdf))).pages).split())
    assert stamp in text and zone in text
