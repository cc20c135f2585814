"""Hostile adapters that test the runner's own robustness (CNF-5, ADP-15).

Usage: python hostile_adapter.py MODE. Unlike `fake_adapter.py` these adapters do not run the
reference: they serve synthetic cases whose input carries the expected output
(`{"answer": {...}}`), so that they start fast and answer instantly, and a case whose input
has `"trigger": true` is where the mode strikes. Each mode names itself in its hello
(client name `hostile-<mode>`); an unknown mode exits with status 2. With the environment
variable HOSTILE_LOG set, the adapter appends `adapter <pid>` to that file when it starts,
`request <id> <pid>` for every request it reads, and a grandchild it leaves `grandchild <pid>`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

Message = dict[str, Any]


def write_line(data: bytes) -> None:
    os.write(1, data)


def write(message: Message) -> None:
    write_line(json.dumps(message).encode() + b"\n")


def log(text: str) -> None:
    path = os.environ.get("HOSTILE_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(text + "\n")


def hello(mode: str) -> Message:
    return {
        "type": "hello",
        "protocol_version": 1,
        "client": {"name": f"hostile-{mode}", "version": "1"},
        "handlers": ["version_compare"],
        "presets": ["mainnet"],
        "features": [],
    }


def answer(request: Message) -> Message:
    return {"type": "result", "id": request["id"], "output": request["input"]["answer"]}


def flood_repeats(request: Message) -> None:
    """Answer, then repeat that answer forever, never reading again."""
    line = json.dumps(answer(request)).encode() + b"\n"
    write_line(line)
    chunk = line * 1000
    while True:
        write_line(chunk)


def orphan_grandchild(_request: Message) -> None:
    """Leave a grandchild in a session of its own that keeps stdout open, then crash."""
    logged, ready = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            log(f"grandchild {os.getpid()}")
            os.write(ready, b".")
            time.sleep(3600)
        os._exit(0)
    os.wait()
    os.read(logged, 1)
    os._exit(7)


def huge_integer(request: Message) -> None:
    """Answer with an integer of 5000 digits for every value of the expected output."""
    digits = b"1" + b"0" * 4999
    fields = b",".join(json.dumps(key).encode() + b":" + digits for key in request["input"]["answer"])
    write_line(b'{"type":"result","id":%d,"output":{%s}}\n' % (request["id"], fields))


def slow(request: Message) -> None:
    """Answer after a pause."""
    time.sleep(0.3)
    write(answer(request))


TRIGGERED: dict[str, Callable[[Message], None]] = {
    "flood-repeats": flood_repeats,
    "orphan-grandchild": orphan_grandchild,
    "huge-integer": huge_integer,
}
# Modes that misbehave outside the cases: their behaviour is in `serve`.
WHOLE_SESSION = {"write-after-shutdown", "hang-before-hello", "slow", "normal"}


def read_lines() -> Any:
    buffer = b""
    while chunk := os.read(0, 65536):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        yield from (json.loads(line) for line in lines)


def serve(mode: str) -> int:
    log(f"adapter {os.getpid()}")
    if mode == "hang-before-hello":
        time.sleep(3600)
    for message in read_lines():
        if message["type"] == "hello":
            write(hello(mode))
        elif message["type"] == "shutdown":
            if mode == "write-after-shutdown":
                while True:
                    write_line(b"still here, not a protocol line\n" * 100)
            return 0
        else:
            log(f"request {message['id']} {os.getpid()}")
            strike = TRIGGERED.get(mode) if message["input"].get("trigger") else None
            if strike is not None:
                strike(message)
            elif mode == "slow":
                slow(message)
            else:
                write(answer(message))
    return 0


def main(arguments: list[str]) -> int:
    if len(arguments) != 1 or arguments[0] not in {*TRIGGERED, *WHOLE_SESSION}:
        print(
            f"hostile_adapter.py: unknown mode {arguments!r}; modes: {sorted({*TRIGGERED, *WHOLE_SESSION})}",
            file=sys.stderr,
        )
        return 2
    return serve(arguments[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
