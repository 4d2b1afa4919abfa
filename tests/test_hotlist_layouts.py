"""HL-2 (issue 22 part 2): the layouts pulled lists come in (hotlists/sources/README.md)."""

import pytest

from hotlists.models import FeedImport, Hotlist, HotlistEntry
from hotlists.services import entries as hotlist_services
from hotlists.services import feeds
from hotlists.sources.layouts import LAYOUTS, parse_cadoj_fixed, parse_ncic_delimited
from hotlists.sources.models import LAYOUT_CHOICES

# The README's sample lines.
NCIC_SAMPLE = "V|7ABC123|CA|PC|2027|SV|V123456789|CA0010900|20261102"
CADOJ_SAMPLE = "D7ABC123 CAPC2027SV V123456789CA001090020261102HONDA CIVIC 4D SILVER"


def test_it_reads_the_readme_ncic_sample():
    parsed = parse_ncic_delimited(f"H|NCIC|20261201\n{NCIC_SAMPLE}\nT|1\n".encode())
    assert parsed.error == "" and parsed.rows_read == 1
    [row] = parsed.rows
    assert (row.plate, row.state, row.category, row.reason, row.reference, str(row.entered_on)) == (
        "7ABC123", "CA", "Stolen Vehicle", "Stolen Vehicle", "V123456789", "2026-11-02")


def test_it_reads_the_readme_cadoj_sample():
    parsed = parse_cadoj_fixed(f"H CA DOJ SVS 20261201\n{CADOJ_SAMPLE}\nT000000001\n".encode())
    assert parsed.error == "" and parsed.rows_read == 1
    [row] = parsed.rows
    assert (row.plate, row.state, row.category, row.reference, str(row.entered_on)) == (
        "7ABC123", "CA", "Stolen Vehicle", "V123456789", "2026-11-02")
    assert row.reason == "Stolen Vehicle: HONDA CIVIC 4D SILVER"


@pytest.mark.parametrize("parse,data,message", [
    (parse_ncic_delimited, f"{NCIC_SAMPLE}\nT|2\n", "declares 2 records but the file has 1"),
    (parse_cadoj_fixed, f"{CADOJ_SAMPLE}\nT000000003\n", "declares 3 records but the file has 1"),
    (parse_ncic_delimited, "", "empty"),
    (parse_cadoj_fixed, "\x00\x01binary", "not text"),
])
def test_a_file_whose_trailer_disagrees_or_that_is_not_a_list_is_refused(parse, data, message):
    assert message in parse(data.encode()).error


def test_it_rejects_bad_records_with_their_line_and_reason():
    ncic = parse_ncic_delimited(f"{NCIC_SAMPLE}\nV|8XYZ412|CA\nV|7AB*123|CA|PC|2027|SV|V1|ORI|20261102\n".encode())
    assert [(r["line"], r["reason"]) for r in ncic.rejected] == [
        (2, "3 fields; the layout has 9"),
        (3, "plate has characters other than letters and digits, or is too long")]
    cadoj = parse_cadoj_fixed(f"{CADOJ_SAMPLE}\nD8XYZ412 CAPC2027\nX{CADOJ_SAMPLE[1:]}\n".encode())
    assert [r["line"] for r in cadoj.rejected] == [2, 3] and "needs 47" in cadoj.rejected[0]["reason"]


def test_the_category_screen_applies_to_every_layout(db):
    ncic = hotlist_services.hotlist_create(name="NCIC", source=Hotlist.Source.NCIC, feed_name="ncic")
    data = (f"{NCIC_SAMPLE}\n"
            "V|8XYZ412|CA|PC|2027|VIF|V000000001|CA0010900|20261102\n"  # prohibited (HL-1, SH-3)
            "V|9QQQ999|CA|PC|2027|GNG|V000000002|CA0010900|20261102\n").encode()  # not an HL-1 category
    result = feeds.import_feed(hotlist=ncic, data=data, file_name="ncic.txt", parse=parse_ncic_delimited)
    assert result.status == FeedImport.Status.APPLIED and result.dropped_count == 2
    assert set(HotlistEntry.objects.values_list("plate", flat=True)) == {"7ABC123"}


def test_the_model_offers_every_layout_and_only_those():
    assert [name for name, _ in LAYOUT_CHOICES] == list(LAYOUTS)
