"""Demo sharing: a CHP MOU, a Sheriff's request waiting for step 1, and a federal request
refused by law on receipt."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sharing.models import MOU, SharingRequest
from sharing.services import requests

CONFIRMATION = ("The requesting agency confirms in writing that the data will not be used for federal immigration "
                "enforcement or for prosecutions related to reproductive health care.")


def load(ctx) -> None:
    chp, sheriff, ice = (ctx.agencies[o] for o in ("CA0349400", "CA0010000", "DCICE0000"))
    MOU.objects.get_or_create(agency=chp, title="OPD–CHP ALPR data MOU", defaults={
        "scope": "Stolen vehicles and felony wants on state highways", "starts_on": ctx.today - timedelta(days=200),
        "ends_on": ctx.today + timedelta(days=165)})
    if SharingRequest.objects.exists():
        ctx.lines.append("Sharing: demo requests already present.")
        return
    now = timezone.now()
    common = {"window_from": now - timedelta(days=5), "window_to": now, "received_on": ctx.today,
              "received_via": SharingRequest.ReceivedVia.EMAIL, "confirmation_statement": CONFIRMATION}
    requests.request_receive(
        logged_by=ctx.users["administrator"], agency=sheriff, requester_name="Det. A. Kim", requester_title="Detective",
        requester_contact="akim@acso.example", purpose="Carjacking investigation: suspect vehicle movements",
        plates="3DMS368", case_number="SO-26-1234", basis=SharingRequest.Basis.VOLUNTARY, **common)
    requests.request_receive(
        logged_by=ctx.users["administrator"], agency=ice, requester_name="Officer B. Lane",
        requester_contact="lane@ice.example", purpose="Locate a vehicle", plates="7ABC123", case_number="ICE-1",
        basis=SharingRequest.Basis.VOLUNTARY, **common)
    # Issue 20 §3: records staff log a written request; the administrator (who did not log
    # it) or a designee decides it.
    requests.request_receive(
        logged_by=ctx.users["records"], agency=chp, requester_name="Officer C. Dunn", requester_title="Investigator",
        requester_contact="cdunn@chp.example", purpose="Hit and run on I-880: the fleeing vehicle's route",
        plates="8XYZ552", case_number="CHP-26-0412", basis=SharingRequest.Basis.VOLUNTARY, **common)
    ctx.lines.append("Sharing: a Sheriff's request waits for step 1 (the 'designee' may decide it); a federal "
                     "request was refused by law on receipt; CHP holds a current MOU; 'records' (records staff) "
                     "logged a CHP request the administrator decides.")
