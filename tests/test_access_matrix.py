"""Access control proven, not assumed (issue 8): every URL pattern the project serves, for
every role plus anonymous, an untrained member and another agency's member, answers what
this table says. A URL added without a row here fails the test.

The world is the demo (`manage.py demo`): real hits, reads with images, searches, holds,
hot-list requests, sharing requests with documents and a package, an open audit. Each
pattern's parameters come from those objects (`_kwargs`); an object the demo lacks is
asked for by an id that does not exist (the row then reads 404 or a gate's answer).

Codes: 200 page, 302 redirect (anonymous: to sign-in; the admin: to its sign-in; stale
authentication: to re-authentication), 401 API without credentials, 403 refusal that may
be explained (training gate, a role without a permission in the admin), 404 what does
not exist for this caller, 405 a POST-only URL asked with GET (after the gates).

To print the table as the system answers now (then read every changed line before
pasting it): ALPR_ACCESS_MATRIX_PRINT=1 pytest tests/test_access_matrix.py -s
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Designation, User
from alpr.images import image_url
from alpr.models import Camera, Hit, LegalHold, Read, Search
from audits.models import Audit, DataCorrection
from hotlists.models import FeedImport, HotlistEntryRequest
from sharing.models import SharingRequest
from training.models import TrainingRecord

PERSONAS = ("anonymous", "officer", "pst", "analyst", "investigator", "administrator", "coordinator", "auditor",
            "designee", "untrained", "outsider")
MISSING = 999_999

# url name: answers in PERSONAS order
#  anon officer pst analyst investigator administrator coordinator auditor designee untrained outsider
EXPECTED: dict[str, str] = {
    "accounts:login": "200 302 302 302 302 302 302 302 302 302 302",
    "accounts:logout": "405 405 405 405 405 405 405 405 405 405 405",
    "accounts:dashboard": "302 200 200 200 200 200 200 200 200 403 200",
    "accounts:mfa_verify": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:mfa_setup": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:mfa_manage": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:reauthenticate": "302 200 200 200 200 200 200 200 200 200 200",
    "accounts:designations": "302 404 404 404 404 200 404 404 404 403 404",
    "accounts:designation_revoke": "302 405 405 405 405 405 405 405 405 403 405",
    "alpr:index": "302 302 302 302 302 302 302 302 302 403 302",
    "alpr:alerts": "302 200 200 404 200 200 404 404 200 403 200",
    "alpr:alerts_feed": "302 200 200 404 200 200 404 404 200 403 200",
    "alpr:hit_detail": "302 200 200 404 200 200 404 404 200 403 404",
    "alpr:hit_stop": "302 405 405 405 405 405 405 405 405 403 405",
    "alpr:hit_transition": "302 405 405 405 405 405 405 405 405 403 405",
    "alpr:search": "302 200 404 200 200 404 404 404 200 403 200",
    "alpr:searches": "302 200 404 200 200 404 404 200 200 403 200",
    "alpr:search_results": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:search_export": "302 404 404 200 404 404 404 404 404 403 404",
    "alpr:read_detail": "302 200 200 200 200 200 404 404 200 403 404",
    "alpr:read_image": "302 200 200 200 200 200 404 404 200 403 404",
    "alpr:retention": "302 200 404 200 200 200 200 200 200 403 200",
    "alpr:hold_new": "302 200 404 200 200 200 200 404 200 403 200",
    "alpr:hold_detail": "302 404 404 404 200 200 200 200 404 403 404",
    "alpr:hold_action": "302 405 405 405 405 405 405 405 405 403 405",
    "hotlists:index": "302 200 200 200 200 200 404 200 200 403 200",
    "hotlists:request_new": "302 200 200 200 200 200 404 404 200 403 200",
    "hotlists:my_requests": "302 200 200 200 200 200 200 200 200 403 200",
    "hotlists:queue": "302 404 404 404 404 200 404 404 200 403 404",
    "hotlists:request_detail": "302 404 404 404 200 200 404 200 200 403 404",
    "hotlists:request_action": "302 405 405 405 405 405 405 405 405 403 405",
    "hotlists:import_upload": "302 404 404 404 404 200 404 404 404 403 404",
    "hotlists:import_detail": "302 404 404 404 404 200 200 200 404 403 404",
    "sharing:index": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:request_new": "302 404 404 404 404 200 404 404 200 403 404",
    "sharing:request_detail": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:package_download": "302 404 404 404 404 200 404 404 200 403 404",
    "sharing:document": "302 404 404 404 404 200 404 200 200 403 404",
    "sharing:request_action": "302 405 405 405 405 405 405 405 405 403 405",
    "sharing:report": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:index": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:access_log_export": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:verify_now": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:log_search": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:log_search_csv": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:log_search_counts_csv": "302 404 404 404 404 200 200 200 404 403 404",
    "audits:audit_list": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:audit_new": "302 404 404 404 404 404 404 200 404 403 404",
    "audits:audit_detail": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:item_review": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:audit_finalise": "302 405 405 405 405 405 405 405 405 403 405",
    "audits:audit_memo": "302 404 404 404 404 404 404 404 404 403 404",
    "audits:corrections": "302 404 404 404 404 404 200 200 404 403 404",
    "audits:correction_close": "302 405 405 405 405 405 405 405 405 403 405",
    "training:index": "302 404 404 404 404 200 200 200 404 403 404",
    "training:required": "200 403 403 403 403 403 403 403 403 403 403",
    "training:roster_export": "302 404 404 404 404 200 200 200 404 403 404",
    "training:import": "302 404 404 404 404 404 404 404 404 403 404",
    "training:certificate": "302 200 404 404 404 200 200 200 404 403 404",
    "ingest:index": "302 404 200 200 404 200 404 404 404 403 404",
    "ingest:jobs": "302 404 200 200 404 200 404 404 404 403 404",
    "alpr_api:hits": "401 200 200 200 200 200 200 200 200 403 200",
    "alpr_api:hit": "401 200 200 404 200 200 404 404 200 403 404",
    "alpr_api:hit_transition": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:hit_stop": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:searches": "401 405 405 405 405 405 405 405 405 403 405",
    "alpr_api:search_reads": "401 404 404 200 404 404 404 404 404 403 404",
    "alpr_api:search_read": "401 404 404 200 404 404 404 404 404 403 404",
    "hotlists_api:lists": "401 200 200 200 200 200 200 200 200 403 200",
    "hotlists_api:requests": "401 200 200 200 200 200 200 200 200 403 200",
    "hotlists_api:request": "401 404 404 404 200 200 404 200 200 403 404",
    "hotlists_api:request_decision": "401 405 405 405 405 405 405 405 405 403 405",
    "hotlists_api:imports": "401 405 405 405 405 405 405 405 405 403 405",
    "hotlists_api:import": "401 404 404 404 404 200 200 200 404 403 404",
    "hotlists_api:device_hotlist": "401 401 401 401 401 401 401 401 401 401 401",
    "ingest_api:camera_frames": "405 405 405 405 405 405 405 405 405 405 405",
    "api-schema": "401 200 200 200 200 200 200 200 200 403 200",
    "health": "200 200 200 200 200 200 200 200 200 200 200",
    "transparency": "200 200 200 200 200 200 200 200 200 200 200",
}

# Admin URLs are checked per model: "app_label.model": (changelist/change/history answers,
# add answers). Delete is never offered to anyone but a superuser on these models.
EXPECTED_ADMIN: dict[str, tuple[str, str]] = {
    "auth.group": ("302 302 302 302 302 403 403 403 302 302 302",
                   "302 302 302 302 302 403 403 403 302 302 302"),
    "authtoken.tokenproxy": ("302 302 302 302 302 403 403 403 302 302 302",
                             "302 302 302 302 302 403 403 403 302 302 302"),
    "auditlog.logentry": ("302 302 302 302 302 403 403 403 302 403 302",
                          "302 302 302 302 302 403 403 403 302 403 302"),
    "axes.accessattempt": ("302 302 302 302 302 403 403 403 302 302 302",
                           "302 302 302 302 302 403 403 403 302 302 302"),
    "axes.accesslog": ("302 302 302 302 302 403 403 403 302 302 302",
                       "302 302 302 302 302 403 403 403 302 302 302"),
    "axes.accessfailurelog": ("302 302 302 302 302 403 403 403 302 302 302",
                              "302 302 302 302 302 403 403 403 302 302 302"),
    "accounts.agency": ("302 302 302 302 302 200 200 200 302 302 302",
                        "302 302 302 302 302 200 403 403 302 302 302"),
    "accounts.user": ("302 302 302 302 302 200 200 200 302 302 302",
                      "302 302 302 302 302 403 403 403 302 302 302"),
    "accounts.designation": ("302 302 302 302 302 200 200 200 302 302 302",
                             "302 302 302 302 302 200 403 403 302 302 302"),
    "accounts.notification": ("302 302 302 302 302 403 403 403 302 302 302",
                              "302 302 302 302 302 403 403 403 302 302 302"),
    "training.trainingcourse": ("302 302 302 302 302 200 200 200 302 302 302",
                                "302 302 302 302 302 403 200 403 302 302 302"),
    "training.trainingrecord": ("302 302 302 302 302 200 200 200 302 302 302",
                                "302 302 302 302 302 403 200 403 302 302 302"),
    "audits.accessevent": ("302 302 302 302 302 200 200 200 302 403 302",
                           "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.accesslogverification": ("302 302 302 302 302 403 200 200 302 403 302",
                                     "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.audit": ("302 302 302 302 302 403 200 200 302 403 302",
                     "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.datacorrection": ("302 302 302 302 302 403 200 200 302 403 302",
                              "302 302 302 302 302 403 403 403 302 403 302"),
    "audits.breachrecord": ("302 302 302 302 302 403 200 200 302 403 302",
                            "302 302 302 302 302 403 200 403 302 403 302"),
    "audits.complaintrecord": ("302 302 302 302 302 403 200 200 302 403 302",
                               "302 302 302 302 302 403 200 403 302 403 302"),
    "audits.annualreport": ("302 302 302 302 302 403 200 200 302 403 302",
                            "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.camera": ("302 302 302 302 302 403 403 403 302 403 302",
                    "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.read": ("302 302 302 302 302 403 403 403 302 403 302",
                  "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.hit": ("302 302 302 302 302 403 302/403 302/403 302 403 302",
                 "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.search": ("302 302 302 302 302 403 403 403 302 403 302",
                    "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.dispositioncode": ("302 302 302 302 302 403 403 403 302 403 302",
                             "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.stopreport": ("302 302 302 302 302 403 403 403 302 403 302",
                        "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.hituserobjectpermission": ("302 302 302 302 302 403 403 403 302 403 302",
                                     "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.legalhold": ("302 302 302 302 302 403 403 403 302 403 302",
                       "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.readdailytally": ("302 302 302 302 302 403 403 403 302 403 302",
                            "302 302 302 302 302 403 403 403 302 403 302"),
    "alpr.purgerun": ("302 302 302 302 302 403 403 403 302 403 302",
                      "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlist": ("302 302 302 302 302 403 403 403 302 403 302",
                         "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlistentry": ("302 302 302 302 302 403 403 403 302 403 302",
                              "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlistentryrequest": ("302 302 302 302 302 403 302/403 403 302 403 302",
                                     "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.feedimport": ("302 302 302 302 302 403 403 403 302 403 302",
                            "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.matcherversion": ("302 302 302 302 302 403 403 403 302 403 302",
                                "302 302 302 302 302 403 403 403 302 403 302"),
    "hotlists.hotlistentryuserobjectpermission": ("302 302 302 302 302 403 403 403 302 403 302",
                                                  "302 302 302 302 302 403 403 403 302 403 302"),
    "sharing.mou": ("302 302 302 302 302 403 403 403 302 403 302",
                    "302 302 302 302 302 403 403 403 302 403 302"),
    "sharing.sharingrequest": ("302 302 302 302 302 403 302/403 403 302 403 302",
                               "302 302 302 302 302 403 403 403 302 403 302"),
    "sharing.sharingpackage": ("302 302 302 302 302 403 403 403 302 403 302",
                               "302 302 302 302 302 403 403 403 302 403 302"),
    "ingest.framejob": ("302 302 302 302 302 403 403 403 302 403 302",
                        "302 302 302 302 302 403 403 403 302 403 302"),
}
EXPECTED_ADMIN_SITE: dict[str, str] = {
    "app_list": "302 302 302 302 302 200 200 200 302 403 302",
    "audits_annualreport_download": "302 302 302 302 302 404 404 404 302 403 302",
    "audits_annualreport_generate": "302 302 302 302 302 302 302 302 302 403 302",
    "auth_user_password_change": "302 302 302 302 302 403 403 403 302 302 302",
    "autocomplete": "302 302 302 302 302 403 403 403 302 403 302",
    "index": "302 302 302 302 302 200 200 200 302 302 302",
    "jsi18n": "302 302 302 302 302 200 200 200 302 302 302",
    "login": "200 200 200 200 200 302 302 302 200 200 200",
    "logout": "302 302 302 302 302 405 405 405 302 302 302",
    "password_change": "302 302 302 302 302 200 200 200 302 403 302",
    "password_change_done": "302 302 302 302 302 200 200 200 302 403 302",
    "view_on_site": "302 302 302 302 302 404 404 404 302 403 302",
}


def _patterns(patterns=None, namespace=None):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def _pk(obj):
    return obj.pk if obj is not None else MISSING


@pytest.fixture
def world(db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The demo's frames go through OCR: keep to those that make a search, an alert and a covert hit.
    monkeypatch.setattr("alpr.demo.BACKGROUND_FRAMES", 0)
    monkeypatch.setattr("alpr.demo.SEARCH_SEEDS", (100, 105))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", verbosity=0)
    _complete_the_demo()
    audit = _first(Audit)
    sharing = _first(SharingRequest, package__isnull=False)
    return {
        "hit": _first(Hit, entry__hotlist__kind="alert"),
        "read": _first(Read, frame__gt=""),
        "search": _first(Search),
        "hold": _first(LegalHold),
        "hotlist_request": _first(HotlistEntryRequest),
        "import": _first(FeedImport),
        "sharing": sharing,
        "audit": audit,
        "item": audit.items.order_by("pk").first() if audit else None,
        "correction": _first(DataCorrection),
        "record": _first(TrainingRecord, certificate__gt="") or _first(TrainingRecord),
        "designation": _first(Designation),
        "camera": _first(Camera),
    }


def _complete_the_demo():
    """What the demo leaves for a person to do, done: a legal hold, the Sheriff's request
    honoured and packaged with its written confirmation on file, a training certificate."""
    from django.core.files.base import ContentFile

    from alpr import retention
    from sharing import packages
    from sharing import services as sharing_services

    users = {u.username: u for u in User.objects.all()}
    read = _first(Read, frame__gt="")
    retention.hold_place(by=users["investigator"], case_number="26-004512", reason=LegalHold.Reason.ACTIVE_CRIMINAL,
                         justification="Robbery series", review_on=timezone.localdate() + timedelta(days=30),
                         read_ids=[read.pk])
    req = _first(SharingRequest, status=SharingRequest.Status.RECEIVED)
    req.confirmation_document.save("confirmation.pdf", ContentFile(b"%PDF-1.4 written confirmation"))
    req = sharing_services.document_right_and_need(req=req, by=users["administrator"], legal_authority="Sworn",
                                                   need_to_know="Robbery investigation")
    req = sharing_services.decide(req=req, by=users["designee"], honour=True, reason="Right and need shown")
    packages.package_build(req=req, by=users["designee"])
    record = _first(TrainingRecord, member=users["officer"])
    record.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"))


def _kwargs(name: str, pattern: URLPattern, world, user) -> dict:
    keys = set(pattern.pattern.converters)
    kwargs = {}
    object_for = {
        "alpr:hit": "hit", "alpr_api:hit": "hit", "alpr:search": "search", "alpr_api:search": "search",
        "alpr:read": "read", "alpr:hold": "hold", "hotlists:request": "hotlist_request",
        "hotlists_api:request": "hotlist_request", "hotlists:import": "import", "hotlists_api:import": "import",
        "sharing:": "sharing", "audits:audit": "audit", "audits:item": "audit", "audits:correction": "correction",
        "training:certificate": "record", "accounts:designation": "designation",
    }
    if "pk" in keys:
        owner = next((v for k, v in object_for.items() if name.startswith(k)), None)
        assert owner, f"{name}: say which object its pk names"
        kwargs["pk"] = _pk(world[owner])
    if "item_pk" in keys:
        kwargs["item_pk"] = _pk(world["item"])
    if "read_id" in keys:
        kwargs["read_id"] = _pk(world["read"])
    if "name" in keys:
        kwargs["name"] = "verify"
    if "action" in keys:
        kwargs["action"] = {"alpr:hold_action": "release", "sharing:request_action": "honour"}.get(name, "approve")
    if "kind" in keys:
        kwargs["kind"] = "confirmation"
    if "fmt" in keys:
        kwargs["fmt"] = "html"
    if "token" in keys:
        # Image links are signed for the member who was shown them.
        read = world["read"]
        url = image_url(read=read, kind="frame", user=user) if read and user else "/x/bad-token/"
        kwargs["token"] = url.rstrip("/").rsplit("/", 1)[-1]
    if "app_label" in keys or "object_id" in keys or "content_type_id" in keys:
        raise AssertionError(f"{name}: admin patterns are checked per model")
    return kwargs


def _clients():
    clients = {"anonymous": Client()}
    for username in PERSONAS[1:]:
        client = Client()
        client.force_login(User.objects.get(username=username))  # with the second factor (conftest)
        clients[username] = client
    return clients


def _answer(client, url):
    return str(client.get(url).status_code)


def _row(codes: dict[str, str]) -> str:
    return " ".join(codes[p] for p in PERSONAS)


def test_every_url_and_admin_page_answers_every_persona_as_the_table_says(world):
    # One test, so the demo world (frames through OCR) is built once.
    clients = _clients()
    _check_urls(world, clients)
    _check_admin(clients)
    _check_other_peoples_ids(world)


def _check_urls(world, clients):
    users = {name: (User.objects.get(username=name) if name != "anonymous" else None) for name in PERSONAS}
    observed, unlisted, wrong = {}, [], []
    for name, pattern in _patterns():
        if name is None or name.startswith("admin:"):
            continue
        codes = {}
        for persona in PERSONAS:
            url = reverse(name, kwargs=_kwargs(name, pattern, world, users[persona]))
            codes[persona] = _answer(clients[persona], url)
        observed[name] = _row(codes)
        if name not in EXPECTED:
            unlisted.append(name)
        elif EXPECTED[name] != observed[name]:
            wrong.append(f"{name}: expected {EXPECTED[name]} got {observed[name]}")
    # Stored files (frames, crops, certificates, sharing documents) are served only by the
    # checked views above, never from their storage path.
    from django.conf import settings

    for stored in (world["read"].frame.name, world["record"].certificate.name,
                   world["sharing"].confirmation_document.name):
        for persona in ("anonymous", "administrator", "auditor"):
            assert clients[persona].get(f"{settings.MEDIA_URL}{stored}").status_code == 404, (persona, stored)
    if os.environ.get("ALPR_ACCESS_MATRIX_PRINT"):
        for name, row in observed.items():
            print(f'    "{name}": "{row}",')
    assert not unlisted, f"URLs with no row in EXPECTED (add one): {unlisted}"
    assert not wrong, "\n".join(wrong)
    assert set(EXPECTED) == set(observed), f"rows for URLs that no longer exist: {set(EXPECTED) - set(observed)}"


STANDARD_ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")


def _admin_site_names():
    """The admin's own pages and any custom admin view: every admin URL name that is not
    one of a registered model's standard views (those are EXPECTED_ADMIN's)."""
    standard = {f"admin:{m._meta.app_label}_{m._meta.model_name}_{v}" for m in site._registry
                for v in STANDARD_ADMIN_VIEWS}
    return sorted({name.split(":", 1)[1] for name, _ in _patterns()
                   if name and name.startswith("admin:") and name not in standard and name != "admin:None"})


def _admin_site_args(name):
    from django.contrib.contenttypes.models import ContentType

    from audits.models import AnnualReport

    if name == "app_list":
        return ["audits"]
    if name == "view_on_site":
        designation = _first(Designation)
        return [ContentType.objects.get_for_model(Designation).pk, _pk(designation)]
    if name == "auth_user_password_change":  # setting a member's password
        return [_pk(User.objects.get(username="officer"))]
    if name == "audits_annualreport_download":
        return [_pk(_first(AnnualReport)), "pdf"]
    return []


def _check_admin(clients):
    observed, observed_site, unlisted, wrong = {}, {}, [], []
    for name in _admin_site_names():
        url = reverse(f"admin:{name}", args=_admin_site_args(name))
        observed_site[name] = _row({p: _answer(clients[p], url) for p in PERSONAS})
    for model in site._registry:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        view = {}
        for persona in PERSONAS:
            answers = {_answer(clients[persona], reverse(f"{base}_changelist"))}
            if obj is not None:
                answers.add(_answer(clients[persona], reverse(f"{base}_change", args=[obj.pk])))
                answers.add(_answer(clients[persona], reverse(f"{base}_history", args=[obj.pk])))
                delete = _answer(clients[persona], reverse(f"{base}_delete", args=[obj.pk]))
                if delete == "200":
                    wrong.append(f"{label}: {persona} is offered delete")
            view[persona] = "/".join(sorted(answers))
        add = {p: _answer(clients[p], reverse(f"{base}_add")) for p in PERSONAS}
        observed[label] = (_row(view), _row(add))
        if label not in EXPECTED_ADMIN:
            unlisted.append(label)
        elif EXPECTED_ADMIN[label] != observed[label]:
            wrong.append(f"{label}: expected {EXPECTED_ADMIN[label]} got {observed[label]}")
    for name, row in observed_site.items():
        if EXPECTED_ADMIN_SITE.get(name) != row:
            wrong.append(f"admin:{name}: expected {EXPECTED_ADMIN_SITE.get(name)} got {row}")
    if os.environ.get("ALPR_ACCESS_MATRIX_PRINT"):
        for name, row in observed_site.items():
            print(f'    "{name}": "{row}",')
        for label, (v, a) in observed.items():
            print(f'    "{label}": ("{v}",\n{" " * (len(label) + 9)}"{a}"),')
    assert not unlisted, f"admin models with no row in EXPECTED_ADMIN (add one): {unlisted}"
    stale = set(EXPECTED_ADMIN) - set(observed)
    assert not stale, f"rows for models no longer in the admin: {stale}"
    assert not wrong, "\n".join(wrong)


def _refusals(user, **filters):
    from audits import actions
    from audits.models import AccessEvent

    return AccessEvent.objects.filter(user=user, action=actions.OBJECT_REFUSED, outcome="denied", **filters)


def _check_other_peoples_ids(world):
    """IDOR: covert hits and entries, sharing requests and packages, legal holds and
    audits, named by id in the URL or the payload by someone who may not see them."""
    from rest_framework.test import APIClient

    users = {u.username: u for u in User.objects.all()}
    covert_hit = _first(Hit, entry__hotlist__kind="covert")
    covert_request = _first(HotlistEntryRequest, hotlist__kind="covert")
    hold, audit = _first(LegalHold), _first(Audit)
    sharing = world["sharing"]
    assert covert_hit and covert_request and hold and audit and sharing.package
    history = (hold.history.count(), covert_request.history.count(), sharing.history.count())
    attempts = [
        # (who, method, url, payload)
        ("officer", "get", f"/alpr/hits/{covert_hit.pk}/", None),
        ("officer", "post", f"/alpr/hits/{covert_hit.pk}/verify/", {"verify-note": "x"}),
        ("officer", "get", f"/alpr/reads/{covert_hit.read_id}/?case_number=26-1", None),
        ("analyst", "get", f"/hotlists/requests/{covert_request.pk}/", None),
        ("analyst", "post", f"/hotlists/requests/{covert_request.pk}/approve/", {}),
        ("investigator", "get", f"/sharing/requests/{sharing.pk}/", None),
        ("investigator", "get", f"/sharing/requests/{sharing.pk}/package.zip", None),
        ("investigator", "post", f"/sharing/requests/{sharing.pk}/deny/", {"reason": "x"}),
        ("officer", "get", f"/alpr/holds/{hold.pk}/", None),
        ("officer", "post", f"/alpr/holds/{hold.pk}/release/", {"note": "x"}),
        ("administrator", "get", f"/audits/audits/{audit.pk}/", None),
        ("officer", "post", f"/audits/audits/{audit.pk}/items/{audit.items.first().pk}/review/", {}),
        ("outsider", "get", f"/alpr/reads/{world['read'].pk}/?case_number=26-1", None),
        # An id in the payload: a hold built from another member's search.
        ("officer", "get", f"/alpr/holds/new/?search={world['search'].pk}", None),
    ]
    for username, method, url, payload in attempts:
        client = Client()
        client.force_login(users[username])
        before = _refusals(users[username]).count()
        response = getattr(client, method)(url, payload or {})
        assert response.status_code == 404, (username, method, url, response.status_code)
        assert _refusals(users[username]).count() == before + 1, (username, url)
    payload_refusal = _refusals(users["officer"], object_type="alpr:hold_new").get()
    assert payload_refusal.data_elements == {"param:search": str(world["search"].pk)}
    # The API answers the same, and logs the same.
    api = APIClient()
    api.force_login(users["officer"])
    assert api.get(f"/api/hits/{covert_hit.pk}/").status_code == 404
    assert _refusals(users["officer"], object_type="alpr_api:hit", object_id=str(covert_hit.pk)).exists()
    api.force_login(users["analyst"])
    assert api.get(f"/api/hotlists/requests/{covert_request.pk}/").status_code == 404
    assert _refusals(users["analyst"], object_type="hotlists_api:request").exists()
    # Nothing changed.
    assert (hold.history.count(), covert_request.history.count(), sharing.history.count()) == history

