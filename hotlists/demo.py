"""Demo hot lists: a state stolen-vehicle list, an alert BOLO and a covert list."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hotlists.models import Hotlist, HotlistEntry

ALERT_PLATE = "8XYZ412"  # on the SVS list: the demo's live alert
BOLO_PLATE = "6LMN903"  # on the Robbery BOLO (alert)
COVERT_PLATE = "4TUV771"  # on the covert list: only the investigator sees its hits


def load(ctx) -> None:
    now = timezone.now()
    svs, _ = Hotlist.objects.get_or_create(
        name="CA DOJ Stolen Vehicle System", defaults={"source": Hotlist.Source.SVS, "is_external": True})
    bolo, _ = Hotlist.objects.get_or_create(
        name="Robbery Section BOLO",
        defaults={"source": Hotlist.Source.CUSTOM_BOLO, "purpose": Hotlist.Purpose.VIOLENT_CRIME})
    covert, _ = Hotlist.objects.get_or_create(
        name="Robbery Section (covert)",
        defaults={"source": Hotlist.Source.CUSTOM_BOLO, "kind": Hotlist.Kind.COVERT,
                  "purpose": Hotlist.Purpose.VIOLENT_CRIME})
    investigator = ctx.users["investigator"]
    expiry = now + timedelta(days=settings.ALPR_HOTLIST_MAX_DAYS - 2)
    entries = [
        (svs, ALERT_PLATE, "Stolen vehicle", "V123456789", "Silver Honda Civic", "", None, None),
        (svs, "3DEF456", "Stolen plate", "V223456780", "", "", None, None),
        (bolo, BOLO_PLATE, "Armed robbery suspect vehicle", "", "Black Toyota Camry", "26-004512", investigator,
         expiry),
        (covert, COVERT_PLATE, "Robbery series: suspect associate", "", "White Ford Transit", "26-004519",
         investigator, expiry),
    ]
    for hotlist, plate, reason, ref, vehicle, case, responsible, expires in entries:
        HotlistEntry.objects.get_or_create(
            hotlist=hotlist, plate=plate,
            defaults={"state": "CA", "reason": reason, "reference": ref, "vehicle_description": vehicle,
                      "case_number": case, "responsible": responsible, "expires_at": expires,
                      "active_from": now - timedelta(days=2)},
        )
    ctx.lines.append(f"Hot lists: {ALERT_PLATE} (stolen, alert), {BOLO_PLATE} (BOLO, alert), "
                     f"{COVERT_PLATE} (covert, investigator only).")
