"""Q-6 screening (issue 19): the Django-free engine, its labelled evaluation set and the
command that scores it, and reason quality (boilerplate, the reason's fingerprint)."""

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from lib.screening import (
    FIRST_AMENDMENT,
    IMMIGRATION,
    PERSONAL,
    REPRODUCTIVE,
    Outcome,
    evaluate,
    reason_fingerprint,
    reason_problem,
    screen,
    stem,
)

EVAL_CSV = Path(__file__).parent / "data" / "screening_eval.csv"


def _rows():
    with EVAL_CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_it_meets_the_targets_on_the_labelled_set():
    rows = _rows()
    prohibited = [r for r in rows if r["label"] == "prohibited"]
    lawful = [r for r in rows if r["label"] == "lawful"]
    # The set the issue asks for: >= 80 of each, every Q-6 category, the hard lawful ones.
    assert len(prohibited) >= 80 and len(lawful) >= 80
    assert {r["category"] for r in prohibited} == {"privacy", "harassment", "protected_characteristic",
                                                   "personal_use", "first_amendment", "immigration",
                                                   "reproductive_health"}
    assert {"ICE cream truck stolen", "burglary at the Planned Parenthood clinic",
            "assault outside a mosque, victim's car"} <= {r["text"] for r in lawful}
    scores = evaluate(rows)
    assert scores["prohibited"]["refused_or_flagged"] >= 0.95
    assert scores["prohibited"]["refused"] >= 0.85
    assert scores["lawful"]["refused"] <= 0.02


@pytest.mark.parametrize("text,category", [
    ("request from ice agents", IMMIGRATION),
    ("Assist Homeland Security with a removal proceeding, visa overstay", IMMIGRATION),
    ("woman who terminated a pregnancy … prosecution", REPRODUCTIVE),
    ("visitors to the womens health clinic", REPRODUCTIVE),
    ("vehicles of mosque attendees", FIRST_AMENDMENT),
    ("Where did my ex-wife go last night", PERSONAL),
])
def test_it_refuses_the_paraphrases_the_keyword_list_let_through(text, category):
    result = screen(text)
    assert result.outcome == Outcome.REFUSE and result.category == category
    assert "prohibited use (Q-6)" in result.message() and result.category_label in result.message()


@pytest.mark.parametrize("text", [
    "ICE cream truck stolen", "burglary at the Planned Parenthood clinic", "assault outside a mosque, victim's car",
    "Armed robbery at the market on March 3", "Black ice crash; driver fled the scene",
    "Police notice: the office reported a stolen vehicle",
])
def test_it_allows_lawful_reasons_that_mention_protected_places(text):
    assert screen(text).outcome == Outcome.ALLOW


def test_it_reads_acronyms_by_their_case():
    assert screen("ICE wants the owner's address").refused
    assert screen("Notify ice when the plate shows up").refused
    assert not screen("Stolen ice cream van from the depot").refused
    assert not screen("Suspect sells ice out of a blue Tahoe; shooting at the house").refused


def test_it_flags_a_protected_target_wrapped_in_a_lawful_crime():
    result = screen("Assault suspect's car; also list the vehicles at the mosque on Friday")
    assert result.outcome == Outcome.FLAG and result.category == FIRST_AMENDMENT
    assert "Flagged for the auditors" in result.message() and "mosque" in result.explanation


def test_it_refuses_an_immigration_agency_as_the_requester():
    result = screen("Locate a vehicle", agency_fields={"agency": "U.S. Customs and Border Protection"})
    assert result.refused and result.category == IMMIGRATION


def test_it_stems_word_forms_to_one_entry():
    assert stem("protesters") == stem("protesting") == stem("protest")
    assert stem("deported") == stem("deportation")
    assert stem("harassment") == stem("harassed") == stem("harass")


@pytest.mark.parametrize("text", ["inv", "investigation", "case", "Case 26-004512", "26-004512 investigation",
                                  "Burglary investigation", "ongoing investigation per sgt"])
def test_it_finds_no_information_in_boilerplate(text):
    assert reason_problem(text, case_number="26-004512", echoes=("Burglary", "Burglary (PC 459)"))


def test_it_accepts_a_reason_that_says_what_happened():
    assert reason_problem("Vehicle seen leaving a burglary scene", case_number="26-004512",
                          echoes=("Burglary", "Burglary (PC 459)")) == ""


def test_it_fingerprints_a_reason_without_its_case_number():
    assert reason_fingerprint("Suspect vehicle, case 26-1", case_number="26-1") == \
        reason_fingerprint("suspect  vehicle case 26-2!", case_number="26-2")


def test_it_scores_the_set_from_the_command(capsys):
    call_command("screening_eval", "--json")
    scores = json.loads(capsys.readouterr().out)
    assert scores["meets_targets"] is True and scores["prohibited"]["n"] >= 80 and scores["lawful"]["n"] >= 80


def test_it_exits_non_zero_when_a_set_misses_the_targets(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("text,label,category\nburglary at a house,prohibited,privacy\nStolen car,lawful,none\n")
    with pytest.raises(SystemExit) as caught:
        call_command("screening_eval", "--csv", str(path))
    assert caught.value.code == 1
    assert "TARGETS MISSED" in capsys.readouterr().out


def test_it_allows_a_suspects_description_but_not_a_group():
    assert screen("Locate Hispanic male suspect in a grey Civic").outcome == Outcome.ALLOW
    assert screen("Find all Muslim suspects").outcome != Outcome.ALLOW
    assert screen("Pregnant woman suspected of self-managed abortion").refused
