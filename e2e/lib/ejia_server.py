"""Starting ejia and making accounts for the Python checks (Open311 client, feeds): what they share.

`run` starts ejia, hands it to a check and stops it; `start` runs `ejia serve --demo` on a fresh data directory on a free port; `account` makes a
user with a role through the CLI and returns an API token for them.
"""

import re
import subprocess
import tempfile


def start(binary, data_dir):
    """Starts ejia with the demo data; returns (process, base URL)."""
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


def cli(binary, data_dir, *args, stdin=""):
    return subprocess.run(
        [binary, "--data-dir", data_dir, *args], input=stdin, text=True, capture_output=True, check=True
    ).stdout


def account(binary, data_dir, phone, name, role, scope="district"):
    """A user with a role and an API token."""
    cli(binary, data_dir, "user", "add", "--phone", phone, "--name", name, "--role", role,
        "--scope", scope, "--password-stdin", stdin="check-password-1\n")
    return cli(binary, data_dir, "token", "create", "--phone", phone).strip().split()[-1]


def run(binary, name, check):
    """Runs `check(binary, data_dir, base)` against a fresh `ejia serve --demo`, then stops it."""
    with tempfile.TemporaryDirectory(prefix=f"ejia-{name}-") as data_dir:
        proc, base = start(binary, data_dir)
        try:
            check(binary, data_dir, base)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
