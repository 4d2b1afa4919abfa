"""Security drill (issue 18): the review's attempt groups, over HTTP, against a live server.

A hostile insider holds members' API tokens, passwords and second factors, a camera token,
and knows the ids of objects they should not see. Each attempt group makes several
requests and prints one line: `DEFENDED <group>: <detail>` or `DEFECT <group>: <what
happened>`, then `N defended, M defects`; the exit status is 1 if any attempt was a defect.

    .venv/bin/python benchmarks/security_drill.py --base-url http://127.0.0.1:8000

The drill process sets Django up with the server's own environment (DATABASE_URL,
ALPR_VAR_DIR / MEDIA_ROOT) and, through the ORM, mints only what an insider would hold:
API tokens for the demo personas, fresh recovery codes for those whose role requires two
factors (the demo's printed codes stop working), a camera token (the chosen camera's
previous token stops working), and two throwaway accounts for the lockout attempts. It
then reads the ids it attacks (covert hit, sharing request...) from the database.
Everything else goes over HTTP, and leaves what an attacker's requests leave: access-log
entries, rejected frame jobs, one hot-list request carrying script text, one legal hold.
Run it against the demo or a staging copy, never against production data.

Database roles (defect 8) cannot be tried over HTTP: tests/test_db_roles.py covers them.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import secrets
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests

from accesslog.actions import Action

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the demo's published password (README)
PERSONAS = ("officer", "pst", "analyst", "investigator", "administrator", "coordinator", "auditor", "outsider",
            "untrained", "designee")
EVIL = "https://evil.example/phish"
XSS_MARK = "xss-drill"


class Defect(Exception):
    pass


def expect(condition, message: str) -> None:
    if not condition:
        raise Defect(message)


# --- Preparation: what an insider holds, minted through the ORM ----------------------------

@dataclass
class World:
    password: str
    tokens: dict[str, str] = field(default_factory=dict)
    codes: dict[str, list[str]] = field(default_factory=dict)
    camera_token: str = ""
    throwaway: list[str] = field(default_factory=list)
    throwaway_password: str = ""
    ids: dict[str, int | None] = field(default_factory=dict)
    covert_plate: str = ""
    covert_case: str = ""
    max_frames: int = 20
    max_request_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 15 * 1024 * 1024
    prefix_bytes: int = 64 * 1024
    # ORM look-ups the drill makes after an attack (read only).
    probe: Callable[[str, int], object] | None = None


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def mint(password: str = DEMO_PASSWORD, personas=PERSONAS, camera_id: int | None = None) -> World:
    """Tokens, recovery codes, a camera token and throwaway accounts; then the ids to attack."""
    from django.conf import settings
    from rest_framework.authtoken.models import Token

    from accounts import mfa
    from accounts.models import Agency, User
    from alpr.models import Camera
    from alpr.services.cameras import camera_issue_token

    world = World(password=password)
    users = {u.username: u for u in User.objects.filter(username__in=personas)}
    for name, user in users.items():
        world.tokens[name] = Token.objects.get_or_create(user=user)[0].key
        if mfa.second_factor_required(user) or mfa.has_second_factor(user):
            world.codes[name] = mfa.recovery_codes_replace(user)
    administrator = users.get("administrator")
    cameras = Camera.objects.filter(active=True, kind=Camera.Kind.FIXED).order_by("pk")
    cam = cameras.get(pk=camera_id) if camera_id else cameras.first()
    world.camera_token = camera_issue_token(camera=cam, by=administrator)
    world.ids["camera"] = cam.pk
    stamp = f"{int(time.time())}{secrets.randbelow(1000):03d}"
    world.throwaway_password = secrets.token_urlsafe(18)
    home = Agency.objects.filter(is_home=True).first()
    for i, purpose in enumerate(("lockout", "reauth")):
        username = f"drill-{purpose}-{stamp}"
        User.objects.create_user(username=username, password=world.throwaway_password, agency=home,
                                 first_name="Drill", last_name=purpose.capitalize(),
                                 serial_number=f"DR{stamp[-12:]}{i}")  # at most 20 characters
        world.throwaway.append(username)
    world.max_frames = settings.ALPR_INGEST_MAX_FRAMES_PER_REQUEST
    world.max_request_bytes = settings.ALPR_INGEST_MAX_REQUEST_BYTES
    world.max_file_bytes = settings.ALPR_INGEST_MAX_BYTES
    world.prefix_bytes = settings.ALPR_INGEST_REJECTED_PREFIX_BYTES
    find_ids(world)
    world.probe = probe
    return world


def find_ids(world: World) -> None:
    """The ids the attacker 'guesses' (the drill knows them)."""
    from accesslog.models import AccessEvent
    from alpr.models import Hit, LegalHold, Read, Search
    from audits.models import Audit
    from hotlists.models import Hotlist, HotlistEntryRequest
    from sharing.models import SharingRequest

    def first(qs):
        obj = qs.order_by("pk").first()
        return obj.pk if obj else None

    covert_hit = Hit.objects.filter(is_covert=True).order_by("pk").first()
    ids = world.ids
    ids["alert_hit"] = first(Hit.objects.filter(is_covert=False))
    ids["covert_hit"] = covert_hit.pk if covert_hit else None
    ids["covert_read"] = covert_hit.read_id if covert_hit else None
    world.covert_plate = covert_hit.plate if covert_hit else ""
    covert_req = HotlistEntryRequest.objects.filter(hotlist__kind=Hotlist.Kind.COVERT).order_by("pk").first()
    ids["covert_request"] = covert_req.pk if covert_req else None
    world.covert_case = covert_req.case_number if covert_req else ""
    ids["open_request"] = first(HotlistEntryRequest.objects.filter(hotlist__kind=Hotlist.Kind.ALERT)
                                .exclude(requester__username="officer"))
    ids["pending_request"] = first(HotlistEntryRequest.objects.filter(status=HotlistEntryRequest.Status.SUBMITTED))
    ids["bolo"] = first(Hotlist.objects.filter(is_external=False, active=True, kind=Hotlist.Kind.ALERT))
    ids["read"] = first(Read.objects.filter(frame__gt="").exclude(pk=ids["covert_read"] or 0))
    ids["analyst_search"] = first(Search.objects.filter(user__username="analyst", status=Search.Status.RUN))
    ids["investigator_search"] = first(Search.objects.filter(user__username="investigator",
                                                             status=Search.Status.RUN))
    ids["hold"] = first(LegalHold.objects.all())
    ids["sharing"] = first(SharingRequest.objects.all())
    ids["audit"] = first(Audit.objects.all())
    ids["event"] = first(AccessEvent.objects.all())
    ids["covert_event"] = first(AccessEvent.objects.filter(object_type="hotlist_request",
                                                           object_id=str(ids["covert_request"])))


def probe(what: str, pk: int):
    """Read-only checks of what an attack left (never a change)."""
    from accesslog.models import AccessEvent
    from hotlists.models import HotlistEntryRequest
    from ingest.models import FrameJob

    if what == "request_status":
        return HotlistEntryRequest.objects.get(pk=pk).status
    if what == "event_hash":
        event = AccessEvent.objects.filter(pk=pk).first()
        return event.entry_hash if event else None
    if what == "job_frame_size":
        job = FrameJob.objects.get(pk=pk)
        return job.frame.size if job.frame else 0
    raise ValueError(what)


# --- HTTP ---------------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Member:
    """One browser (cookie session) or one API client (token)."""

    def __init__(self, base: str, name: str = "anonymous", token: str | None = None):
        self.base, self.name = base.rstrip("/"), name
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = token

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 60)
        return self.http.get(self.base + path, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 60)
        return self.http.post(self.base + path, **kw)

    def csrf(self, path: str = "/login/") -> str:
        page = self.get(path, allow_redirects=True)
        found = CSRF_INPUT.search(page.text)
        if not found:
            raise Defect(f"no CSRF token in the form at {path} ({page.status_code})")
        return found.group(1)

    def form(self, path: str, data: dict, *, form_path: str | None = None) -> requests.Response:
        return self.post(path, data={**data, "csrfmiddlewaretoken": self.csrf(form_path or path)},
                         headers={"Referer": self.base + (form_path or path)})

    def sign_in(self, username: str, password: str, next_url: str = "") -> requests.Response:
        return self.form("/login/", {"username": username, "password": password, "acknowledge": "on",
                                     "next": next_url})


def location(response) -> str:
    return response.headers.get("Location", "")


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.netloc and not url.startswith("//") and not parts.scheme


def status_ok(response, *codes) -> bool:
    return response.status_code in codes


class Drill:
    def __init__(self, base: str, world: World):
        self.base, self.world = base.rstrip("/"), world
        self._sessions: dict[str, Member] = {}
        self._cache: dict[str, object] = {}

    # People -------------------------------------------------------------------------------
    def token(self, name: str) -> Member:
        return Member(self.base, name, token=f"Token {self.world.tokens[name]}")

    def session(self, name: str) -> Member:
        """A signed-in browser: the login form, then the two-factor page with a recovery code."""
        if name in self._sessions:
            return self._sessions[name]
        member = Member(self.base, name)
        signed = member.sign_in(name, self.world.password)
        if signed.status_code != 302:
            raise RuntimeError(f"preparation: {name} could not sign in ({signed.status_code})")
        if name in self.world.codes:
            verified = member.form("/mfa/verify/", {"token": self.world.codes[name].pop(), "next": "/"})
            if verified.status_code != 302:
                raise RuntimeError(f"preparation: {name}'s recovery code was refused ({verified.status_code})")
        self._sessions[name] = member
        return member

    def id(self, key: str) -> int:
        value = self.world.ids.get(key)
        return value if value is not None else 999_999

    def refused(self, member: Member, paths, codes=(404,), method="get", **kw) -> list[str]:
        """Each path must answer one of `codes`; returns the lines describing failures."""
        bad = []
        for path in paths:
            response = getattr(member, method)(path, **kw)
            if response.status_code not in codes:
                bad.append(f"{member.name} {method.upper()} {path} -> {response.status_code}")
        return bad

    def all_refused(self, checks: list[tuple[Member, list[str]]], codes=(404,), method="get", **kw) -> int:
        bad, n = [], 0
        for member, paths in checks:
            bad += self.refused(member, paths, codes, method, **kw)
            n += len(paths)
        expect(not bad, "; ".join(bad))
        return n

    # Groups -----------------------------------------------------------------------------
    def g_anonymous_pages(self):
        anon = Member(self.base)
        paths = ["/", "/alpr/alerts/", "/alpr/search/", f"/alpr/hits/{self.id('alert_hit')}/",
                 f"/alpr/reads/{self.id('read')}/", "/audits/", "/audits/log.csv", "/sharing/", "/hotlists/",
                 "/training/", "/ingest/", "/designations/", "/mfa/"]
        bad = []
        for path in paths:
            r = anon.get(path)
            if r.status_code != 302 or not location(r).startswith("/login/"):
                bad.append(f"GET {path} -> {r.status_code} {location(r)}")
        r = anon.get("/admin/accesslog/accessevent/")
        if r.status_code != 302 or "login/" not in location(r):
            bad.append(f"GET /admin/accesslog/accessevent/ -> {r.status_code}")
        expect(not bad, "; ".join(bad))
        return f"{len(paths) + 1} pages sent an anonymous visitor to sign-in"

    def g_anonymous_api(self):
        anon = Member(self.base)
        paths = ["/api/hits/", f"/api/hits/{self.id('covert_hit')}/", "/api/hotlists/", "/api/hotlists/requests/",
                 f"/api/searches/{self.id('analyst_search')}/reads/", "/api/schema/", "/api/devices/hotlist/"]
        n = self.all_refused([(anon, paths)], codes=(401,))
        bad = self.refused(anon, ["/api/searches/", "/api/hotlists/requests/"], (401,), "post", json={})
        forged = Member(self.base, "forged token", token="Token " + "0" * 40)
        bad += self.refused(forged, ["/api/hits/"], (401,))
        expect(not bad, "; ".join(bad))
        return f"{n + 3} API calls without valid credentials answered 401"

    def g_idor_hits(self):
        hit = self.id("alert_hit")
        n = self.all_refused([
            (self.session("outsider"), [f"/alpr/hits/{hit}/"]),
            (self.token("outsider"), [f"/api/hits/{hit}/"]),
            (self.token("analyst"), [f"/api/hits/{hit}/"]),
            (self.session("auditor"), [f"/alpr/hits/{hit}/"]),
        ])
        bad = self.refused(self.token("outsider"), [f"/api/hits/{hit}/transitions/"], (404,), "post",
                           json={"transition": "verify", "plate_matches": True})
        control = self.token("officer").get(f"/api/hits/{hit}/")
        expect(control.status_code == 200, f"control: officer GET /api/hits/{hit}/ -> {control.status_code}")
        expect(not bad, "; ".join(bad))
        return f"hit #{hit}: {n + 1} attempts by another agency, an analyst and an auditor answered 404 " \
               f"(its own agency's officer: 200)"

    def g_idor_covert_hits(self):
        hit = self.id("covert_hit")
        checks = [(self.session(name), [f"/alpr/hits/{hit}/"]) for name in
                  ("officer", "analyst", "auditor", "coordinator", "outsider")]
        checks += [(self.token(name), [f"/api/hits/{hit}/"]) for name in ("officer", "pst", "analyst", "outsider")]
        n = self.all_refused(checks)
        bad = self.refused(self.token("officer"), [f"/api/hits/{hit}/transitions/"], (404,), "post",
                           json={"transition": "verify", "plate_matches": True})
        control = self.token("investigator").get(f"/api/hits/{hit}/")
        expect(not bad, "; ".join(bad))
        expect(control.status_code == 200, f"control: investigator GET /api/hits/{hit}/ -> {control.status_code}")
        return f"covert hit #{hit}: {n + 1} attempts by five roles answered 404 (responsible investigator: 200)"

    def g_idor_hotlist_requests(self):
        covert, other = self.id("covert_request"), self.id("open_request")
        n = self.all_refused([
            (self.session("officer"), [f"/hotlists/requests/{covert}/", f"/hotlists/requests/{other}/"]),
            (self.session("analyst"), [f"/hotlists/requests/{covert}/"]),
            (self.session("auditor"), [f"/hotlists/requests/{covert}/"]),
            (self.session("coordinator"), [f"/hotlists/requests/{covert}/"]),
            (self.token("officer"), [f"/api/hotlists/requests/{covert}/", f"/api/hotlists/requests/{other}/"]),
            (self.token("outsider"), [f"/api/hotlists/requests/{other}/"]),
        ])
        control = self.token("investigator").get(f"/api/hotlists/requests/{covert}/")
        expect(control.status_code == 200, f"control: investigator -> {control.status_code}")
        return f"covert request #{covert} and request #{other}: {n} attempts answered 404 (requester: 200)"

    def g_idor_sharing(self):
        pk = self.id("sharing")
        paths = [f"/sharing/requests/{pk}/", f"/sharing/requests/{pk}/package.zip",
                 f"/sharing/requests/{pk}/documents/confirmation/", f"/sharing/requests/{pk}/documents/request/"]
        n = self.all_refused([(self.session(name), paths) for name in ("officer", "analyst", "investigator",
                                                                       "outsider")])
        bad = self.refused(self.session("officer"), [f"/sharing/requests/{pk}/honour/"], (404,), "post",
                           data={"csrfmiddlewaretoken": self.session("officer").csrf("/")})
        expect(not bad, "; ".join(bad))
        control = self.session("administrator").get(f"/sharing/requests/{pk}/")
        expect(control.status_code == 200, f"control: administrator -> {control.status_code}")
        return f"sharing request #{pk}, its package and documents: {n + 1} attempts answered 404 " \
               f"(administrator: 200)"

    def _hold(self) -> int | None:
        """A legal hold placed over HTTP by the investigator on their own search (the demo has none)."""
        if "hold" in self._cache:
            return self._cache["hold"]
        pk = self.world.ids.get("hold")
        if pk is None and self.world.ids.get("investigator_search"):
            inv = self.session("investigator")
            search = self.world.ids["investigator_search"]
            review = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
            r = inv.form(f"/alpr/holds/new/?search={search}", {
                "search": search, "case_number": "26-004512", "reason": "active_criminal",
                "justification": "Security drill: hold on the robbery series reads", "review_on": review})
            found = re.search(r"/alpr/holds/(\d+)/", location(r))
            pk = int(found.group(1)) if found else None
        self._cache["hold"] = pk
        return pk

    def g_idor_holds(self):
        pk = self._hold()
        expect(pk is not None, "preparation: no legal hold exists and the investigator could not place one")
        paths = [f"/alpr/holds/{pk}/"]
        n = self.all_refused([(self.session(name), paths) for name in ("officer", "analyst", "outsider")])
        bad = self.refused(self.session("officer"), [f"/alpr/holds/{pk}/release/"], (404,), "post",
                           data={"csrfmiddlewaretoken": self.session("officer").csrf("/")})
        expect(not bad, "; ".join(bad))
        control = self.session("investigator").get(f"/alpr/holds/{pk}/")
        expect(control.status_code == 200, f"control: investigator -> {control.status_code}")
        return f"legal hold #{pk}: {n + 1} attempts answered 404 (investigator who placed it: 200)"

    def g_idor_audits(self):
        pk = self.id("audit")
        paths = [f"/audits/audits/{pk}/", f"/audits/audits/{pk}/memo.html", f"/audits/audits/{pk}/memo.pdf"]
        n = self.all_refused([(self.session(name), paths) for name in ("officer", "analyst", "administrator",
                                                                       "outsider")])
        control = self.session("auditor").get(f"/audits/audits/{pk}/")
        expect(control.status_code == 200, f"control: auditor -> {control.status_code}")
        return f"sampling audit #{pk}: {n} attempts answered 404 (auditor: 200)"

    def g_idor_searches(self):
        pk = self.id("analyst_search")
        n = self.all_refused([
            (self.session("officer"), [f"/alpr/searches/{pk}/", f"/alpr/searches/{pk}/export.csv"]),
            (self.session("investigator"), [f"/alpr/searches/{pk}/", f"/alpr/searches/{pk}/export.csv"]),
            (self.token("investigator"), [f"/api/searches/{pk}/reads/",
                                          f"/api/searches/{pk}/reads/{self.id('read')}/"]),
            (self.token("outsider"), [f"/api/searches/{pk}/reads/"]),
        ])
        control = self.token("analyst").get(f"/api/searches/{pk}/reads/")
        expect(control.status_code == 200, f"control: analyst -> {control.status_code}")
        return f"the analyst's search #{pk}: {n} attempts by others answered 404 (analyst: 200)"

    def g_idor_reads(self):
        read, covert = self.id("read"), self.id("covert_read")
        n = self.all_refused([
            (self.session("coordinator"), [f"/alpr/reads/{read}/"]),
            (self.session("outsider"), [f"/alpr/reads/{read}/"]),
            (self.session("officer"), [f"/alpr/reads/{covert}/"]),
            (self.session("analyst"), [f"/alpr/reads/{covert}/"]),
            (self.token("analyst"), [f"/api/searches/{self.id('analyst_search')}/reads/{covert}/"]),
        ])
        control = self.session("officer").get(f"/alpr/reads/{read}/")
        expect(control.status_code == 200, f"control: officer GET /alpr/reads/{read}/ -> {control.status_code}")
        return f"read #{read} and the covert read #{covert}: {n} attempts answered 404 (officer, own read: 200)"

    def _search(self, who: str, plate: str, **extra) -> requests.Response:
        now = datetime.now(UTC)
        body = {"purpose": "violent_crime", "offence_category": "PC211", "case_number": "26-DRILL-01",
                "justification": "Security drill: robbery series vehicle", "attest": True, "plate": plate,
                "captured_from": (now - timedelta(days=29)).isoformat(), "captured_to": now.isoformat(), **extra}
        return self.token(who).post("/api/searches/", json=body)

    def g_covert_search(self):
        plate = self.world.covert_plate
        expect(plate, "preparation: no covert hit in the data")
        run = self._search("analyst", plate)
        expect(run.status_code == 201,
               f"analyst POST /api/searches/ plate={plate} -> {run.status_code} {run.text[:200]}")
        expect(run.json()["result_count"] == 0, f"analyst's search for the covert plate found "
                                                f"{run.json()['result_count']} reads")
        reads = self.token("analyst").get(f"/api/searches/{run.json()['id']}/reads/")
        expect(reads.status_code == 200 and plate not in reads.text, f"results page -> {reads.status_code}, "
                                                                      f"plate shown: {plate in reads.text}")
        partial = self._search("analyst", plate[:3] + "*" + plate[-2:])
        expect(partial.status_code == 201 and plate not in self.token("analyst").get(
            f"/api/searches/{partial.json()['id']}/reads/").text, "partial-plate search showed the covert plate")
        control = self._search("investigator", plate)
        expect(control.status_code == 201 and control.json()["result_count"] >= 1,
               f"control: investigator's search -> {control.status_code} {control.text[:120]}")
        return f"analyst's exact and partial searches for {plate}: 0 reads (responsible investigator: " \
               f"{control.json()['result_count']})"

    def g_covert_alerts(self):
        plate = self.world.covert_plate
        bad = []
        for name in ("officer", "pst", "outsider"):
            for path in ("/alpr/alerts/", "/alpr/alerts/feed/"):
                r = self.session(name).get(path)
                if r.status_code != 200 or plate in r.text:
                    bad.append(f"{name} GET {path} -> {r.status_code}, plate shown: {plate in r.text}")
        for name in ("officer", "pst", "analyst", "outsider", "auditor", "coordinator"):
            r = self.token(name).get("/api/hits/")
            if r.status_code != 200 or plate in r.text:
                bad.append(f"{name} GET /api/hits/ -> {r.status_code}, plate shown: {plate in r.text}")
        expect(not bad, "; ".join(bad))
        control = self.token("investigator").get("/api/hits/")
        return f"{plate} absent from alert pages, the live feed and /api/hits/ for 6 roles " \
               f"(investigator's /api/hits/ shows it: {plate in control.text})"

    def _log_csv(self, member: Member, **params) -> tuple[int, list[dict]]:
        r = member.get("/audits/log.csv", params=params)
        return r.status_code, list(csv.DictReader(io.StringIO(r.text))) if r.status_code == 200 else []

    def _covert_log_leaks(self, member: Member) -> list[str]:
        plate, case = self.world.covert_plate, self.world.covert_case
        bad = []
        status, rows = self._log_csv(member)
        if status != 200:
            return [f"{member.name} GET /audits/log.csv -> {status}"]
        for row in rows:
            if row["action"].startswith("access_log."):
                continue  # the log's readers' own searches, logged with what they typed (AU-1)
            text = " ".join(row.values())
            if case in text or (plate in text and row["action"].startswith(("hotlist.", "hit."))):
                bad.append(f"{member.name} log.csv #{row['sequence']} {row['action']} shows {plate}/{case}")
        if not any("[covert: redacted]" in " ".join(r.values()) for r in rows):
            bad.append(f"{member.name} log.csv: no redacted covert entry listed")
        for params in ({"data_element": plate}, {"case_number": case}, {"plate": plate}):
            page = member.get("/audits/", params=params)
            table = "".join(row for row in page.text[page.text.find("<table"):].split("<tr")
                            if "access_log." not in row)
            leaked = case in table or ("data_element" in params and re.search(r"hotlist\.request|hit\.", table)) \
                or ("case_number" in params and "No entries match" not in table)
            if page.status_code != 200 or leaked:
                bad.append(f"{member.name} GET /audits/?{list(params)[0]}=... -> {page.status_code}, found covert "
                           f"entries")
        return bad[:5]

    def g_covert_access_log(self):
        bad = self._covert_log_leaks(self.session("auditor"))
        expect(not bad, "; ".join(bad))
        return f"auditor: the log page searched by {self.world.covert_plate} and {self.world.covert_case} finds " \
               f"no covert entry; the CSV lists them as [covert: redacted]"

    def _drill_request(self) -> requests.Response:
        """One hot-list request filed with the officer's token, its text carrying script."""
        if "request" not in self._cache:
            body = {"hotlist": self.id("bolo"), "plate": f"9DR{secrets.randbelow(9000) + 1000}", "state": "CA",
                    "case_number": "26-DRILL-02",
                    "vehicle_description": f'<svg onload=alert("{XSS_MARK}")>',
                    "justification": f'Burglary suspect <script>alert("{XSS_MARK}")</script> '
                                     f'<img src=x onerror=alert("{XSS_MARK}")>'}
            self._cache["request"] = self.token("officer").post("/api/hotlists/requests/", json=body)
        return self._cache["request"]

    def g_xss_stored(self):
        r = self._drill_request()
        expect(r.status_code == 201, f"officer's token POST /api/hotlists/requests/ -> {r.status_code} {r.text[:200]}")
        pk = r.json()["id"]
        bad = []
        for name, path in (("administrator", f"/hotlists/requests/{pk}/"),
                           ("administrator", "/hotlists/requests/queue/"), ("officer", "/hotlists/requests/mine/")):
            page = self.session(name).get(path)
            raw = ("<script>alert", "<img src=x onerror", "<svg onload")
            if page.status_code != 200 or any(x in page.text for x in raw):
                bad.append(f"{name} GET {path} -> {page.status_code}, raw markup: "
                           f"{[x for x in raw if x in page.text]}")
        detail = self.session("administrator").get(f"/hotlists/requests/{pk}/").text
        expect(not bad, "; ".join(bad))
        expect("&lt;script&gt;" in detail, "the justification is not shown at all (cannot judge escaping)")
        return f"request #{pk} with <script>, <img onerror> and <svg onload> is shown escaped on the detail, " \
               f"queue and requester's pages"

    def g_sqli_search(self):
        bad = []
        for plate in ("' OR 1=1--", "4%' OR '1'='1", "1;DROP TABLE", '" OR ""="'):
            r = self._search("analyst", plate)
            if r.status_code >= 500 or (r.status_code == 201 and r.json()["result_count"]):
                bad.append(f"plate {plate!r} -> {r.status_code} {r.text[:100]}")
        for extra in ({"purpose": "burglary' OR '1'='1"}, {"vehicle_make": "x' OR '1'='1"}):
            r = self._search("analyst", "3DM*68", **extra)
            if r.status_code >= 500 or (r.status_code == 201 and "vehicle_make" in extra and r.json()["result_count"]):
                bad.append(f"{extra} -> {r.status_code}")
        r = self.token("officer").get("/api/hits/", params={"status": "alert' OR '1'='1"})
        if r.status_code != 400:
            bad.append(f"GET /api/hits/?status=alert' OR '1'='1 -> {r.status_code}")
        expect(not bad, "; ".join(bad))
        return "8 injection strings in search plate, purpose, make and hit filters: refused (400) or no rows, no 500"

    def g_sqli_log_filters(self):
        auditor = self.session("auditor")
        base_status, base_rows = self._log_csv(auditor, username="no-such-user-drill")
        bad = []
        for key in ("username", "case_number", "action", "agency"):
            for value in ("' OR '1'='1", "%' OR 1=1 --", "x') OR ('a'='a"):
                status, rows = self._log_csv(auditor, **{key: value})
                if status != 200 or len(rows) != len(base_rows):
                    bad.append(f"log.csv?{key}={value!r} -> {status}, {len(rows)} rows")
                page = auditor.get("/audits/", params={key: value})
                if page.status_code != 200 or "No entries match" not in page.text:
                    bad.append(f"/audits/?{key}={value!r} -> {page.status_code}, rows listed")
        page = auditor.get("/audits/", params={"since": "2026-01-01' OR '1'='1"})
        if page.status_code >= 500:
            bad.append(f"/audits/?since=... -> {page.status_code}")
        expect(not bad, "; ".join(bad[:5]))
        return "12 injection strings in the access-log filters (page and CSV): no rows, no 500"

    def g_open_redirect_login(self):
        bad = []
        for target in (EVIL, "//evil.example/", "/\\evil.example", "https:evil.example"):
            member = Member(self.base, "officer")
            r = member.sign_in("officer", self.world.password, next_url=target)
            if r.status_code != 302 or not is_local(location(r)) or "evil" in location(r):
                bad.append(f"login next={target} -> {r.status_code} Location {location(r)}")
        expect(not bad, "; ".join(bad))
        return "4 off-site next= targets on /login/: every redirect stayed on the site"

    def g_open_redirect_mfa(self):
        member = Member(self.base, "coordinator")
        signed = member.sign_in("coordinator", self.world.password, next_url=EVIL)
        expect(signed.status_code == 302 and is_local(location(signed)), f"login -> {location(signed)}")
        code = self.world.codes["coordinator"].pop()
        r = member.form("/mfa/verify/", {"token": code, "next": EVIL}, form_path="/mfa/verify/?next=" + EVIL)
        expect(r.status_code == 302, f"POST /mfa/verify/ -> {r.status_code}")
        expect(is_local(location(r)) and "evil" not in location(r), f"/mfa/verify/ next={EVIL} -> {location(r)}")
        return f"/mfa/verify/ with next={EVIL} sent the coordinator to {location(r)}"

    def g_open_redirect_reauth(self):
        officer = self.session("officer")
        r = officer.form("/reauthenticate/", {"password": self.world.password, "token": "", "next": EVIL})
        expect(r.status_code == 302, f"POST /reauthenticate/ -> {r.status_code}")
        expect(is_local(location(r)) and "evil" not in location(r), f"redirected to {location(r)}")
        r2 = officer.form("/reauthenticate/", {"password": self.world.password, "token": "",
                                                "next": "//evil.example/"})
        expect(is_local(location(r2)), f"next=//evil.example/ -> {location(r2)}")
        return f"/reauthenticate/ with next={EVIL} and //evil.example/ stayed on the site ({location(r)})"

    def g_csrf_forms(self):
        bad = []
        attempts = [("officer", "/hotlists/requests/new/", {"plate": "7ABC123"}),
                    ("officer", "/logout/", {}),
                    ("officer", "/reauthenticate/", {"password": self.world.password}),
                    ("auditor", "/audits/verify/", {}),
                    ("administrator", f"/hotlists/requests/{self.id('pending_request')}/approve/", {}),
                    ("administrator", f"/admin/accesslog/accessevent/{self.id('event')}/change/", {}),
                    ("analyst", "/alpr/search/", {"plate": "3DMS368"})]
        for name, path, data in attempts:
            r = self.session(name).post(path, data=data)
            if r.status_code != 403:
                bad.append(f"{name} POST {path} without a CSRF token -> {r.status_code}")
        api = self.session("officer").post("/api/hotlists/requests/", json={"hotlist": self.id("bolo")})
        if api.status_code != 403:
            bad.append(f"cookie POST /api/hotlists/requests/ without X-CSRFToken -> {api.status_code}")
        still = self.session("officer").get("/")
        if still.status_code != 200:
            bad.append(f"the officer was signed out by a forged logout ({still.status_code})")
        expect(not bad, "; ".join(bad))
        return f"{len(attempts) + 1} cookie POSTs without a CSRF token answered 403"

    def g_lockout(self):
        from_limit = 5
        username = self.world.throwaway[0]
        member = Member(self.base, username)
        answers = [member.sign_in(username, "wrong-password-drill").status_code for _ in range(from_limit)]
        right = Member(self.base, username).sign_in(username, self.world.throwaway_password)
        expect(right.status_code != 302, f"after {from_limit} failures the right password still signed in "
                                         f"(answers {answers})")
        return f"{from_limit} wrong passwords ({answers}); then the right one -> {right.status_code}, account locked"

    def _frames(self, files, token=None, captured_at=True, data=None):
        headers = {"Authorization": f"Camera {self.world.camera_token if token is None else token}"} \
            if token != "" else {}
        form = dict(data or {})
        if captured_at:
            form["captured_at"] = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
        return requests.post(self.base + "/api/cameras/frames/", files=[("frame", f) for f in files], data=form,
                             headers=headers, timeout=120)

    def g_upload_non_image(self):
        nonce = secrets.token_hex(8).encode()
        r = self._frames([("notes.jpg", b"plain text, not an image " + nonce, "image/jpeg"),
                          ("empty.jpg", b"", "image/jpeg")])
        expect(r.status_code == 400, f"POST two non-images -> {r.status_code} {r.text[:200]}")
        reasons = [j["reason"] for j in r.json()["jobs"]]
        expect(all(j["status"] == "rejected" for j in r.json()["jobs"]), f"jobs: {r.json()['jobs']}")
        return f"text and empty files refused (400): {reasons}"

    def g_upload_html_as_jpeg(self):
        nonce = secrets.token_hex(8).encode()
        html = b"<html><body><script>alert('" + nonce + b"')</script></body></html>"
        r = self._frames([("frame.jpg", html, "image/jpeg"),
                          ("magic.jpg", b"\xff\xd8\xff\xe0" + html, "image/jpeg"),
                          ("frame.png", b"\x89PNG\r\n\x1a\n" + html, "image/png")])
        expect(r.status_code == 400, f"POST HTML as JPEG/PNG -> {r.status_code} {r.text[:200]}")
        jobs = r.json()["jobs"]
        expect(all(j["status"] == "rejected" for j in jobs), f"jobs: {jobs}")
        return "HTML named .jpg, and HTML behind JPEG/PNG magic bytes, refused: " + \
               "; ".join(j["reason"][:40] for j in jobs)

    def g_upload_bad_camera_token(self):
        jpeg = self._jpeg()
        bad = []
        for label, token in (("forged", "forged-" + secrets.token_hex(16)), ("none", ""),
                             ("a member's API token", self.world.tokens["administrator"])):
            r = self._frames([("f.jpg", jpeg, "image/jpeg")], token=token)
            if r.status_code != 401:
                bad.append(f"{label} -> {r.status_code}")
        r = requests.post(self.base + "/api/cameras/frames/", files=[("frame", ("f.jpg", jpeg, "image/jpeg"))],
                          headers={"Authorization": f"Token {self.world.tokens['administrator']}"}, timeout=60)
        if r.status_code != 401:
            bad.append(f"Authorization: Token <administrator's> -> {r.status_code}")
        expect(not bad, "; ".join(bad))
        return "forged, missing and members' tokens on the camera endpoint answered 401"

    def g_upload_too_many_frames(self):
        n = self.world.max_frames + 1
        r = self._frames([(f"f{i}.jpg", b"x" * 10, "image/jpeg") for i in range(n)])
        expect(r.status_code == 400 and "too_many_frames" in r.text, f"{n} frames -> {r.status_code} {r.text[:200]}")
        return f"{n} frames in one request refused (400 too_many_frames)"

    def _jpeg(self, trailer: bytes = b"") -> bytes:
        import cv2
        import numpy as np

        pixels = np.random.default_rng().integers(0, 255, (48, 64, 3), dtype=np.uint8)
        return cv2.imencode(".jpg", pixels)[1].tobytes() + trailer

    def g_append_only_log(self):
        pk = self.id("event")
        before = self.world.probe("event_hash", pk)
        admin = self.session("administrator")
        bad = []
        page = admin.get(f"/admin/accesslog/accessevent/{pk}/change/")
        if page.status_code != 200:
            bad.append(f"view entry -> {page.status_code}")
        token = admin.csrf("/admin/accesslog/accessevent/")
        change = admin.post(f"/admin/accesslog/accessevent/{pk}/change/",
                            data={"csrfmiddlewaretoken": token, "action": "x", "outcome": "allowed",
                                  "detail": "drill-tampered"})
        if change.status_code != 403:
            bad.append(f"POST change -> {change.status_code}")
        for method in ("get", "post"):
            r = getattr(admin, method)(f"/admin/accesslog/accessevent/{pk}/delete/", data={"csrfmiddlewaretoken": token,
                                                                                        "post": "yes"})
            if r.status_code != 403:
                bad.append(f"{method.upper()} delete -> {r.status_code}")
        bulk = admin.post("/admin/accesslog/accessevent/", data={"csrfmiddlewaretoken": token,
                                                              "action": "delete_selected", "_selected_action": [pk],
                                                              "post": "yes"})
        if bulk.status_code not in (302, 200, 403) or bulk.status_code == 302 and "delete" in location(bulk):
            bad.append(f"bulk delete -> {bulk.status_code}")
        after = self.world.probe("event_hash", pk)
        if after != before:
            bad.append(f"entry #{pk} changed or vanished (hash {before} -> {after})")
        expect(not bad, "; ".join(bad))
        return f"access-log entry #{pk}: admin change and delete refused (403), bulk delete did nothing, " \
               "entry unchanged"

    def g_tamper_detection(self):
        auditor = self.session("auditor")
        r = auditor.form("/audits/verify/", {}, form_path="/audits/")
        expect(r.status_code == 302, f"POST /audits/verify/ -> {r.status_code}")
        page = auditor.get(location(r) or "/audits/")
        found = re.search(r"Access log intact: ([\d,]+) entries verified", page.text)
        expect(found, "the verification did not report the log intact: " +
               re.sub(r"\s+", " ", page.text[page.text.find('class="msg'):][:200]))
        return f"auditor's verify-now: intact, {found.group(1)} entries"

    def g_security_headers(self):
        bad = []
        answers = {"/login/ (anonymous)": Member(self.base).get("/login/"),
                   "/ (officer)": self.session("officer").get("/"),
                   "/api/hits/ (token)": self.token("officer").get("/api/hits/")}
        for label, r in answers.items():
            h = r.headers
            if "Content-Security-Policy" not in h and label != "/api/hits/ (token)":
                bad.append(f"{label}: no CSP")
            if h.get("X-Frame-Options") != "DENY":
                bad.append(f"{label}: X-Frame-Options {h.get('X-Frame-Options')}")
            if h.get("X-Content-Type-Options") != "nosniff":
                bad.append(f"{label}: X-Content-Type-Options {h.get('X-Content-Type-Options')}")
            if h.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"):
                bad.append(f"{label}: Referrer-Policy {h.get('Referrer-Policy')}")
            if "no-store" not in h.get("Cache-Control", ""):
                bad.append(f"{label}: Cache-Control {h.get('Cache-Control')}")
        csp = answers["/ (officer)"].headers.get("Content-Security-Policy", "")
        if "'unsafe-inline'" in csp.split("script-src")[-1].split(";")[0] and "script-src" in csp:
            bad.append("CSP allows inline scripts")
        login = Member(self.base)
        signed = login.sign_in("officer", self.world.password)
        cookie = signed.headers.get("Set-Cookie", "")
        if "sessionid" in cookie and ("HttpOnly" not in cookie or "SameSite=Lax" not in cookie):
            bad.append(f"session cookie flags: {cookie[:160]}")
        expect(not bad, "; ".join(bad))
        return f"CSP ({csp[:40]}...), X-Frame-Options DENY, nosniff, Referrer-Policy, no-store; session cookie " \
               "HttpOnly SameSite=Lax"

    def g_role_officer_audits(self):
        n = self.all_refused([(self.session("officer"), ["/audits/", "/audits/log.csv", "/audits/audits/",
                                                         "/audits/corrections/", "/training/"]),
                              (self.session("pst"), ["/audits/", "/audits/log.csv"])])
        return f"officer and PST: {n} access-log, audit and training pages answered 404"

    def g_role_auditor_reads(self):
        n = self.all_refused([
            (self.session("auditor"), [f"/alpr/reads/{self.id('read')}/", "/alpr/search/", "/alpr/alerts/",
                                       f"/alpr/searches/{self.id('analyst_search')}/"]),
            (self.token("auditor"), [f"/api/searches/{self.id('analyst_search')}/reads/",
                                     f"/api/hits/{self.id('alert_hit')}/"]),
        ])
        run = self._search("auditor", "3DMS368")
        expect(run.status_code == 404, f"auditor's token POST /api/searches/ -> {run.status_code}")
        return f"auditor: {n + 1} attempts at reads, searches and hits answered 404"

    def g_role_analyst_approve(self):
        pk = self.id("pending_request")
        api = self.token("analyst").post(f"/api/hotlists/requests/{pk}/decision/", json={"action": "approve"})
        analyst = self.session("analyst")
        web = analyst.post(f"/hotlists/requests/{pk}/approve/", data={"csrfmiddlewaretoken": analyst.csrf("/")})
        queue = analyst.get("/hotlists/requests/queue/")
        status = self.world.probe("request_status", pk)
        expect(api.status_code == 404 and web.status_code == 404 and queue.status_code == 404,
               f"analyst approve by token -> {api.status_code}, by form -> {web.status_code}, queue -> "
               f"{queue.status_code}")
        expect(status == "submitted", f"request #{pk} is now {status}")
        return f"analyst's approvals of request #{pk} (API, form) and the queue answered 404; still submitted"

    def g_token_cannot_approve(self):
        pk = self.id("pending_request")
        r = self.token("administrator").post(f"/api/hotlists/requests/{pk}/decision/", json={"action": "approve"})
        status = self.world.probe("request_status", pk)
        expect(r.status_code == 403 and "reauthentication_required" in r.text,
               f"administrator's token approve -> {r.status_code} {r.text[:160]}")
        expect(status == "submitted", f"request #{pk} is now {status}")
        return f"the administrator's token alone approving request #{pk}: 403 reauthentication_required"

    def g_role_untrained(self):
        n = self.all_refused([(self.session("untrained"), ["/", "/alpr/alerts/", "/alpr/search/", "/hotlists/",
                                                           f"/alpr/hits/{self.id('alert_hit')}/"]),
                              (self.token("untrained"), ["/api/hits/", "/api/hotlists/", "/api/schema/"])],
                             codes=(403,))
        run = self._search("untrained", "3DMS368")
        expect(run.status_code == 403, f"untrained POST /api/searches/ -> {run.status_code}")
        return f"untrained member: {n + 1} pages and API calls answered 403"

    def g_forged_image_tokens(self):
        listing = self.token("analyst").get(f"/api/searches/{self.id('analyst_search')}/reads/")
        urls = [r.get("frame_url") for r in listing.json().get("results", []) if r.get("frame_url")] \
            if listing.status_code == 200 else []
        expect(urls, f"preparation: the analyst's search shows no image link ({listing.status_code})")
        path = urlsplit(urls[0]).path
        analyst = self.token("analyst").get(path)
        expect(analyst.status_code == 200, f"control: analyst GET own image link -> {analyst.status_code}")
        token = path.rstrip("/").rsplit("/", 1)[-1]
        tampered = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        checks = [(self.session("officer"), [path.replace("/api/", "/alpr/") if path.startswith("/api/") else path]),
                  (self.token("officer"), [path]), (self.token("coordinator"), [path]),
                  (self.token("outsider"), [path]),
                  (self.token("analyst"), [tampered, "/api/images/forged-token/", "/api/images/1:frame:x/"]),
                  (self.session("analyst"), ["/alpr/images/forged-token/",
                                             tampered.replace("/api/", "/alpr/", 1)])]
        n = self.all_refused(checks)
        return f"an image link minted for the analyst: {n} uses by others, tampered or forged, answered 404 " \
               "(analyst: 200)"

    def g_defect_1_token_web(self):
        bad = []
        for name, path in (("administrator", "/admin/accesslog/accessevent/"),
                           ("administrator", "/admin/accounts/user/"),
                           ("administrator", "/designations/"), ("administrator", "/sharing/"),
                           ("auditor", "/audits/log.csv"), ("analyst", "/alpr/search/"), ("officer", "/alpr/alerts/")):
            r = self.token(name).get(path)
            if not (r.status_code == 404 or r.status_code == 302 and "login" in location(r)):
                bad.append(f"{name}'s token GET {path} -> {r.status_code}")
        expect(not bad, "; ".join(bad))
        return "7 admin and web pages asked with API tokens: sent to sign-in or 404"

    def g_defect_2_token_csrf(self):
        r = self._drill_request()
        expect(r.status_code == 201, f"officer's token POST /api/hotlists/requests/ without CSRF -> {r.status_code} "
                                     f"{r.text[:160]}")
        cookie = self.session("officer").post("/api/hotlists/requests/", json={
            "hotlist": self.id("bolo"), "plate": "9DRL001", "state": "CA", "case_number": "26-DRILL-03",
            "vehicle_description": "Grey van", "justification": "Burglary suspect vehicle"})
        expect(cookie.status_code == 403, f"cookie POST without CSRF -> {cookie.status_code}")
        return "token write without CSRF: 201; the same write by session cookie without CSRF: 403"

    def g_defect_3_log_redaction(self):
        bad = self._covert_log_leaks(self.session("coordinator"))
        admin = self.session("auditor")
        case = self.world.covert_case
        listing = admin.get("/admin/accesslog/accessevent/", params={"action": Action.HOTLIST_REQUEST_APPROVE})
        search = admin.get("/admin/accesslog/accessevent/", params={"q": case})
        entry = admin.get(f"/admin/accesslog/accessevent/{self.id('covert_event')}/change/")
        if listing.status_code != 200 or case in listing.text or "[covert: redacted]" not in listing.text:
            bad.append(f"auditor admin changelist ?action=hotlist.request_approve -> {listing.status_code}, case "
                       f"shown: {case in listing.text}")
        if entry.status_code != 200 or case in entry.text or self.world.covert_plate in entry.text:
            bad.append(f"auditor admin entry #{self.id('covert_event')} -> {entry.status_code}, case or plate shown")
        if search.status_code != 200 or "0 results" not in search.text:
            bad.append(f"auditor admin ?q={case} -> {search.status_code}, found entries")
        expect(not bad, "; ".join(bad))
        return f"coordinator's log page and CSV, the auditor's admin list and entry #{self.id('covert_event')}: " \
               f"{case} and {self.world.covert_plate} redacted and not found"

    def g_defect_4_reauth_throttle(self):
        username = self.world.throwaway[1]
        member = Member(self.base, username)
        signed = member.sign_in(username, self.world.throwaway_password)
        expect(signed.status_code == 302, f"preparation: throwaway sign-in -> {signed.status_code}")
        answers = []
        for _ in range(5):
            csrf = member.csrf("/reauthenticate/")
            r = member.post("/reauthenticate/", data={"csrfmiddlewaretoken": csrf, "password": "wrong-drill",
                                                      "token": "", "next": "/"})
            answers.append(r.status_code)
            if r.status_code != 200:
                break
        after = member.get("/mfa/")
        expect(after.status_code == 302 and "/login/" in location(after),
               f"after {len(answers)} wrong re-authentications ({answers}) the session still works "
               f"({after.status_code})")
        again = Member(self.base, username).sign_in(username, self.world.throwaway_password)
        expect(again.status_code != 302, "the account is not locked: the right password signs in")
        return f"wrong re-authentications {answers}: session ended and the account locked"

    def g_defect_5_oversized(self):
        host, port = urlsplit(self.base).hostname, urlsplit(self.base).port or 80
        declared = self.world.max_request_bytes + 1
        with socket.create_connection((host, port), timeout=30) as s:
            s.sendall((f"POST /api/cameras/frames/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
                       f"Authorization: Camera {self.world.camera_token}\r\n"
                       f"Content-Type: multipart/form-data; boundary=drill\r\n"
                       f"Content-Length: {declared}\r\nConnection: close\r\n\r\n").encode())
            s.sendall(b"--drill\r\n" + b"x" * 4096)
            head = s.recv(4096).decode("latin-1")
        expect(head.startswith("HTTP/1.1 413"), f"request declaring {declared:,} bytes -> {head[:40]!r}")
        big = self.world.max_file_bytes + 1024
        content = self._jpeg(trailer=secrets.token_bytes(big))
        r = self._frames([("huge.jpg", content, "image/jpeg")])
        expect(r.status_code == 400, f"{len(content):,}-byte file -> {r.status_code} {r.text[:160]}")
        job = r.json()["jobs"][0]
        kept = self.world.probe("job_frame_size", job["id"])
        expect("too large" in job["reason"] and kept <= self.world.prefix_bytes,
               f"job #{job['id']}: {job['reason'][:80]}; {kept:,} bytes kept")
        return f"request over {self.world.max_request_bytes:,} bytes: 413 before the body; a {len(content):,}-byte " \
               f"file rejected, {kept:,} bytes kept with its SHA-256"

    def g_defect_6_other_agency(self):
        outsider = self.session("outsider")
        bad = self.refused(outsider, ["/hotlists/", "/hotlists/requests/new/", "/hotlists/requests/queue/"])
        listed = self.token("outsider").get("/api/hotlists/")
        if listed.status_code != 200 or listed.json() != []:
            bad.append(f"outsider GET /api/hotlists/ -> {listed.status_code} {listed.text[:120]}")
        expect(not bad, "; ".join(bad))
        return "another agency's officer: hot-list pages 404, /api/hotlists/ []"

    def g_defect_7_no_store(self):
        bad = []
        answers = [("/ (administrator)", self.session("administrator").get("/")),
                   ("/alpr/alerts/", self.session("officer").get("/alpr/alerts/")),
                   ("/audits/log.csv", self.session("auditor").get("/audits/log.csv")),
                   ("/api/hits/", self.token("officer").get("/api/hits/")),
                   ("/nowhere/", self.session("officer").get("/nowhere/")),
                   ("/login/", Member(self.base).get("/login/"))]
        listing = self.token("analyst").get(f"/api/searches/{self.id('analyst_search')}/reads/")
        urls = [r["frame_url"] for r in listing.json().get("results", []) if r.get("frame_url")] \
            if listing.status_code == 200 else []
        if urls:
            answers.append(("an image link", self.token("analyst").get(urlsplit(urls[0]).path)))
        for label, r in answers:
            cc = r.headers.get("Cache-Control", "")
            if "no-store" not in cc or "private" not in cc:
                bad.append(f"{label} ({r.status_code}): Cache-Control {cc!r}")
        expect(not bad, "; ".join(bad))
        return f"{len(answers)} answers (pages, CSV, API, 404, image) carry Cache-Control: no-store, private"

    def g_defect_9_mfa_required_text(self):
        required = self.session("auditor").get("/mfa/setup/")
        optional = self.session("officer").get("/mfa/setup/")
        expect(required.status_code == 200 and "Your role requires two-factor sign-in" in required.text,
               f"auditor GET /mfa/setup/ -> {required.status_code}, says required: "
               f"{'requires two-factor' in required.text}")
        expect("Your role requires two-factor sign-in" not in optional.text, "the officer is told it is required")
        return "the auditor's enrolment page says two-factor is required; the officer's does not"

    def g_defect_10_jpeg_trailer(self):
        with_trailer = self._jpeg(trailer=b"CAMERA-METADATA lane=2 speed=31 " + secrets.token_hex(8).encode())
        cut = self._jpeg()[:-40]
        # Without a capture time neither frame is queued for OCR: the reason shows how the bytes were judged.
        r = self._frames([("meta.jpg", with_trailer, "image/jpeg"), ("cut.jpg", cut, "image/jpeg")],
                         captured_at=False)
        expect(r.status_code == 400, f"-> {r.status_code} {r.text[:160]}")
        meta, truncated = (j["reason"] for j in r.json()["jobs"])
        expect(meta == "capture time missing", f"JPEG with bytes after its end marker judged: {meta!r}")
        expect("truncated" in truncated, f"control: a cut JPEG judged {truncated!r}")
        return "a JPEG with camera metadata after its end marker passed the image checks (the only objection: " \
               "the withheld capture time); a cut JPEG: truncated"

    GROUPS = [
        ("anonymous pages", g_anonymous_pages),
        ("anonymous API", g_anonymous_api),
        ("IDOR hits", g_idor_hits),
        ("IDOR covert hits", g_idor_covert_hits),
        ("IDOR hot-list requests", g_idor_hotlist_requests),
        ("IDOR sharing requests and packages", g_idor_sharing),
        ("IDOR legal holds", g_idor_holds),
        ("IDOR sampling audits", g_idor_audits),
        ("IDOR searches", g_idor_searches),
        ("IDOR reads", g_idor_reads),
        ("covert leakage: search", g_covert_search),
        ("covert leakage: alerts and hits API", g_covert_alerts),
        ("XSS in stored text", g_xss_stored),
        ("SQL injection: search", g_sqli_search),
        ("SQL injection: access-log filters", g_sqli_log_filters),
        ("open redirect: login", g_open_redirect_login),
        ("open redirect: two-factor", g_open_redirect_mfa),
        ("open redirect: re-authentication", g_open_redirect_reauth),
        ("CSRF on web forms", g_csrf_forms),
        ("lockout after failed sign-ins", g_lockout),
        ("upload: non-image", g_upload_non_image),
        ("upload: HTML disguised as an image", g_upload_html_as_jpeg),
        ("upload: bad camera token", g_upload_bad_camera_token),
        ("upload: too many frames", g_upload_too_many_frames),
        ("append-only access log", g_append_only_log),
        ("security headers", g_security_headers),
        ("role: officer and PST to the access log", g_role_officer_audits),
        ("role: auditor to reads", g_role_auditor_reads),
        ("role: analyst approving", g_role_analyst_approve),
        ("role: a token alone approving", g_token_cannot_approve),
        ("role: untrained member", g_role_untrained),
        ("forged image tokens", g_forged_image_tokens),
        ("defect 1: API token on web and admin pages", g_defect_1_token_web),
        ("defect 2: token writes without CSRF", g_defect_2_token_csrf),
        ("defect 4: re-authentication throttle", g_defect_4_reauth_throttle),
        ("defect 5: oversized frames", g_defect_5_oversized),
        ("defect 6: another agency and hot lists", g_defect_6_other_agency),
        ("defect 7: Cache-Control no-store", g_defect_7_no_store),
        ("defect 9: two-factor required text", g_defect_9_mfa_required_text),
        ("defect 10: JPEG with trailing bytes", g_defect_10_jpeg_trailer),
        # Last: they read the access log, with every attempt above in it.
        ("covert leakage: access log", g_covert_access_log),
        ("defect 3: covert entries in the access log", g_defect_3_log_redaction),
        ("tamper detection", g_tamper_detection),
    ]
    COVERED = [("defect 8: database roles", "not testable over HTTP; covered by tests/test_db_roles.py")]

    def run(self, only: list[str] | None = None, out=print, skip=()) -> list[tuple[str, str, str]]:
        """Every group (or those whose name contains one of `only`, less those named in `skip`)."""
        results = []
        for name, fn in self.GROUPS:
            if (only and not any(o.lower() in name.lower() for o in only)) or name in skip:
                continue
            try:
                detail, verdict = fn(self), "DEFENDED"
            except Defect as exc:
                detail, verdict = str(exc), "DEFECT"
            except requests.RequestException as exc:
                detail, verdict = f"request failed: {exc}", "DEFECT"
            except (KeyError, ValueError, RuntimeError) as exc:
                detail, verdict = f"{type(exc).__name__}: {exc}", "DEFECT"
            results.append((verdict, name, detail))
            out(f"{verdict} {name}: {detail}")
        if not only and not skip:
            for name, detail in self.COVERED:
                results.append(("COVERED", name, detail))
                out(f"COVERED {name}: {detail}")
        return results


def summary(results) -> str:
    defended = sum(1 for r in results if r[0] == "DEFENDED")
    defects = sum(1 for r in results if r[0] == "DEFECT")
    covered = sum(1 for r in results if r[0] == "COVERED")
    return f"{defended} defended, {defects} defects" + (f" ({covered} covered by tests, not HTTP)" if covered else "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="the personas' password (the demo's by default)")
    parser.add_argument("--camera-id", type=int, default=None, help="camera whose token is rotated (default: first)")
    parser.add_argument("--only", action="append", help="run only groups whose name contains this (repeatable)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    setup_django()
    world = mint(password=args.password, camera_id=args.camera_id)
    results = Drill(args.base_url, world).run(only=args.only)
    print(f"{summary(results)} in {time.monotonic() - started:.1f} s")
    return 1 if any(r[0] == "DEFECT" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
