"""Demo hot lists through the real paths: the SVS list arrives as a feed file (HL-2);
internal entries are requested and approved (HL-3, HL-4), one of them by a designee (ID-3)."""

from __future__ import annotations

from hotlists.models import Hotlist, HotlistEntryRequest
from hotlists.services import entries, feeds

ALERT_PLATE = "8XYZ412"  # on the SVS feed: the demo's live alert
BOLO_PLATE = "6LMN903"  # on the Robbery BOLO (alert), approved by the administrator
COVERT_PLATE = "4TUV771"  # on the covert list, approved by the designee: only the investigator sees its hits
PENDING_PLATE = "2GHJ345"  # waiting in the approval queue
DROPPED_PLATE = "9VIF221"  # an Immigration Violator File row: dropped at import (issue 19 §5)

SVS_FILE = f"""License Plate,State,Category,NCIC Number,Entry Date
{ALERT_PLATE},CA,Stolen vehicle,V123456789,2026-11-01
3def-456,ca,Stolen plate,V223456780,10/28/2026

"5 JKL 789","CA","Stolen vehicle","V323456781","2026-11-12"
{DROPPED_PLATE},CA,NCIC Immigration Violator File,I423456782,2026-11-20
""".encode()


def load(ctx) -> None:
    designee = ctx.users["designee"]
    svs = Hotlist.objects.filter(name="CA DOJ Stolen Vehicle System").first() or entries.hotlist_create(
        name="CA DOJ Stolen Vehicle System", source=Hotlist.Source.SVS, feed_name="svs")
    bolo = Hotlist.objects.filter(name="Robbery Section BOLO").first() or entries.hotlist_create(
        name="Robbery Section BOLO", source=Hotlist.Source.CUSTOM_BOLO, purpose=Hotlist.Purpose.VIOLENT_CRIME)
    covert = Hotlist.objects.filter(name="Robbery Section (covert)").first() or entries.hotlist_create(
        name="Robbery Section (covert)", source=Hotlist.Source.CUSTOM_BOLO, kind=Hotlist.Kind.COVERT,
        purpose=Hotlist.Purpose.VIOLENT_CRIME)
    if not svs.imports.exists():
        feeds.import_feed(hotlist=svs, data=SVS_FILE, file_name="svs-demo.csv", by=ctx.users["administrator"])
    imported = svs.imports.order_by("started_at").first()
    if imported is not None and imported.dropped_count:
        ctx.lines.append(f"Hot-list screening: the SVS file's {DROPPED_PLATE} (NCIC Immigration Violator File) was "
                         f"dropped at import (HL-1); see Hot lists > last import as administrator.")
    if not Hotlist.objects.filter(source=Hotlist.Source.NCIC_IMMIGRATION).exists():
        # A subscription the policy does not permit: on file, disabled, and it cannot be enabled.
        entries.hotlist_create(name="NCIC Immigration Violator File (refused)", source=Hotlist.Source.NCIC_IMMIGRATION,
                                feed_name="ncic-vif", active=False)
    if HotlistEntryRequest.objects.exists():
        ctx.lines.append("Hot lists: demo requests already present.")
        return
    investigator, officer = ctx.users["investigator"], ctx.users["officer"]
    bolo_req = entries.request_submit(
        requester=investigator, hotlist=bolo, case_number="26-004512", plate=BOLO_PLATE, state="CA",
        vehicle_description="Black Toyota Camry, tinted windows",
        justification="Suspect vehicle in the armed robbery at 2100 International Blvd on 11/20.")
    entries.request_approve(req=bolo_req, by=ctx.users["administrator"])
    covert_req = entries.request_submit(
        requester=investigator, hotlist=covert, case_number="26-004519", plate=COVERT_PLATE, state="CA",
        vehicle_description="White Ford Transit van",
        justification="Associate of the robbery-series suspect; movements needed without alerting patrol.")
    entries.request_approve(req=covert_req, by=designee, note="Covert: hits to Sgt. Whitfield only.")
    entries.request_submit(
        requester=officer, hotlist=bolo, case_number="26-004777", plate=PENDING_PLATE, state="CA",
        vehicle_description="Grey Nissan Altima", justification="Vehicle used in a residential burglary on 45th St.")
    ctx.lines.append(f"Hot lists: SVS feed with {ALERT_PLATE} (stolen, alert); {BOLO_PLATE} (BOLO, approved by the "
                     f"administrator); {COVERT_PLATE} (covert, approved by 'designee'); {PENDING_PLATE} waiting in "
                     "the approval queue.")
