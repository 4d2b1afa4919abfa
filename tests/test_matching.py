"""HT-1, HT-5: exact, OCR-equivalent and partial-plate matching, with state rules."""

import time

import pytest

from hotlists.matching import MatcherIndex

CLASSES = ["0ODQ", "1IL", "2Z", "5S", "8B", "6G"]


@pytest.fixture
def index():
    idx = MatcherIndex(CLASSES, require_state=True)
    idx.add(1, "8XYZ412", "", "CA")
    idx.add(2, "7ABC123", "", "")
    idx.add(3, "", "6LM*3", "CA")
    idx.add(4, "5OB1234", "", "NV")
    return idx


def test_it_matches_an_exact_plate_in_the_same_state(index):
    assert [(m.entry_id, m.kind) for m in index.match("8XYZ412", "CA")] == [(1, "exact")]


def test_ocr_equivalence_records_the_substitution(index):
    [match] = index.match("BXYZ4I2", "CA")
    assert (match.entry_id, match.kind) == (1, "equivalent")
    assert match.substitutions == "B→8 at 1, I→1 at 6"
    # The entry side holds confusable characters too.
    [match] = index.match("S0B1Z34", "NV")
    assert match.entry_id == 4 and match.kind == "equivalent"


def test_a_partial_plate_entry_matches_only_whole_plates_of_its_pattern(index):
    assert [(m.entry_id, m.kind) for m in index.match("6LMN903", "CA")] == [(3, "partial")]
    assert index.match("6LMN904", "CA") == []
    assert index.match("16LMN903", "CA") == []


@pytest.mark.parametrize("pattern, matching, not_matching", [
    ("*123", "7ABC123", "7ABC124"),      # the witness saw only the end
    ("7AB*", "7ABC999", "8ABC999"),      # only the start
    ("?AB?12?", "7ABC123", "7ABC223"),   # single unknowns at both ends
    ("*BC1*", "7ABC123", "7ABD123"),     # only the middle
    ("7*3", "7ABC123", "7ABC124"),
])
def test_a_partial_plate_with_wildcards_at_either_end_is_found_whatever_its_bucket(pattern, matching, not_matching):
    idx = MatcherIndex(CLASSES, require_state=False)
    idx.add(9, "", pattern, "")
    assert [(m.entry_id, m.kind) for m in idx.match(matching)] == [(9, "partial")]
    assert idx.match(not_matching) == []


def test_state_must_agree_when_both_sides_have_it(index):
    assert index.match("8XYZ412", "NV") == []
    assert [m.entry_id for m in index.match("8XYZ412", "")] == [1]  # read state unknown
    assert [m.entry_id for m in index.match("7ABC123", "AZ")] == [2]  # entry state unknown
    relaxed = MatcherIndex(CLASSES, require_state=False)
    relaxed.add(1, "8XYZ412", "", "CA")
    assert [m.entry_id for m in relaxed.match("8XYZ412", "NV")] == [1]


def test_an_entry_matches_only_inside_its_time_window(index):
    now = time.time()
    index.add(9, "9WIN999", "", "CA", active_from=now - 10, expires_at=now + 10)
    assert [m.entry_id for m in index.match("9WIN999", "CA", now=now)] == [9]
    assert index.match("9WIN999", "CA", now=now + 10) == []
    assert index.match("9WIN999", "CA", now=now - 11) == []


def test_the_same_plate_on_two_lists_gives_two_matches(index):
    index.add(10, "8XYZ412", "", "CA")
    assert sorted(m.entry_id for m in index.match("8XYZ412", "CA")) == [1, 10]


def test_the_process_index_follows_changes(personas, home_agency):
    from alpr.models import Hit
    from tests import factories

    cam = factories.camera(home_agency)
    lst = factories.hotlist()
    factories.read(cam, "8XYZ412")
    assert Hit.objects.count() == 0
    factories.entry(lst, "8XYZ412")  # bumps the version: the next read sees it
    factories.read(cam, "8XYZ412")
    factories.read(cam, "8XYZ4I2")
    assert list(Hit.objects.order_by("pk").values_list("match_kind", flat=True)) == ["exact", "equivalent"]


def test_approving_an_internal_entry_does_not_rebuild_the_downloaded_lists(officer, administrator, home_agency):
    from hotlists.matching import get_indexes
    from hotlists.models import Hotlist
    from hotlists.services import entries as services
    from hotlists.services import feeds

    svs = services.hotlist_create(name="SVS", source=Hotlist.Source.SVS)
    feeds.import_feed(hotlist=svs, data=b"plate\nAAA1111\n", file_name="svs.csv")
    external_before = [i for i in get_indexes() if "AAA1111" in i.exact][0]
    bolo = services.hotlist_create(name="BOLO", source=Hotlist.Source.CUSTOM_BOLO, purpose=Hotlist.Purpose.BURGLARY)
    req = services.request_submit(requester=officer, hotlist=bolo, case_number="26-1", plate="BBB2222",
                                  state="CA", vehicle_description="van", justification="burglary suspect")
    services.request_approve(req=req, by=administrator)
    indexes = get_indexes()
    assert external_before in indexes  # the same object: not rebuilt
    assert any("BBB2222" in i.exact for i in indexes)


def test_a_pattern_added_after_the_index_is_prepared_is_still_found():
    idx = MatcherIndex(CLASSES, require_state=False)
    idx.add(1, "", "7AB*", "")
    idx.prepare()
    assert [m.entry_id for m in idx.match("7ABC123")] == [1]
    idx.add(2, "", "*123", "")  # the prepared alternations are rebuilt, not left stale
    assert sorted(m.entry_id for m in idx.match("7ABC123")) == [1, 2]
    assert idx.match("8ABC124") == []
