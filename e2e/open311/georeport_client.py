#!/usr/bin/env python3
"""Open311 GeoReport v2 conformance, checked with an existing client library used unchanged.

The client is `georeport` from PyPI (pinned in requirements.txt): a maintained Python 3 wrapper of
GeoReport v2. It reads services, service definitions and requests, in JSON and XML; it does not
file requests, so filing is done here with plain form POSTs exactly as the spec describes them
(`api_key`, `service_code`, `lat`/`long` or `address_string`). No other registry client is usable:
PyPI's `open311` 1.1 is Python 2 only, npm's `open311` 0.0.12 depends on a git URL and a native
XML module.

Usage: georeport_client.py PATH/TO/ejia   (starts `ejia serve --demo` on a fresh data directory)
"""

import os
import sys

import requests
from georeport import GeoReport

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from ejia_server import account, run  # noqa: E402

DEPARTMENT = "区综合行政执法局"


def act(base, token, case_id, action, **body):
    r = requests.post(f"{base}/api/v1/cases/{case_id}/actions", json={"action": action, **body},
                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, (action, r.status_code, r.text)


def as_list(x):
    """xmltodict gives one element as a dict and several as a list."""
    return x if isinstance(x, list) else [x]


def main():
    run(sys.argv[1], "open311", check)
    print("open311: georeport client conformance ok")


def check(binary, data_dir, base):
    root = f"{base}/open311/v2"
    resident = account(binary, data_dir, "13955500001", "居民甲", "resident")
    dispatcher = account(binary, data_dir, "13955500002", "指挥中心甲", "dispatcher")
    handler = account(binary, data_dir, "13955500003", "执法队员甲", "handler", f"department:{DEPARTMENT}")

    # Filing, as the spec's POST: one by coordinates, one by address.
    filed = []
    for form in (
        {"service_code": "0101", "lat": "36.0620", "long": "120.3830", "description": "人行道上私搭棚子"},
        {"service_code": "0601", "address_string": "香港中路 10 号", "description": "占道经营"},
    ):
        r = requests.post(f"{root}/requests.json", data={"api_key": resident, **form})
        assert r.status_code == 201 or r.status_code == 200, (r.status_code, r.text)
        answer = r.json()
        assert isinstance(answer, list) and answer[0]["service_request_id"], answer
        filed.append(str(answer[0]["service_request_id"]))
    shed, stall = filed

    # The first goes all the way: dispatched, handled, checked, closed.
    r = requests.get(f"{base}/api/v1/departments", params={"per_page": 100},
                     headers={"Authorization": f"Bearer {dispatcher}"})
    assert r.status_code == 200, r.text
    items = r.json()["items"] if isinstance(r.json(), dict) else r.json()
    department = next(d["id"] for d in items if d["name"] == DEPARTMENT)
    act(base, dispatcher, shed, "dispatch", department_id=department)
    act(base, handler, shed, "report_handled", note="已拆除")
    act(base, dispatcher, shed, "check_pass")
    # The second is dispatched and stays open with a deadline.
    act(base, dispatcher, stall, "dispatch", department_id=department)

    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        services = client.get_service_list()
        if fmt == "xml":
            services = as_list(services)
        codes = {s["service_code"] for s in services}
        assert {"0101", "0601"} <= codes, codes
        assert all(s["service_name"] for s in services)

        definition = client.get_service_definition("0101")
        assert definition["service_code"] == "0101", definition

        every = client.get_service_requests()
        if fmt == "xml":
            every = as_list(every)
        ids = {str(r["service_request_id"]) for r in every}
        assert {shed, stall} <= ids, (ids, filed)

        closed = client.get_service_requests(status="closed")
        closed = as_list(closed) if fmt == "xml" else closed
        # The demo's own reports are there too: the filter holds for every request, and ours.
        closed_ids = {str(r["service_request_id"]) for r in closed}
        assert shed in closed_ids and stall not in closed_ids, closed
        assert all(r["status"] == "closed" for r in closed), closed

        by_code = client.get_service_requests(service_code="0601")
        by_code = as_list(by_code) if fmt == "xml" else by_code
        code_ids = {str(r["service_request_id"]) for r in by_code}
        assert stall in code_ids and shed not in code_ids, by_code
        assert all(r["service_code"] == "0601" for r in by_code), by_code

        both = client.get_service_requests(service_request_id=f"{shed},{stall}")
        both = as_list(both) if fmt == "xml" else both
        assert sorted(str(r["service_request_id"]) for r in both) == sorted(filed), both

        one = client.get_service_request(stall)
        assert str(one["service_request_id"]) == stall and one["status"] == "open", one
        assert one["status_notes"], one
        assert one["expected_datetime"], "a dispatched request has its deadline"
        assert one["service_code"] == "0601" and one["address"] == "香港中路 10 号", one

        done = client.get_service_request(shed)
        assert done["status"] == "closed" and done["status_notes"], done
        assert float(done["lat"]) == 36.062 and float(done["long"]) == 120.383, done
        print(f"open311 ({fmt}): {len(services)} services, {len(every)} requests read by georeport")

    # The spec's error answer for an unknown request reaches the client as an HTTP error.
    try:
        GeoReport(root).get_service_request("999999")
    except requests.HTTPError as e:
        assert e.response.status_code == 404
    else:
        raise AssertionError("an unknown request must be 404")


if __name__ == "__main__":
    main()
