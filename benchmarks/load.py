"""Load: 50 simulated users against gunicorn, PostgreSQL, Redis and a Celery worker (issue 8).

Officers poll the live-alert feed (every 5 s, as the page does) and open the alert page;
analysts run investigative searches (exact and partial plates, with purpose and case
number) and read the results page; cameras post frames through the device API, which the
worker reads with the real OCR pipeline. With 1,000,000 reads in the database (loaded
once by benchmarks.search.fill, then reused). Reports p50/p95/p99 per endpoint, the
error count (must be 0) and the frame accounting (jobs in = done + rejected + failed;
anything else is lost).

    .venv/bin/python benchmarks/load.py                    # 50 users, 120 s, 1M reads
    .venv/bin/python benchmarks/load.py --users 20 --seconds 60 --reads 200000

Targets (2-core machine): p95 <= 300 ms for the alert and search pages; 0 errors; no frame
lost. The worker runs at lower CPU priority (nice 10), as OCR would on its own machine in
production: the web tier is measured, not the OCR throughput (benchmarks/ingest.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BROKER = os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "load-test-password-2026"  # noqa: S105 - the benchmark's own throwaway users
PORT = int(os.environ.get("LOAD_PORT", "8765"))


def prepare(reads: int, officers: int, analysts: int, cameras: int):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts import roles
    from accounts.models import Agency, User
    from alpr.models import Camera, Hit, Read
    from benchmarks.search import fill
    from hotlists.models import Hotlist, HotlistEntry
    from hotlists.services import entries as hotlist_services
    from ingest.models import FrameJob
    from training.models import REQUIRED_TOPICS, TrainingCourse, TrainingRecord

    # An earlier run's camera frames made reads of their own: remove them, so the database
    # holds exactly the loaded reads and fill() reuses them.
    Hit.objects.filter(read__ingest_job__isnull=False).delete()
    Read.objects.filter(ingest_job__isnull=False).delete()
    FrameJob.objects.all().delete()
    fill(reads, 300, 30, seed=7)
    agency = Agency.objects.get(ori="CA0010900")
    course, _ = TrainingCourse.objects.get_or_create(
        title="ALPR Operator Training", version="load", defaults={"topics": sorted(REQUIRED_TOPICS),
                                                                  "is_department_approved": True})
    from django.contrib.auth.hashers import make_password

    hashed = make_password(PASSWORD)  # once: PBKDF2 per user would take minutes for 500
    people = {"officer": [], "analyst": []}
    for kind, count, role in (("officer", officers, roles.OFFICER), ("analyst", analysts, roles.CRIME_ANALYST)):
        for i in range(count):
            user, created = User.objects.get_or_create(username=f"load.{kind}{i}", defaults={"agency": agency})
            if created:
                user.password = hashed
                user.save()
                user.groups.add(Group.objects.get(name=role))
                TrainingRecord.objects.create(member=user, course=course, trainer="Load",
                                              completed_on=timezone.localdate() - timedelta(days=5))
            people[kind].append(user.username)
    hotlist = Hotlist.objects.filter(name="Load BOLO").first() or hotlist_services.hotlist_create(
        name="Load BOLO", source=Hotlist.Source.CUSTOM_BOLO, purpose=Hotlist.Purpose.BURGLARY)
    hot_plates = [f"8LD{n:04d}" for n in range(20)]
    for plate in hot_plates:
        HotlistEntry.objects.get_or_create(hotlist=hotlist, plate=plate, defaults={
            "state": "CA", "expires_at": timezone.now() + timedelta(days=30), "case_number": "26-LOAD"})
    tokens = []
    for i in range(cameras):
        camera, _ = Camera.objects.get_or_create(agency=agency, name=f"Load camera {i}",
                                                 defaults={"latitude": 37.8, "longitude": -122.27})
        tokens.append(camera.issue_token())
        camera.save()
    sample = list(Read.objects.order_by("-captured_at").values_list("plate", flat=True)[:2000])
    return people, tokens, hot_plates, sample


class _FeedDone(Exception):  # noqa: N818 - control flow: the feed-only run ends here
    def __init__(self, rec, delays):
        super().__init__("feed-only run done")
        self.rec, self.delays = rec, delays


def _wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"nothing listening on {port} after {timeout} s")


class Recorder:
    """Latency and errors per endpoint, from `measure_from` on (the warm-up before it lets
    every gunicorn worker import the code and open its connections)."""

    def __init__(self, measure_from: float = 0.0):
        self.measure_from = measure_from
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(list)

    def timed(self, name, func, *args, expect=(200, 302), **kwargs):
        started = time.perf_counter()
        try:
            response = func(*args, timeout=30, **kwargs)
            status = response.status_code
        except Exception as exc:  # noqa: BLE001 - a failed request is an error to count, not a crash
            response, status = None, repr(exc)[:120]
        elapsed = (time.perf_counter() - started) * 1000
        if time.monotonic() < self.measure_from:
            return response
        with self.lock:
            self.latency[name].append(elapsed)
            if status not in expect:
                self.errors[name].append(status)
        return response


def sign_in(session, base, username):
    page = session.get(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/login/", data={"username": username, "password": PASSWORD, "acknowledge": "on",
                                                    "csrfmiddlewaretoken": token}, allow_redirects=False)
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed for {username}: {response.status_code}")
    return session.cookies.get("csrftoken")


def signed_in(base, usernames):
    """Sessions for every member, before the clock starts: a sign-in costs a deliberately
    slow password hash (PBKDF2), and shifts sign in over minutes, not all in one second."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def one(username):
        session = requests.Session()
        return username, session, sign_in(session, base, username)

    with ThreadPoolExecutor(4) as pool:
        return {name: (session, csrf) for name, session, csrf in pool.map(one, usernames)}


def officer(base, username, until, rec, sessions):
    s, _ = sessions[username]
    rng = random.Random(username)
    time.sleep(rng.random() * 5)
    n = 0
    while time.monotonic() < until:
        rec.timed("GET /alpr/alerts/feed/ (poll)", s.get, f"{base}/alpr/alerts/feed/", headers={"HX-Request": "true"})
        if n % 6 == 0:
            rec.timed("GET /alpr/alerts/", s.get, f"{base}/alpr/alerts/")
        n += 1
        time.sleep(5)


def feed_officer(base, username, until, rec, sessions, interval, seen):
    """Issue 23: the alerts page's poll as the browser does it (static/js/alerts.js): the
    ETag of the last answer goes back as If-None-Match; 304 means nothing new. Records
    when each hit id first appears in this officer's feed."""
    s, _ = sessions[username]
    rng = random.Random(username)
    time.sleep(rng.random() * interval)
    etag = None
    while time.monotonic() < until:
        headers = {"HX-Request": "true", **({"If-None-Match": etag} if etag else {})}
        response = rec.timed("GET /alpr/alerts/feed/ (poll, ETag)", s.get, f"{base}/alpr/alerts/feed/",
                             headers=headers, expect=(200, 304))
        if response is not None and response.status_code == 200:
            etag = response.headers.get("ETag")
            now = time.time()
            for hit_id in set(re.findall(r'data-hit="(\d+)"', response.text)):
                with rec.lock:
                    seen.setdefault(int(hit_id), {}).setdefault(username, now)
        time.sleep(interval)


def hit_maker(until, every, created, plates):
    """A camera reads a listed plate every `every` s: a new hit for every officer's feed."""
    from django.utils import timezone

    from alpr.models import Camera
    from alpr.services.reads import read_record

    camera = Camera.objects.filter(name="Load camera 0").first()
    i = 0
    time.sleep(every)
    while time.monotonic() < until - every:
        _, hits = read_record(camera=camera, plate_text=plates[i % len(plates)], state="CA",
                              captured_at=timezone.now(), confidence=0.95)
        for hit in hits:
            created[hit.pk] = time.time()
        i += 1
        time.sleep(every)


def feed_only(args, base, people, rec, until):
    """500 officers polling the feed, nothing else; a new hit every --hit-every s."""
    seen, created = {}, {}
    threads = [threading.Thread(target=feed_officer, args=(base, u, until, rec, people["sessions"],
                                                           args.poll_interval, seen))
               for u in people["officer"]]
    threads.append(threading.Thread(target=hit_maker, args=(until, args.hit_every, created, people["hot"])))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    delays = [seen.get(pk, {}).get(u, float("inf")) - at for pk, at in created.items() for u in people["officer"]]
    return delays


def sessions_for(usernames):
    """Feed-only mode: sessions made by Django's own login() (signals included: the
    session gets its sign-in time as at a real sign-in), without 500 password hashes
    on a 2-core machine. The sign-in page itself is measured by the full mode."""
    import requests
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    sessions = {}
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        session = requests.Session()
        session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
        sessions[username] = (session, None)
    return sessions


def analyst(base, username, until, rec, sample, sessions):
    from django.utils import timezone

    s, csrf = sessions[username]
    rng = random.Random(username)
    time.sleep(rng.random() * 8)
    while time.monotonic() < until:
        plate = rng.choice(sample)
        if rng.random() < 0.4:
            plate = plate[:2] + "*" + plate[-2:]
        now = timezone.localtime()
        data = {"purpose": "burglary", "case_number": "26-004512", "attest": "on",
                "justification": "Vehicle seen leaving the scene of a residential burglary.",
                "plate": plate, "captured_from": (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
                "captured_to": now.strftime("%Y-%m-%dT%H:%M"), "csrfmiddlewaretoken": csrf}
        response = rec.timed("POST /alpr/search/ (run)", s.post, f"{base}/alpr/search/", data=data,
                             allow_redirects=False, headers={"Referer": f"{base}/alpr/search/"})
        if response is not None and response.status_code == 302:
            rec.timed("GET /alpr/searches/<id>/ (results)", s.get, base + response.headers["Location"])
        time.sleep(6 + rng.random() * 6)


def camera(base, token, until, rec, frames, accepted):
    import requests
    from django.utils import timezone

    rng = random.Random(token)
    time.sleep(rng.random() * 4)
    i = 0
    while time.monotonic() < until:
        data = frames[i % len(frames)]
        payload = data[:-2] + bytes([i % 251, rng.randrange(251)]) + data[-2:]  # distinct frames
        response = rec.timed("POST /api/cameras/frames/", requests.post, f"{base}/api/cameras/frames/",
                             files={"frame": (f"f{i}.jpg", payload, "image/jpeg")},
                             data={"captured_at": timezone.now().isoformat()},
                             headers={"Authorization": f"Camera {token}"}, expect=(202,))
        if response is not None and response.status_code == 202:
            with rec.lock:
                accepted.extend(j["id"] for j in response.json()["jobs"])
        i += 1
        time.sleep(4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="officers 60%%, analysts 30%%, cameras 10%%")
    parser.add_argument("--seconds", type=int, default=120, help="measured, after --warmup")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--cameras", type=int, help="of the users, how many are cameras (default 10%%)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/alpr_bench_load")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--feed-only", action="store_true",
                        help="issue 23: --users officers only, polling the alert feed with ETags; new hits injected")
    parser.add_argument("--poll-interval", type=float, default=5.0, help="feed-only: seconds between polls")
    parser.add_argument("--hit-every", type=float, default=10.0, help="feed-only: seconds between new hits")
    args = parser.parse_args()
    os.environ["CELERY_BROKER_URL"] = BROKER
    media = Path(tempfile.mkdtemp(prefix="alpr-load-media-"))
    os.environ["MEDIA_ROOT"] = str(media)
    from benchmarks.common import percentile, setup_django

    setup_django(args.database_url)
    import redis

    from ingest.models import FrameJob
    from ingest.synthetic import encode_jpeg, render_frame

    cameras = args.cameras if args.cameras is not None else max(1, args.users // 10)
    analysts = max(1, args.users * 3 // 10)
    officers = args.users - cameras - analysts
    if args.feed_only:
        officers, analysts, cameras = args.users, 0, 1
    people, tokens, hot_plates, sample = prepare(args.reads, officers, analysts, cameras)
    rng = random.Random(3)
    frames = [encode_jpeg(render_frame(rng.choice(hot_plates + sample[:20]), "CA", seed=i).image) for i in range(12)]
    redis.Redis.from_url(BROKER).flushdb()
    env = {**os.environ, "DATABASE_URL": args.database_url, "CELERY_BROKER_URL": BROKER, "DEBUG": "false",
           "MEDIA_ROOT": str(media), "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING",
           "ALPR_WORKER_PROCESSES": "1", "DB_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(args.gunicorn_workers), "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    worker = subprocess.Popen(  # noqa: S603
        [shutil.which("nice") or "/usr/bin/nice", "-n", "10", sys.executable, "-m", "celery", "-A", "config",
         "worker", "-c", "1", "-l", "warning",
         "--without-gossip", "--without-mingle", "-n", "load@%h"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(PORT, 60)
        base = f"http://127.0.0.1:{PORT}"
        started = time.perf_counter()
        if args.feed_only:
            people["sessions"], people["hot"] = sessions_for(people["officer"]), hot_plates
            rec = Recorder(measure_from=time.monotonic() + args.warmup)
            until = time.monotonic() + args.warmup + args.seconds
            print(f"{officers} officers polling every {args.poll_interval} s, a new hit every {args.hit_every} s, "
                  f"{args.warmup} s warm-up + {args.seconds} s ...", flush=True)
            delays = feed_only(args, base, people, rec, until)
            raise _FeedDone(rec, delays)
        sessions = signed_in(base, people["officer"] + people["analyst"])
        print(f"{len(sessions)} members signed in ({time.perf_counter() - started:.0f} s)", flush=True)
        rec, accepted = Recorder(measure_from=time.monotonic() + args.warmup), []
        until = time.monotonic() + args.warmup + args.seconds
        threads = [threading.Thread(target=officer, args=(base, u, until, rec, sessions)) for u in people["officer"]]
        threads += [threading.Thread(target=analyst, args=(base, u, until, rec, sample, sessions))
                    for u in people["analyst"]]
        threads += [threading.Thread(target=camera, args=(base, t, until, rec, frames, accepted)) for t in tokens]
        print(f"{len(people['officer'])} officers, {len(people['analyst'])} analysts, {len(tokens)} cameras "
              f"for {args.warmup} s warm-up + {args.seconds} s against gunicorn ({args.gunicorn_workers} workers) ...",
              flush=True)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # Let the worker finish the queue, then account for every frame accepted.
        deadline = time.monotonic() + 600
        finished = ("done", "rejected", "failed")
        while time.monotonic() < deadline:
            pending = FrameJob.objects.filter(pk__in=accepted).exclude(status__in=finished).count()
            if pending == 0:
                break
            time.sleep(2)
        statuses = defaultdict(int)
        for status in FrameJob.objects.filter(pk__in=accepted).values_list("status", flat=True):
            statuses[status] += 1
    except _FeedDone as done:
        rec, delays = done.rec, done.delays
        statuses, accepted = defaultdict(int), []
        shown = sorted(delays)
        late = sum(1 for d in delays if d > 5)
        print(f"\nnew hit on screen (first poll showing it, per officer and hit): n={len(delays)}, "
              f"p50 {percentile(shown, 50):.1f} s, p95 {percentile(shown, 95):.1f} s, max {shown[-1]:.1f} s, "
              f"later than 5 s: {late}" if shown else "no hit was made")
    finally:
        for proc in (server, worker):
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in (server, worker):
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    report = {"users": args.users, "seconds": args.seconds, "reads": args.reads, "endpoints": {}}
    print(f"\n{'endpoint':42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, values in sorted(rec.latency.items()):
        row = {"n": len(values), "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
               "p99_ms": round(percentile(values, 99), 1), "errors": len(rec.errors[name])}
        report["endpoints"][name] = row
        print(f"{name:42} {row['n']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['p99_ms']:>8} {row['errors']:>7}")
    lost = len(accepted) - sum(statuses[s] for s in ("done", "rejected", "failed"))
    report["errors"] = sum(len(v) for v in rec.errors.values())
    report["error_samples"] = {k: v[:5] for k, v in rec.errors.items() if v}
    report["frames"] = {"accepted": len(accepted), **statuses, "lost": lost}
    print(f"\nerrors: {report['errors']} {report['error_samples'] or ''}")
    print(f"frames: {len(accepted)} accepted = {statuses['done']} done + {statuses['rejected']} rejected + "
          f"{statuses['failed']} failed; lost {lost}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
