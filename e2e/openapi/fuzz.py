#!/usr/bin/env python3
"""Every answer is in the contract: an existing OpenAPI fuzzer against a running ejia.

The fuzzer is `schemathesis` from PyPI (pinned in requirements.txt), used unchanged. It reads
`/api/v1/openapi.json` and sends generated requests to every operation as the demo's district
admin (13800000001, the most powerful account, so the fewest answers are a plain 403): examples,
boundary values, malformed input, requests without the token, and call sequences along the
document's links. It fails on any of four findings:

- not_a_server_error          any 5xx
- status_code_conformance     a status the operation does not document
- content_type_conformance    a media type the operation does not document for that status
- response_schema_conformance a body that does not match the documented schema

Random ids mostly meet 404, so before the run a small world is made over the API itself (a case,
a service with a slot and a lottery slot, a booking, an event with a session and a registration,
a family member, an inspector's patrol, an enterprise's application), and the generated path ids
and body references are drawn half the time from the ids that exist (schemathesis dictionaries,
written to a config file beside the data). The run then reaches the handlers' logic and their
answers on real objects, not only their 404s.

A second run goes as the demo's resident (13800000009): the admin meets few 403s, the resident
many, so the refusals each handler documents are checked too. (Each of the nine demo roles passed once by hand.)

`DELETE /me/tokens/{id}` could revoke the fuzzer's own token (ids are small and guessable on a
fresh database), so it runs last, on its own, with a token of its own.

Runs are derandomized (the same inputs each time), on one worker, with a bounded number of
examples per operation and schemathesis's cache kept in the throwaway data directory, so they
take the same path each time and finish in well under a minute each.

Usage: fuzz.py PATH/TO/ejia   (starts `ejia serve --demo` on a fresh data directory)
Environment: EJIA_DATABASE_URL (run on that PostgreSQL database, which must be empty; default:
SQLite in the data directory), EJIA_FUZZ_EXAMPLES (examples per operation and run, default 80),
EJIA_FUZZ_ALSO_AS (comma-separated phones of demo accounts to run as after the admin, default
the resident), SCHEMATHESIS (the executable, default: the one beside this Python).
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

DISTRICT_ADMIN = "13800000001"
INSPECTOR = "13800000007"
RESIDENT = "13800000009"
ENTERPRISE = "13800000008"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
REVOKE = "/me/tokens/{id}"


def environment():
    """What ejia runs with: quiet, and on PostgreSQL when `EJIA_DATABASE_URL` names a database."""
    env = {"EJIA_LOG": "warn", "PATH": "/usr/bin:/bin"}
    if os.environ.get("EJIA_DATABASE_URL"):
        env["EJIA_DATABASE_URL"] = os.environ["EJIA_DATABASE_URL"]
    return env


def start(binary, data_dir):
    """Starts ejia with the demo data on a free port; returns (process, base URL)."""
    proc = subprocess.Popen(
        [binary, "--data-dir", data_dir, "serve", "--demo", "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    for line in proc.stdout:
        m = re.match(r"^ejia is serving on (\S+)", line)
        if m:
            # What it says from now on (a server error's log line) goes on to our output, and the
            # pipe never fills up and stalls the server.
            threading.Thread(target=shutil.copyfileobj, args=(proc.stdout, sys.stdout), daemon=True).start()
            return proc, m.group(1)
    raise SystemExit("ejia exited before serving")


def token(binary, data_dir, phone):
    out = subprocess.run(
        [binary, "--data-dir", data_dir, "token", "create", "--phone", phone],
        text=True, capture_output=True, check=True, env=environment(),
    ).stdout
    return out.strip().split()[-1]


def call(base, bearer, method, path, body=None):
    """One API call that must succeed; returns the decoded answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}/api/v1{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {bearer}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def world(binary, data_dir, base, admin):
    """Makes one of each object the API works on; returns the ids, by kind."""
    at = lambda days, hour: (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
                             .replace(hour=hour, minute=0, second=0, microsecond=0)
                             + datetime.timedelta(days=days)).isoformat()
    community = call(base, admin, "GET", "/communities?limit=1")["items"][0]["id"]
    venue = call(base, admin, "GET", "/venues?limit=1")["items"][0]["id"]
    minors = [c for c in call(base, admin, "GET", "/case-categories") if c.get("parent_code")]
    case = call(base, admin, "POST", "/cases", {
        "category_id": minors[0]["id"], "description": "人行道上私搭乱建的棚子", "community_id": community,
        "address": "香港中路 10 号"})["id"]
    service = call(base, admin, "POST", "/services", {"name": "新冠疫苗接种 第一剂", "real_name_required": False})["id"]
    slot = call(base, admin, "POST", f"/services/{service}/slots", {
        "venue_id": venue, "starts_at": at(2, 9), "ends_at": at(2, 10), "capacity": 5})["id"]
    lottery = call(base, admin, "POST", f"/services/{service}/slots", {
        "venue_id": venue, "starts_at": at(3, 9), "ends_at": at(3, 10), "capacity": 5, "mode": "lottery",
        "closes_at": at(1, 9)})["id"]
    booking = call(base, admin, "POST", f"/slots/{slot}/bookings")["id"]
    event = call(base, admin, "POST", "/events", {"title": "家门口的党课", "kind": "lecture"})["id"]
    session = call(base, admin, "POST", f"/events/{event}/sessions", {
        "venue_id": venue, "starts_at": at(4, 19), "ends_at": at(4, 21), "capacity": 30})["id"]
    registration = call(base, admin, "POST", f"/sessions/{session}/registrations")["id"]
    person = call(base, admin, "POST", "/me/people", {"name": "王秀英", "relation": "parent"})["id"]
    patrol = call(base, token(binary, data_dir, INSPECTOR), "POST", "/patrols")["id"]
    enterprise = call(base, token(binary, data_dir, ENTERPRISE), "POST", "/enterprise/application", {
        "name": "青岛海味餐饮有限公司", "uscc": "91370202MA3C12345B", "contact_name": "李经理",
        "contact_phone": "13512340001"})["id"]
    items = call(base, admin, "GET", "/assist-items")
    # The demo's Long March challenge, its teams and its held check-in (`seed::challenge`).
    challenge = call(base, admin, "GET", "/challenges")["items"][0]["id"]
    teams = [t["id"] for t in call(base, admin, "GET", f"/challenges/{challenge}/teams")["items"][:3]]
    held = [c["id"] for c in call(base, admin, "GET", f"/challenges/{challenge}/checkins")["items"]]
    return {
        "case": [case], "service": [service], "slot": [slot, lottery], "booking": [booking], "event": [event],
        "session": [session], "registration": [registration], "person": [person], "patrol": [patrol],
        "enterprise": [enterprise], "category": [c["id"] for c in minors[:3]], "community": [community],
        "venue": [venue], "item": [i["id"] for i in items[:2]], "place": [1, 2, 3],
        "day": [at(10, 0)[:10]], "challenge": [challenge], "team": teams, "checkin": held,
    }


# Which kind of id each path's `{id}` (or `{day}`) is, and which body fields name objects.
PATHS = [
    (r"^/cases/\{id\}", "case"), (r"^/services/\{id\}", "service"), (r"^/slots/\{id\}", "slot"),
    (r"^/bookings/\{id\}", "booking"), (r"^/events/\{id\}", "event"), (r"^/sessions/\{id\}", "session"),
    (r"^/registrations/\{id\}", "registration"), (r"^/patrols/\{id\}", "patrol"),
    (r"^/enterprises/\{id\}", "enterprise"), (r"^/case-categories/\{id\}", "category"),
    (r"^/(streets|communities|venues|departments)/\{id\}", "place"),
    (r"^/challenges/\{id\}", "challenge"), (r"^/checkins/\{id\}", "checkin"),
]
BODY = {"category_id": "category", "community_id": "community", "venue_id": "venue", "person_id": "person",
        "slot_id": "slot", "item_id": "item", "into": "case", "patrol_id": "patrol",
        "team_id": "team"}


def config(ids, path):
    """A schemathesis config: the world's ids as dictionaries, bound to half of the generated values."""
    lines = []
    for kind, values in ids.items():
        lines += [f"[dictionaries.{kind}]", f"values = {json.dumps(values)}", ""]
    lines += ["[parameters]", *(f'"body.{f}" = {{ dictionary = "{k}", probability = 0.5 }}' for f, k in BODY.items()), ""]
    for regex, kind in PATHS:
        lines += ["[[operations]]", f"include-path-regex = '{regex}'",
                  f'parameters = {{ "path.id" = {{ dictionary = "{kind}", probability = 0.5 }} }}', ""]
    lines += ["[[operations]]", 'include-path-regex = "^/work-calendar/days/"',
              'parameters = { "path.day" = { dictionary = "day", probability = 0.5 } }', ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def fuzz(base, bearer, examples, settings, *selection):
    """One schemathesis run; returns its exit status (0: no finding)."""
    st = os.environ.get("SCHEMATHESIS") or os.path.join(os.path.dirname(sys.executable), "schemathesis")
    command = [
        st, "--config-file", settings, "run", f"{base}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {bearer}",
        "--checks", CHECKS,
        "--max-examples", str(examples),
        "--generation-deterministic",
        "--workers", "1",
        "--request-timeout", "20",
        "--no-color",
        *selection,
    ]
    shown = [a if not a.startswith("Authorization:") else "Authorization: Bearer …" for a in command]
    print("$", " ".join(shown), flush=True)
    # In the data directory: schemathesis keeps a cache of past findings in its working directory,
    # which would make one run depend on the last.
    return subprocess.run(command, cwd=os.path.dirname(settings)).returncode


def main():
    binary = sys.argv[1]
    examples = int(os.environ.get("EJIA_FUZZ_EXAMPLES", "80"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ejia-openapi-") as data_dir:
        proc, base = start(binary, data_dir)
        try:
            main_token = token(binary, data_dir, DISTRICT_ADMIN)
            last_token = token(binary, data_dir, DISTRICT_ADMIN)
            settings = os.path.join(data_dir, "schemathesis.toml")
            config(world(binary, data_dir, base, main_token), settings)
            failed = fuzz(base, main_token, examples, settings, "--exclude-path", REVOKE)
            for phone in filter(None, os.environ.get("EJIA_FUZZ_ALSO_AS", RESIDENT).split(",")):
                failed |= fuzz(base, token(binary, data_dir, phone), examples, settings, "--exclude-path", REVOKE)
            failed |= fuzz(base, last_token, examples, settings, "--include-path", REVOKE)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    took = time.monotonic() - started
    if failed:
        raise SystemExit(f"openapi: the fuzzer found answers outside the contract ({took:.0f} s)")
    print(f"openapi: schemathesis found no answer outside the contract ({took:.0f} s)")


if __name__ == "__main__":
    main()
