"""Q-1..Q-6: investigative search conditions, wildcard semantics, logging, isolation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessEvent
from alpr.criteria import build_criteria
from alpr.models import Search
from alpr.plates import normalize_pattern, pattern_to_regex, validate_pattern
from alpr.prohibited import prohibited_uses_named
from alpr.selectors.reads import reads_for_query
from alpr.services.search import SearchRefused, search_run
from lib.errors import DomainError, NotPermitted
from tests import factories

LAWFUL = {"purpose": "burglary", "offence_category": "PC459", "case_number": "26-004512",
          "justification": "Vehicle seen leaving a burglary scene", "attested": True}


@pytest.fixture
def cam(home_agency):
    return factories.camera(home_agency)


def _criteria(plate="", **extra):
    now = timezone.now()
    return build_criteria(captured_from=now - timedelta(days=2), captured_to=now, plate=plate, **extra)


# --- wildcard semantics -------------------------------------------------------------------

@pytest.mark.parametrize(
    "pattern,matches,misses",
    [
        ("7AB*12", ["7AB12", "7ABC12", "7ABXYZ12"], ["7AB123", "17AB12", "7AC12"]),
        ("7AB?12", ["7ABC12", "7AB012"], ["7AB12", "7ABCD12"]),
        ("*C123", ["7ABC123", "C123"], ["7ABC1234"]),
        ("7ABC*", ["7ABC", "7ABC123"], ["17ABC"]),
    ],
)
def test_wildcards_match_whole_plates(analyst, cam, pattern, matches, misses):
    for plate in matches + misses:
        factories.read(cam, plate)
    found = {r.plate for r in reads_for_query(user=analyst, criteria=_criteria(pattern))}
    assert found == set(matches)
    rx = pattern_to_regex(pattern)  # the documented semantics, checked independently of SQL
    assert all(rx.match(p) for p in matches) and not any(rx.match(p) for p in misses)


def test_patterns_are_normalised_and_validated():
    assert normalize_pattern("7ab-*12 ") == "7AB*12"
    assert normalize_pattern("7**12") == "7*12"
    assert validate_pattern("7*") is not None  # too few known characters: a dragnet
    assert validate_pattern("7A?*") is not None
    assert validate_pattern("7AB%12") is not None  # SQL wildcards are not the user's to use
    assert validate_pattern("7AB*12") is None


def test_exact_plate_and_other_criteria(analyst, cam, home_agency):
    other_cam = factories.camera(home_agency, "International Blvd", latitude=37.78, longitude=-122.23)
    factories.read(cam, "7ABC123", vehicle_color="red")
    factories.read(other_cam, "7ABC123")
    factories.read(cam, "7ABC124")
    factories.read(cam, "7ABC123", minutes_ago=60 * 24 * 3)  # outside the range
    assert reads_for_query(user=analyst, criteria=_criteria("7ABC123")).count() == 2
    assert reads_for_query(user=analyst, criteria=_criteria("7ABC123", camera_ids=[other_cam.pk])).count() == 1
    assert reads_for_query(user=analyst, criteria=_criteria(vehicle_color="Red")).count() == 1
    box = _criteria(bbox=[37.77, -122.24, 37.79, -122.22])
    assert {r.camera for r in reads_for_query(user=analyst, criteria=box)} == {other_cam}


def test_criteria_refuse_bad_ranges_and_dragnets(settings, db):  # db: the retention schedule (RT-4)
    now = timezone.now()
    with pytest.raises(DomainError, match="time range"):
        build_criteria(captured_from=None, captured_to=now, plate="7ABC123")
    with pytest.raises(DomainError, match="start before"):
        build_criteria(captured_from=now, captured_to=now - timedelta(hours=1), plate="7ABC123")
    with pytest.raises(DomainError, match="30 days"):
        build_criteria(captured_from=now - timedelta(days=31), captured_to=now, plate="7ABC123")
    with pytest.raises(DomainError, match="dragnet"):
        build_criteria(captured_from=now - timedelta(days=1), captured_to=now)
    with pytest.raises(DomainError, match="map area"):
        build_criteria(captured_from=now - timedelta(days=1), captured_to=now, bbox=[38, -122, 37, -121])


# --- the conditions of a lawful search -------------------------------------------------------

@pytest.mark.parametrize(
    "change,reason",
    [
        ({"purpose": ""}, "purposes of Q-1"),
        ({"purpose": "curiosity"}, "purposes of Q-1"),
        ({"case_number": ""}, "case or incident number"),
        ({"case_number": "x"}, "case or incident number"),
        ({"attested": False}, "Attest"),
        ({"justification": "because"}, "reason for the search"),
    ],
)
def test_searches_without_the_conditions_are_refused_and_recorded(analyst, cam, change, reason):
    with pytest.raises(SearchRefused, match=reason) as caught:
        search_run(user=analyst, criteria=_criteria("7ABC123"), **{**LAWFUL, **change})
    search = caught.value.search
    assert search.status == Search.Status.REFUSED and not search.flagged_for_audit
    event = AccessEvent.objects.get(action="search.refused")
    assert event.outcome == "denied" and event.data_elements["plate"] == "7ABC123"


@pytest.mark.parametrize(
    "text",
    [
        "Locate for ICE detainer", "Assist with deportation case", "Vehicle at the abortion clinic",
        "Reproductive health investigation for out-of-state DA", "Who attended the protest on Saturday",
        "Check where my ex parks", "Subject's religion is relevant",
    ],
)
def test_prohibited_purposes_are_refused_and_flagged(analyst, cam, text):
    with pytest.raises(SearchRefused, match="prohibited use") as caught:
        search_run(user=analyst, criteria=_criteria("7ABC123"), **{**LAWFUL, "justification": text})
    assert caught.value.search.flagged_for_audit
    assert "[flagged for audit]" in AccessEvent.objects.get(action="search.refused").detail


def test_ordinary_words_are_not_mistaken_for_prohibited_uses():
    assert prohibited_uses_named("Police notice: the office reported a stolen vehicle; price of ice") == []
    assert prohibited_uses_named("Armed robbery at the market on March 3") == []


def test_a_lawful_search_runs_and_is_recorded_per_q2(analyst, cam):
    factories.read(cam, "7ABC123")
    factories.read(cam, "7ABD123")
    search = search_run(user=analyst, criteria=_criteria("7AB*123"), **LAWFUL)
    assert search.status == Search.Status.RUN and search.result_count == 2
    event = AccessEvent.objects.get(action="search.run")
    assert (event.username, event.agency_name, event.purpose, event.case_number) == (
        "analyst", "Oakland Police Department", "burglary", "26-004512")
    assert event.data_elements["plate"] == "7AB*123" and event.data_elements["results"] == 2
    assert event.occurred_at is not None


def test_only_search_roles_search(personas, cam):
    for name in ("pst", "administrator", "coordinator", "auditor"):
        with pytest.raises(NotPermitted):
            search_run(user=personas[name], criteria=_criteria("7ABC123"), **LAWFUL)


# --- the web pages ----------------------------------------------------------------------------

def _post_search(client, **overrides):
    now = timezone.localtime()
    data = {"purpose": "burglary", "offence_category": "PC459", "case_number": "26-004512",
            "justification": "Vehicle seen at burglary scene",
            "attest": "on", "plate": "7AB*23", "captured_from": (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "captured_to": now.strftime("%Y-%m-%dT%H:%M")}
    data.update(overrides)
    return client.post(reverse("alpr:search"), data)


def test_the_search_page_runs_shows_and_logs_results(analyst, cam, client):
    read = factories.read(cam, "7ABC123", images=True)
    client.force_login(analyst)
    response = _post_search(client)
    assert response.status_code == 302
    results = client.get(response["Location"])
    body = results.content.decode()
    assert "7ABC123" in body and 'id="map-points"' in body and "/alpr/images/" in body
    assert AccessEvent.objects.filter(action="search.results", user=analyst).exists()
    # Opening a result is logged with the search's purpose and case number.
    search = Search.objects.get()
    detail = client.get(reverse("alpr:read_detail", args=[read.pk]) + f"?search={search.pk}")
    assert detail.status_code == 200
    event = AccessEvent.objects.get(action="read.view")
    assert (event.object_id, event.case_number, event.purpose) == (str(read.pk), "26-004512", "burglary")
    # The CSV export is an access of its own.
    export = client.get(reverse("alpr:search_export", args=[search.pk]))
    assert export["Content-Type"] == "text/csv" and "7ABC123" in export.content.decode()
    assert AccessEvent.objects.filter(action="search.export", object_id=str(search.pk)).exists()


def test_the_search_page_refuses_unlawful_searches(analyst, cam, client):
    client.force_login(analyst)
    response = _post_search(client, justification="Help ICE find this car")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Search refused" in body and "flagged for the auditors" in body
    response = _post_search(client, purpose="")
    assert "Search refused" in response.content.decode()
    assert Search.objects.filter(status="refused").count() == 2


def test_a_read_outside_the_search_cannot_be_opened_through_it(analyst, investigator, cam, client):
    factories.read(cam, "7ABC123")
    unrelated = factories.read(cam, "9ZZZ999")
    client.force_login(analyst)
    _post_search(client)
    search = Search.objects.get()
    url = reverse("alpr:read_detail", args=[unrelated.pk]) + f"?search={search.pk}"
    assert client.get(url).status_code == 404
    # Someone else's search cannot be borrowed either.
    client.force_login(investigator)
    read = reads_for_query(user=analyst, criteria=_criteria("7ABC123")).get()
    assert client.get(reverse("alpr:read_detail", args=[read.pk]) + f"?search={search.pk}").status_code == 404
    assert client.get(reverse("alpr:search_results", args=[search.pk])).status_code == 404


READ_OK = {"purpose": "burglary", "case_number": "26-000777",
           "reason": "Silver sedan seen leaving the Fruitvale burglary at night"}


def test_opening_a_read_directly_needs_a_case_number_or_reason(officer, cam, client):
    read = factories.read(cam, "7ABC123")
    client.force_login(officer)
    url = reverse("alpr:read_detail", args=[read.pk])
    response = client.get(url)
    assert "Purpose (Q-1)" in response.content.decode()
    assert not AccessEvent.objects.filter(action="read.view").exists()
    response = client.get(url, READ_OK)
    assert response.status_code == 200 and "7ABC123" in response.content.decode()
    event = AccessEvent.objects.get(action="read.view")
    assert (event.case_number, event.purpose) == ("26-000777", "burglary")
    assert "Fruitvale burglary" in event.detail


@pytest.mark.parametrize("overrides,message", [
    # Issue 20 §1: the case the issue names: case "26-1", reason "x", no purpose.
    ({"purpose": "", "case_number": "26-1", "reason": "x"}, "purposes of Q-1"),
    ({"purpose": "shopping"}, "purposes of Q-1"),
    ({"case_number": ""}, "case or incident number"),
    ({"case_number": "<b>1</b>"}, "case or incident number"),
    ({"reason": "x"}, "at least a sentence"),
    ({"reason": "investigation 26-000777"}, "no information of its own"),
    ({"reason": "Burglary investigation ongoing"}, "no information of its own"),
])
def test_opening_a_read_directly_asks_the_search_rules(officer, cam, client, overrides, message):
    read = factories.read(cam, "7ABC123")
    client.force_login(officer)
    response = client.get(reverse("alpr:read_detail", args=[read.pk]), {**READ_OK, **overrides})
    assert response.status_code == 400 and message in response.content.decode()
    assert "7ABC123" not in response.content.decode()
    assert not AccessEvent.objects.filter(action="read.view").exists()
    refused = AccessEvent.objects.get(action="access.refused", object_type="read")
    assert refused.outcome == "denied" and message in refused.detail


def test_a_search_and_a_read_share_one_purpose_rule():
    """The read form and search_run call the same function: a rule changed there changes both."""
    from alpr.forms import ReadAccessForm
    from alpr.purpose import stated_purpose_problem

    for data in ({**READ_OK, "reason": "x"}, {**READ_OK, "purpose": ""}, READ_OK):
        form = ReadAccessForm(data)
        problem = stated_purpose_problem(purpose=data["purpose"], case_number=data["case_number"],
                                         reason=data["reason"], what="read")
        assert form.is_valid() == (problem == "")
        assert not problem or problem in form.non_field_errors()


def test_outsiders_get_404_for_reads_searches_and_images(analyst, outsider, cam, client):
    read = factories.read(cam, "7ABC123", images=True)
    client.force_login(analyst)
    _post_search(client)
    search = Search.objects.get()
    body = client.get(reverse("alpr:search_results", args=[search.pk])).content.decode()
    image_path = body.split('src="/alpr/images/')[1].split('"')[0]
    assert client.get("/alpr/images/" + image_path).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("alpr:read_detail", args=[read.pk]), {"case_number": "26-1"}).status_code == 404
    assert client.get(reverse("alpr:search_results", args=[search.pk])).status_code == 404
    # A signed image URL is good for the person it was made for, nobody else.
    assert client.get("/alpr/images/" + image_path).status_code == 404
    assert client.get("/alpr/images/forged-token/").status_code == 404


def test_auditors_see_search_records_not_reads(analyst, auditor, cam, client):
    read = factories.read(cam, "7ABC123")
    client.force_login(analyst)
    _post_search(client, justification="Where did the ICE agent park")
    client.force_login(auditor)
    body = client.get(reverse("alpr:searches") + "?flagged=1").content.decode()
    assert "analyst" in body and "Flagged for audit" in body
    assert client.get(reverse("alpr:search")).status_code == 404
    assert client.get(reverse("alpr:read_detail", args=[read.pk]), {"case_number": "26-1"}).status_code == 404


def test_html_in_text_fields_is_escaped(analyst, cam, client):
    client.force_login(analyst)
    _post_search(client, case_number="<script>alert(1)</script>")
    body = client.get(reverse("alpr:searches")).content.decode()
    assert "<script>alert(1)</script>" not in body


# --- issue 19: paraphrases, flags, reason quality, offence category ------------------------

def test_it_runs_a_flagged_search_and_shows_the_auditors_the_reason_typed(analyst, auditor, cam, client):
    reason = "Assault suspect's car; also list the vehicles at the mosque on Friday"
    search = search_run(user=analyst, criteria=_criteria("7ABC123"),
                        **{**LAWFUL, "purpose": "violent_crime", "offence_category": "PC245", "justification": reason})
    assert search.status == Search.Status.RUN and search.flagged_for_audit
    assert "First Amendment" in search.flag_reason
    event = AccessEvent.objects.get(action="screening.flagged")
    assert event.data_elements["reason_typed"] == reason and event.data_elements["category"] == "first_amendment"
    assert event.outcome == "allowed" and event.object_id == str(search.pk)
    assert "[flagged for audit]" in AccessEvent.objects.get(action="search.run").detail
    client.force_login(auditor)
    body = client.get(reverse("alpr:searches") + "?flagged=1").content.decode()
    assert "mosque on Friday" in body and "Flagged for audit" in body
    assert "Assault with a deadly weapon (PC 245)" in body


def test_it_refuses_a_paraphrased_prohibited_use_naming_the_category(analyst, cam):
    with pytest.raises(SearchRefused, match="reproductive health care") as caught:
        search_run(user=analyst, criteria=_criteria("7ABC123"),
                   **{**LAWFUL, "justification": "visitors to the womens health clinic"})
    assert caught.value.search.flagged_for_audit
    event = AccessEvent.objects.get(action="screening.refused")
    assert event.outcome == "denied" and event.data_elements["reason_typed"] == "visitors to the womens health clinic"


@pytest.mark.parametrize("text", ["investigation", "Case 26-004512 inv", "Burglary investigation, 26-004512"])
def test_it_refuses_reasons_that_carry_no_information(analyst, cam, text):
    with pytest.raises(SearchRefused, match="no information") as caught:
        search_run(user=analyst, criteria=_criteria("7ABC123"), **{**LAWFUL, "justification": text})
    assert not caught.value.search.flagged_for_audit


def test_it_flags_one_reason_reused_across_unrelated_cases(analyst, investigator, cam, settings):
    settings.ALPR_REASON_REUSE_LIMIT = 3
    reason = {"justification": "Suspect vehicle seen near the scene"}
    first = search_run(user=analyst, criteria=_criteria("7ABC123"),
                       **{**LAWFUL, **reason, "case_number": "26-000001"})
    again = search_run(user=analyst, criteria=_criteria("7ABC123"),
                       **{**LAWFUL, **reason, "case_number": "26-000001"})  # same case: related
    second = search_run(user=analyst, criteria=_criteria("7ABC123"),
                        **{**LAWFUL, **reason, "case_number": "26-000002"})
    assert not (first.flagged_for_audit or again.flagged_for_audit or second.flagged_for_audit)
    other = search_run(user=investigator, criteria=_criteria("7ABC123"),
                       **{**LAWFUL, **reason, "case_number": "26-000003"})
    assert not other.flagged_for_audit  # another member's searches do not count
    third = search_run(user=analyst, criteria=_criteria("7ABC123"),
                       **{**LAWFUL, **reason, "case_number": "26-000003"})
    assert third.flagged_for_audit and "3 or more different cases" in third.flag_reason


def test_it_requires_an_offence_category_from_the_configured_list(analyst, cam, settings, client):
    for value in ("", "PC999"):
        with pytest.raises(SearchRefused, match="offence category"):
            search_run(user=analyst, criteria=_criteria("7ABC123"), **{**LAWFUL, "offence_category": value})
    settings.ALPR_OFFENCE_CATEGORIES = [("PC999", "Test offence (PC 999)")]
    search = search_run(user=analyst, criteria=_criteria("7ABC123"),
                        **{**LAWFUL, "offence_category": "PC999"})
    assert search.offence_category == "PC999" and search.offence_category_label == "Test offence (PC 999)"
    client.force_login(analyst)
    assert "Test offence (PC 999)" in client.get(reverse("alpr:search")).content.decode()
    response = _post_search(client, offence_category="")
    assert response.status_code == 400 and "offence category" in response.content.decode()


def test_it_screens_the_reason_for_opening_a_read_directly(officer, cam, client):
    read = factories.read(cam, "7ABC123")
    client.force_login(officer)
    url = reverse("alpr:read_detail", args=[read.pk])
    response = client.get(url, {"reason": "Check where my ex parks"})
    assert response.status_code == 403 and "personal use" in response.content.decode()
    assert not AccessEvent.objects.filter(action="read.view").exists()
    assert AccessEvent.objects.get(action="screening.refused").data_elements["where"] == "read"
    response = client.get(url, {**READ_OK, "reason": "Journalist seen near the gray sedan"})
    assert response.status_code == 200
    assert AccessEvent.objects.get(action="read.view").detail.startswith("[flagged for audit]")
    assert AccessEvent.objects.get(action="screening.flagged").data_elements["reason_typed"] == \
        "Journalist seen near the gray sedan"
