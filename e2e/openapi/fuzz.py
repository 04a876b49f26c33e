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

`DELETE /me/tokens/{id}` could revoke the fuzzer's own token (ids are small and guessable on a
fresh database), so it runs last, on its own, with a second token.

Runs are derandomized (the same inputs each time), on one worker, with a bounded number of
examples per operation, so they take the same path each time and finish in a few minutes.

Usage: fuzz.py PATH/TO/ejia   (starts `ejia serve --demo` on a fresh data directory)
Environment: EJIA_FUZZ_EXAMPLES (examples per operation, default 60), SCHEMATHESIS (the `st`
executable, default: the one beside this Python).
"""

import os
import re
import subprocess
import sys
import tempfile
import time

DISTRICT_ADMIN = "13800000001"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
REVOKE = "/me/tokens/{id}"


def start(binary, data_dir):
    """Starts ejia with the demo data on a free port; returns (process, base URL)."""
    proc = subprocess.Popen(
        [binary, "--data-dir", data_dir, "serve", "--demo", "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        text=True,
        env={"EJIA_LOG": "warn", "PATH": "/usr/bin:/bin"},
    )
    for line in proc.stdout:
        m = re.match(r"^ejia is serving on (\S+)", line)
        if m:
            return proc, m.group(1)
    raise SystemExit("ejia exited before serving")


def token(binary, data_dir, phone):
    out = subprocess.run(
        [binary, "--data-dir", data_dir, "token", "create", "--phone", phone],
        text=True, capture_output=True, check=True,
    ).stdout
    return out.strip().split()[-1]


def fuzz(base, bearer, examples, *selection):
    """One schemathesis run; returns its exit status (0: no finding)."""
    st = os.environ.get("SCHEMATHESIS") or os.path.join(os.path.dirname(sys.executable), "schemathesis")
    command = [
        st, "run", f"{base}/api/v1/openapi.json",
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
    return subprocess.run(command).returncode


def main():
    binary = sys.argv[1]
    examples = int(os.environ.get("EJIA_FUZZ_EXAMPLES", "60"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ejia-openapi-") as data_dir:
        proc, base = start(binary, data_dir)
        try:
            main_token = token(binary, data_dir, DISTRICT_ADMIN)
            last_token = token(binary, data_dir, DISTRICT_ADMIN)
            failed = fuzz(base, main_token, examples, "--exclude-path", REVOKE)
            failed |= fuzz(base, last_token, examples, "--include-path", REVOKE)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    took = time.monotonic() - started
    if failed:
        raise SystemExit(f"openapi: the fuzzer found answers outside the contract ({took:.0f} s)")
    print(f"openapi: schemathesis found no answer outside the contract ({took:.0f} s)")


if __name__ == "__main__":
    main()
