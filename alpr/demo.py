"""Demo data for retention (RT-1, RT-2, RT-4): a retention schedule with a regional source
and a legal hold for another agency's investigation with its instrument on file.

Runs after ingest.demo (the cameras and reads come from there); the hold is placed in
after_frames, once the demo's frames have been read into reads."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from alpr.models import Camera, DataSource, LegalHold, Read, RetentionRule
from alpr.selectors.retention import retention_limits
from alpr.services.retention import hold_place, retention_rule_set

REGIONAL = "NCRIC (regional)"
REGIONAL_CAMERA = "Patrol unit 2A12"
HOLD_CASE = "24-DEMO-0417"
HOLD_PLATE = "3DMS368"  # ingest.demo's search plate: several reads


def load(ctx) -> None:
    admin = ctx.users["administrator"]
    source, _ = DataSource.objects.get_or_create(
        name=REGIONAL, defaults={"description": "Mobile units' reads sent to the regional centre; San Leandro "
                                                "keeps them one year, purged on the 366th day (003 §418.5)."})
    Camera.objects.filter(agency__ori=settings.ALPR_HOME_AGENCY_ORI, name=REGIONAL_CAMERA).update(data_source=source)
    # San Leandro's year where the policy in force allows it; Oakland caps reads at 30 days
    # (000 §G), so under the defaults the regional source is held to the cap.
    floor, cap = retention_limits(RetentionRule.DataClass.READS)
    days = max(floor, min(365, cap))
    if not RetentionRule.objects.filter(data_class=RetentionRule.DataClass.READS, source=source).exists():
        retention_rule_set(by=admin, data_class=RetentionRule.DataClass.READS, source=source, days=days,
                           note="003 §418.5: regional data one year where the policy in force allows it")
    # San Leandro keeps its camera images 30 days (003 §418.5); at most the reads' cap.
    image_floor, image_cap = retention_limits(RetentionRule.DataClass.IMAGES)
    if not RetentionRule.objects.filter(data_class=RetentionRule.DataClass.IMAGES, source__isnull=True).exists():
        retention_rule_set(by=admin, data_class=RetentionRule.DataClass.IMAGES,
                           days=max(image_floor, min(30, image_cap)), note="003 §418.5: camera images 30 calendar days")
    ctx.lines.append(f"Retention: reads from '{REGIONAL}' ({REGIONAL_CAMERA}) kept {days} days"
                     + ("" if days == 365 else f" (Oakland's cap of {cap} days; San Leandro's year needs "
                                               "ALPR_RETENTION_LIMITS=reads=1-365)")
                     + "; the schedule is on the Retention page.")


def after_frames(ctx) -> None:
    if LegalHold.objects.filter(case_number=HOLD_CASE).exists():
        return
    investigator = ctx.users["investigator"]
    # The OCR may read a character or two of the demo plate differently: 3DM*68, as the
    # demo's sample searches look for it.
    read_ids = list(Read.objects.filter(agency_id=investigator.agency_id, plate__startswith=HOLD_PLATE[:3],
                                        plate__endswith=HOLD_PLATE[-2:]).values_list("pk", flat=True))
    if not read_ids:
        ctx.lines.append("Legal hold: no reads of the demo plate yet; none placed.")
        return
    hold = hold_place(by=investigator, case_number=HOLD_CASE, reason=LegalHold.Reason.OTHER_AGENCY,
                      justification="Alameda County DA's investigation of a carjacking; court order to preserve "
                                    "ALPR reads of the suspect vehicle.",
                      review_on=ctx.today + timedelta(days=90), read_ids=read_ids,
                      instrument_kind=LegalHold.Instrument.COURT_ORDER, instrument_number="CR-2026-118204",
                      instrument_issued_by="Superior Court of California, County of Alameda",
                      instrument_date=ctx.today - timedelta(days=2))
    ctx.lines.append(f"Legal hold #{hold.pk} ({HOLD_CASE}): {len(read_ids)} reads of {HOLD_PLATE} kept for "
                     "another agency's investigation under a court order on file.")
