"""The public transparency page (ID-6): the policy and aggregate figures only, never a
plate, an image or a person. No login; cached, so the public cannot load the database.

PUB-1 (Civil Code 1798.90.51; 003 §418.3(g)): the page is where the usage and privacy
policy is conspicuously posted: the policy itself (settings ALPR_USAGE_POLICY_URL and/or
ALPR_USAGE_POLICY_FILE), the custodian's title, the purposes, the retention periods of the
schedule in force (alpr.selectors.retention.schedule_rows) and the sharing rules."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from alpr.models import Camera, Hit, Read, RetentionRule, Search
from alpr.selectors.retention import retention_days, schedule_rows
from hotlists.models import Hotlist
from sharing.models import MOU, SharingRequest

logger = logging.getLogger(__name__)
CACHE_KEY = "audits:transparency:v2"
POLICY_TEXT_MAX = 500_000
CACHE_SECONDS = 600

PROHIBITED = [
    "Federal immigration enforcement",
    "Investigating or prosecuting reproductive health care",
    "Monitoring First Amendment activity (protests, rallies, the press)",
    "Personal use, harassment or intimidation",
    # 002, Restriction on Use 3, in its own words (issue 20 §5).
    "Use based on race, gender, religion, political affiliation, nationality, ethnicity, sexual orientation, "
    "disability or another classification protected by law",
    "Sharing with federal agencies or agencies outside California (Civil Code 1798.90.55)",
]


def transparency_figures() -> dict:
    now = timezone.now()
    since = now - timedelta(days=30)
    today = timezone.localdate()
    mous = (MOU.objects.filter(starts_on__lte=today, ends_on__gte=today)
            .select_related("agency").order_by("agency__name"))
    return {
        "log_digests": _log_digests(),
        "as_of": now,
        "retention_days": retention_days(RetentionRule.DataClass.READS),
        # PUB-1: the retention periods of the schedule in force (class, source, days); a
        # source's name (e.g. a regional centre) is no personal data (ID-6).
        "retention": [{"label": r["label"], "source": r["source"], "days": r["days"]} for r in schedule_rows()],
        "policy": _usage_policy(),
        "custodian_title": settings.ALPR_CUSTODIAN_TITLE,
        "administrator_title": settings.ALPR_ADMINISTRATOR_TITLE,
        "agency_name": settings.ALPR_HOME_AGENCY_NAME,
        "sharing_package_days": settings.ALPR_SHARING_PACKAGE_DAYS,
        "hotlist_max_days": settings.ALPR_HOTLIST_MAX_DAYS,
        "permitted": [label for _, label in Search.Purpose.choices],
        "prohibited": PROHIBITED,
        "sources": [label for _, label in Hotlist.Source.choices],
        "agencies": [{"agency": m.agency.name, "basis": f"Memorandum of understanding: {m.title}",
                      "until": m.ends_on} for m in mous],
        "counts": [
            ("Cameras in service", Camera.objects.filter(active=True).count()),
            ("Plate reads", Read.objects.filter(uploaded_at__gte=since).count()),
            ("Hot-list hits", Hit.objects.filter(created_at__gte=since).count()),
            ("Investigative searches", Search.objects.filter(created_at__gte=since,
                                                             status=Search.Status.RUN).count()),
            ("Sharing requests received", SharingRequest.objects.filter(logged_at__gte=since).count()),
        ],
    }


def _usage_policy() -> dict:
    """PUB-1: the agency's usage and privacy policy: its title, a link to the published text
    and the text itself from a plain-text file (shown escaped). A file that cannot be read
    is logged and left out; the page still carries the policy's terms from the configuration."""
    text = ""
    path = settings.ALPR_USAGE_POLICY_FILE
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")[:POLICY_TEXT_MAX]
        except OSError as exc:
            logger.warning("ALPR_USAGE_POLICY_FILE %s cannot be read: %s", path, exc)
    return {"title": settings.ALPR_USAGE_POLICY_TITLE, "url": settings.ALPR_USAGE_POLICY_URL, "text": text}


def _log_digests(limit: int = 7) -> dict:
    """AU-1 (issue 19): the access log's signed daily digests. A sequence number and a hash
    are no ALPR data (ID-6); whoever keeps a copy can later catch a rewritten log."""
    from audits.log_export import published_digests
    from audits.signing import fingerprint

    digests = list(published_digests(limit=limit))
    key = digests[0].public_key if digests else ""
    return {
        "rows": [{"as_of": d.as_of.astimezone(UTC).isoformat(), "last_sequence": d.last_sequence,
                  "head_hash": d.head_hash, "signature": d.signature} for d in digests],
        "public_key": key,
        "agency": settings.ALPR_HOME_AGENCY_ORI,
        "fingerprint": fingerprint(base64.b64decode(key)) if key else "",
    }


@cache_control(public=True, max_age=CACHE_SECONDS)
def transparency(request):
    figures = cache.get(CACHE_KEY)
    if figures is None:
        figures = transparency_figures()
        cache.set(CACHE_KEY, figures, CACHE_SECONDS)
    return render(request, "audits/transparency.html", {"f": figures})
