"""The reference served over the adapter protocol: `forkspec adapter` (ADP-12).

It is one more adapter to the runner, and the model of what a client team writes: read a
line, answer it, flush. It answers requests in order and never reads ahead, which the
pipelining rule allows (ADP-10); it writes nothing but protocol lines to stdout (ADP-11).
"""

from __future__ import annotations

import sys
from typing import Any, BinaryIO

from forkspec import __version__
from forkspec.conformance.adapter_process import ForkedServer
from forkspec.conformance.protocol import MAX_LINE_BYTES, PROTOCOL_VERSION, ProtocolError, decode, encode
from forkspec.errors import SpecError
from forkspec.handlers import FEATURES, HANDLERS, run_handler
from forkspec.presets import preset_names


def reference_adapter_command() -> list[str]:
    """The command that serves the built-in reference: this module, so that the command-line
    interface's own imports are not paid again (ADP-12)."""
    return [sys.executable, "-m", "forkspec.conformance.reference_adapter"]


def built_in_reference() -> ForkedServer:
    """The built-in reference as the runner starts it: a forked copy of the runner serving
    `serve`, or the program of `reference_adapter_command()` where fork is missing (ADP-12)."""
    return ForkedServer(serve, tuple(reference_adapter_command()))


def hello_reply() -> dict[str, Any]:
    """The reference's capabilities: every handler, every preset, every feature."""
    return {
        "type": "hello",
        "protocol_version": PROTOCOL_VERSION,
        "client": {"name": "forkspec-reference", "version": __version__},
        "handlers": sorted(HANDLERS),
        "presets": list(preset_names()),
        "features": list(FEATURES),
    }


def reply_to_run(request: dict[str, Any]) -> dict[str, Any]:
    """The answer to one run request: result, canonical error, or skip for an unknown handler.

    A rejected input is an error answer, never a reason to stop (ADP-6, ADP-7, ADP-8, ADP-13).
    """
    if request["handler"] not in HANDLERS:
        return {"type": "skip", "id": request["id"], "reason": f"no handler {request['handler']}"}
    try:
        output = run_handler(request["handler"], request["preset"], request["input"])
    except SpecError as rejection:
        return {
            "type": "error",
            "id": request["id"],
            "code": rejection.code.value,
            "detail": rejection.detail,
        }
    return {"type": "result", "id": request["id"], "output": output}


def serve(reader: BinaryIO, writer: BinaryIO) -> int:
    """Serve the protocol until shutdown or end of input; 0 on a clean end, 2 on a broken message.

    Integers too long to read exactly are read saturated, so that an input holding one is
    rejected with the code its true value would get (ADP-13, ADP-15).
    """
    for line in iter(lambda: reader.readline(MAX_LINE_BYTES + 1), b""):
        try:
            message = decode(line, "runner_message", plain_integers=True)
        except ProtocolError as error:
            print(f"forkspec adapter: {error}", file=sys.stderr)
            return 2
        if message["type"] == "shutdown":
            return 0
        reply = hello_reply() if message["type"] == "hello" else reply_to_run(message)
        writer.write(encode(reply))
        writer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
