"""Shared helpers for the interop scenarios that InteropTests runs against an in-process
Wharf cluster. A scenario asks the Swift harness to act on the engine by printing a line
starting with "@" (for example "@stop-broker 2") and waits for the harness's reply line on
stdin; everything else it prints is the test log. It exits 0 on success and 1 (with a line
starting "FAIL:") otherwise."""
import sys
import time


def log(*args):
    print(*args, flush=True)


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def engine(command):
    """Asks the harness to run `command` on the engine (stop-broker N, start-broker N)."""
    print("@" + command, flush=True)
    reply = sys.stdin.readline().strip()
    check(reply == "ok", f"harness could not {command}: {reply}")


def wait_until(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    fail(f"timed out after {seconds}s waiting for {what}")
