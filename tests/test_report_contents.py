"""AU-6 (O.M.C. 9.64, policy 002 "OMC 9.64.010" and §H): the sections of the annual report
the ALPR Coordinator enters, pre-filled from the system's counts; finalised only with every
required section filled, the race section alone waivable by the PAC's written findings;
the same figures in the report's HTML, PDF and CSV."""

import csv
import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone

from accesslog.models import AccessEvent
from alpr.models import DispositionCode, Hit, Search, StopReport
from audits.models import AnnualReportContents
from audits.report import DRAFT_NOTE, annual_figures, render_html, render_pdf
from audits.report_sections import missing_sections, system_counts
from audits.services import report_contents as service
from audits.services.reports import annual_report_request
from lib.errors import DomainError, IllegalTransition, NotPermitted
from sharing.models import SharingRequest
from tests import factories

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year

COMPLETE = {
    "race_analysis": "Stops from ALPR alerts: 4 Black, 3 Hispanic, 2 White, 1 Asian (from stop data).",
    "cost_initial_purchase": Decimal("1077500.00"), "cost_personnel": Decimal("85000.00"),
    "cost_ongoing": Decimal("900000.00"), "funding_sources": "State funds; remainder TBD",
    "public_records_requests": 2, "narrative": "The program's year in brief.",
}


def _stop(hit, officer, code, case):
    return StopReport.objects.create(hit=hit, responding_member=officer, justification="Alert validated",
                                     case_number=case, disposition=DispositionCode.objects.get(code=code),
                                     responded_at=timezone.now(), next_steps="Owner notified", documented_by=officer)


def _seed(personas, home_agency):
    """3 hits; stops: 2 recoveries (one case repeated in a search), 1 arrest; 2 queries
    that ran (one refused, not counted); 1 request routed to Records."""
    cam = factories.camera(home_agency)
    factories.entry(factories.hotlist(), "7ABC123")
    for _ in range(3):
        factories.read(cam, "7ABC123", minutes_ago=30)
    officer = personas["officer"]
    hits = list(Hit.objects.order_by("pk"))
    _stop(hits[0], officer, "REC", "26-100")
    _stop(hits[1], officer, "REC", "26-101")
    _stop(hits[2], officer, "ARR", "26-102")
    for case, status in (("26-100", Search.Status.RUN), ("26-200", Search.Status.RUN),
                         ("26-300", Search.Status.REFUSED)):
        Search.objects.create(user=personas["analyst"], organization="OPD", purpose="burglary", case_number=case,
                              justification="x", attested=True, criteria={"plate": "7AB*"}, status=status)
    return cam


def _start(coordinator):
    return service.contents_start(by=coordinator, year=YEAR)


def _save(coordinator, contents, **data):
    contents.refresh_from_db()
    return service.contents_save(by=coordinator, contents=contents, data=data, version=service.version_of(contents))


def test_it_prefills_the_counts_the_data_gives(personas, coordinator, home_agency, dispositions):
    _seed(personas, home_agency)
    contents = _start(coordinator)
    # Cases: 26-100, 26-101, 26-102 (stops) and 26-200 (a query that ran); the refused one is not a case assisted.
    assert (contents.hits, contents.recoveries, contents.arrests, contents.cases_assisted) == (3, 2, 1, 4)
    assert contents.public_records_requests == 0
    assert system_counts(YEAR)["hits"] == Hit.objects.count() == 3
    assert contents.history.get().details["prefilled"]["recoveries"] == 2
    assert AccessEvent.objects.filter(action="annual_report.contents_edit", user=coordinator).exists()
    # Opening the year again finds the same row, not a second one.
    assert _start(coordinator).pk == contents.pk and AnnualReportContents.objects.count() == 1


def test_public_records_requests_are_those_routed_to_records(personas, coordinator):
    from accounts.models import Agency
    from sharing.services import requests as sharing_services

    now = timezone.now()

    def receive(name, kind):
        agency = Agency.objects.create(name=name, state="CA", kind=kind)
        return sharing_services.request_receive(
            logged_by=personas["administrator"], agency=agency, requester_name="R. Reporter",
            requester_contact="r@example.org", purpose="Records of reads on Grand Avenue", plates="7ABC123",
            window_from=now - timedelta(days=5), window_to=now, case_number="PRA-26-1",
            basis=SharingRequest.Basis.VOLUNTARY, confirmation_statement="Confirmed.",
            received_on=timezone.localdate(), received_via=SharingRequest.ReceivedVia.LETTER)

    routed = [receive(f"Newspaper {i}", Agency.Kind.NON_LAW_ENFORCEMENT) for i in range(2)]
    other = receive("Sheriff", Agency.Kind.SHERIFF)  # a law-enforcement request, not a public-records one
    assert {r.status for r in routed} == {SharingRequest.Status.ROUTED_TO_RECORDS} and other.status != routed[0].status
    assert system_counts(YEAR)["public_records_requests"] == 2
    assert _start(coordinator).public_records_requests == 2


def test_only_the_coordinator_enters_the_sections(personas, coordinator):
    for name in ("auditor", "administrator", "analyst", "officer"):
        with pytest.raises(NotPermitted):
            service.contents_start(by=personas[name], year=YEAR)
    contents = _start(coordinator)
    with pytest.raises(NotPermitted):
        service.contents_save(by=personas["administrator"], contents=contents, data={"narrative": "x"},
                              version=service.version_of(contents))
    with pytest.raises(DomainError):
        service.contents_start(by=coordinator, year=YEAR + 1)  # a year not begun


def test_finalising_refuses_each_empty_required_section(coordinator):
    contents = _save(coordinator, _start(coordinator), **COMPLETE)
    assert missing_sections(contents) == []
    for field, empty in (("race_analysis", ""), ("cost_personnel", None), ("funding_sources", " "),
                         ("hits", None), ("cases_assisted", None), ("public_records_requests", None),
                         ("narrative", "")):
        contents = _save(coordinator, contents, **{field: empty})
        assert len(missing_sections(contents)) == 1, field
        with pytest.raises(DomainError, match="required sections are empty"):
            service.contents_finalise(by=coordinator, contents=contents)
        contents.refresh_from_db()
        assert contents.status == AnnualReportContents.Status.DRAFT
        contents = _save(coordinator, contents, **{field: COMPLETE.get(field, 1)})
    service.contents_finalise(by=coordinator, contents=contents)
    contents.refresh_from_db()
    assert contents.status == "finalised" and contents.finalised_by == coordinator
    assert contents.history.filter(transition="finalise").exists()


def test_the_race_section_may_be_met_by_the_pac_waiver_with_its_findings(coordinator):
    contents = _save(coordinator, _start(coordinator), **{**COMPLETE, "race_analysis": ""})
    assert missing_sections(contents) == [
        "Race of persons subject to the technology's use, or the PAC's written waiver"]
    # A waiver date alone is not enough: the ordinance wants its written findings in the report.
    contents = _save(coordinator, contents, race_waiver_granted_on=timezone.localdate() - timedelta(days=3))
    assert missing_sections(contents) == [
        "Race of persons subject to the technology's use: the PAC waiver's written findings"]
    contents = _save(coordinator, contents, race_waiver_findings="Burden outweighs probative value.")
    service.contents_finalise(by=coordinator, contents=contents)
    # No other section is waivable: a waiver does not excuse an empty narrative.
    service.contents_reopen(by=coordinator, contents=contents, reason="Narrative rewritten")
    contents = _save(coordinator, contents, narrative="")
    with pytest.raises(DomainError, match="Narrative"):
        service.contents_finalise(by=coordinator, contents=contents)


def test_a_waiver_cannot_be_dated_in_the_future(coordinator):
    contents = _start(coordinator)
    with pytest.raises(DomainError, match="future"):
        _save(coordinator, contents, race_waiver_granted_on=timezone.localdate() + timedelta(days=1))


def test_finalised_sections_are_not_edited_until_reopened_with_a_reason(coordinator):
    contents = _save(coordinator, _start(coordinator), **COMPLETE)
    service.contents_finalise(by=coordinator, contents=contents)
    with pytest.raises(DomainError, match="finalised"):
        _save(coordinator, contents, narrative="Changed")
    with pytest.raises(IllegalTransition):
        service.contents_finalise(by=coordinator, contents=contents)
    with pytest.raises(DomainError, match="why"):
        service.contents_reopen(by=coordinator, contents=contents, reason=" ")
    service.contents_reopen(by=coordinator, contents=contents, reason="A cost was wrong")
    contents.refresh_from_db()
    assert contents.status == "draft" and contents.finalised_at is None
    assert _save(coordinator, contents, narrative="Changed").narrative == "Changed"


def test_a_stale_or_empty_form_saves_nothing(coordinator):
    contents = _save(coordinator, _start(coordinator), **COMPLETE)
    stale = service.version_of(contents)
    _save(coordinator, contents, narrative="Someone else's edit")
    for version in (stale, ""):
        with pytest.raises(DomainError, match="nothing was saved"):
            service.contents_save(by=coordinator, contents=contents, data={"narrative": ""}, version=version)
    contents.refresh_from_db()
    assert contents.narrative == "Someone else's edit"
    with pytest.raises(DomainError, match="Unknown"):
        service.contents_save(by=coordinator, contents=contents, data={"status": "finalised"},
                              version=service.version_of(contents))


def test_html_pdf_and_csv_carry_the_same_entered_figures(personas, coordinator, home_agency, dispositions):
    _seed(personas, home_agency)
    contents = _save(coordinator, _start(coordinator), **{**COMPLETE, "arrests": 5,
                                                          "narrative": "<script>alert(1)</script> Year one."})
    report = annual_report_request(user=coordinator, year=YEAR)
    report.refresh_from_db()
    tables = {t["name"]: t for t in report.figures["tables"]}
    effectiveness = {r[0]: r[1:] for r in tables["omc_effectiveness"]["rows"]}
    # Reported (as entered) beside the system's count: the Coordinator's 5 arrests against the 1 counted.
    assert effectiveness["Arrests"] == [5, 1] and effectiveness["Stolen vehicles recovered"] == [2, 2]
    costs = dict(map(tuple, tables["omc_fiscal_costs"]["rows"]))
    assert costs["Total"] == "$2,062,500.00" and costs["Personnel"] == "$85,000.00"
    archive = zipfile.ZipFile(io.BytesIO(bytes(report.csv_zip)))
    root = f"alpr-annual-report-{YEAR}"
    pages = pypdf.PdfReader(io.BytesIO(bytes(report.pdf))).pages
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    for name in ("omc_race", "omc_fiscal_costs", "omc_effectiveness", "omc_public_records", "omc_narrative"):
        rows = list(csv.reader(io.StringIO(archive.read(f"{root}/{name}.csv").decode())))
        assert rows[0] == tables[name]["header"]
        assert rows[1:] == [[str(v) for v in r] for r in tables[name]["rows"]], name
        assert tables[name]["title"] in pdf_text and f'id="{name}"' in report.html
    summary = dict(csv.reader(io.StringIO(archive.read(f"{root}/summary.csv").decode())))
    assert summary["Arrests"] == "5" and summary["Fiscal costs, total"] == "$2,062,500.00"
    assert summary["O.M.C. 9.64 sections"] == "draft (0 required missing)"
    for label in ("Arrests: 5", "Fiscal costs, total: $2,062,500.00", "Public-records requests: 2"):
        assert label in pdf_text
    assert "<td>$2,062,500.00</td>" in report.html and "<td>5</td><td>1</td>" in report.html
    # Text entered is text: escaped in the HTML, never markup.
    assert "<script>alert(1)</script>" not in report.html and "&lt;script&gt;" in report.html
    assert contents.narrative.endswith("Year one.")


def test_the_report_says_draft_and_lists_what_is_missing(coordinator):
    figures = annual_figures(YEAR)
    assert dict(figures["summary"])["O.M.C. 9.64 sections"] == "not entered (draft)"
    contents = _save(coordinator, _start(coordinator), narrative="Only a narrative")
    status = {t["name"]: t for t in annual_figures(YEAR)["tables"]}["omc_964_status"]["rows"]
    # Effectiveness and public-records requests came pre-filled; race and fiscal costs did not.
    assert [r[0] for r in status] == missing_sections(contents) and len(status) == 2
    draft = render_html(annual_figures(YEAR))
    assert DRAFT_NOTE in draft and DRAFT_NOTE in _pdf_text(render_pdf(annual_figures(YEAR)))
    service.contents_finalise(by=coordinator, contents=_save(coordinator, contents, **COMPLETE))
    figures = annual_figures(YEAR)
    assert dict(figures["summary"])["O.M.C. 9.64 sections"] == "finalised" and figures["final"]
    assert DRAFT_NOTE not in render_html(figures) and DRAFT_NOTE not in _pdf_text(render_pdf(figures))


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages)


# --- The Coordinator's page ---------------------------------------------------------------

def test_the_page_enters_the_sections_and_refuses_bad_input(client, coordinator, personas):
    client.force_login(coordinator)
    assert client.get(f"/audits/annual-report/{YEAR}/").status_code == 404  # not opened yet
    response = client.post("/audits/annual-report/open/", {"year": str(YEAR)})
    assert response.status_code == 302 and response["Location"] == f"/audits/annual-report/{YEAR}/"
    page = client.get(f"/audits/annual-report/{YEAR}/")
    assert page.status_code == 200 and b"Required sections still empty" in page.content
    contents = AnnualReportContents.objects.get(year=YEAR)
    form = {"version": service.version_of(contents), "race_analysis": "By stop data", "cost_initial_purchase": "10",
            "cost_personnel": "-5", "cost_ongoing": "1", "funding_sources": "General fund", "hits": "0",
            "recoveries": "0", "arrests": "0", "cases_assisted": "0", "public_records_requests": "abc",
            "narrative": "N"}
    bad = client.post(f"/audits/annual-report/{YEAR}/", form)
    assert bad.status_code == 400
    contents.refresh_from_db()
    assert contents.race_analysis == "" and contents.cost_initial_purchase is None  # nothing saved
    response = client.post(f"/audits/annual-report/{YEAR}/", {**form, "cost_personnel": "5",
                                                               "public_records_requests": "1"})
    assert response.status_code == 302
    contents.refresh_from_db()
    assert contents.cost_personnel == Decimal("5") and contents.public_records_requests == 1
    assert client.post(f"/audits/annual-report/{YEAR}/finalise/").status_code == 302
    contents.refresh_from_db()
    assert contents.status == "finalised"


def test_it_checks_who_may_see_the_sections(client, coordinator, personas):
    contents = _start(coordinator)
    for name in ("officer", "analyst", "administrator", "outsider"):
        client.force_login(personas[name])
        assert client.get("/audits/annual-report/").status_code == 404
        assert client.get(f"/audits/annual-report/{YEAR}/").status_code == 404
        assert client.post(f"/audits/annual-report/{YEAR}/finalise/").status_code == 404
    client.force_login(personas["auditor"])
    assert client.get(f"/audits/annual-report/{YEAR}/").status_code == 200  # oversight reads
    assert client.post(f"/audits/annual-report/{YEAR}/", {"version": service.version_of(contents),
                                                          "narrative": "x"}).status_code == 404
    assert client.post("/audits/annual-report/open/", {"year": str(YEAR - 1)}).status_code == 404
    assert AnnualReportContents.objects.count() == 1
