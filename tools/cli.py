"""The `forkspec` command: conform, smoke, list, matrix, adapter, vectors generate, vectors check, prove.

Exit codes (CNF-4): 0 success; 1 a conformance run that does not show conformance, or vectors
that do not match the generator, or proofs that fail or a stale proof report; 2 a usage or harness
error (bad arguments, an unusable vector set, an adapter that cannot be started, and any failure
of forkspec itself, reported in one line); 130 and 143 a run interrupted by SIGINT or SIGTERM.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from forkspec import __version__
from forkspec.conformance.reference_adapter import serve
from forkspec.tools.conform import USAGE_ERROR, HarnessError

INTERRUPTED_EXIT_CODE = 130


class LazyGroup(click.Group):
    """A command group whose commands in `lazy` (name -> "module:attribute") are imported only
    when they are run or listed, so that each command pays for its own imports alone."""

    def __init__(self, *args: Any, lazy: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(
    cls=LazyGroup,
    lazy={
        "conform": "forkspec.tools.conform:conform",
        "list": "forkspec.tools.conform:list_cases",
        "matrix": "forkspec.tools.matrix:matrix",
        "smoke": "forkspec.tools.smoke:smoke",
        "mutate": "forkspec.tools.mutate:mutate",
        "prove": "forkspec.tools.prove:prove",
    },
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="forkspec")
def cli() -> None:
    """forkspec: reference specification, test vectors and conformance runner for protocol upgrades."""


@cli.command()
def adapter() -> None:
    """Serve the reference over the adapter protocol on stdin and stdout."""
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))


@cli.group()
def vectors() -> None:
    """Generate or check the test vectors."""


@vectors.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write (default: vectors/ of the checkout you stand in).",
)
def generate(out: Path | None) -> None:
    """Write the complete vector set, its compiled forms and its manifest (VEC-7, VEC-11, VEC-14)."""
    # The generator's imports are paid by the commands that use it, not by every command.
    from forkspec.conformance.vectorfile import VectorSetError
    from forkspec.tools.checkout import CheckoutError, checkout_vectors
    from forkspec.tools.generate import NotAVectorSetError, generate_vector_set, write_vector_set

    try:
        target = checkout_vectors(Path.cwd(), out)
    except CheckoutError as error:
        raise HarnessError(str(error)) from error
    vector_files = generate_vector_set()
    try:
        write_vector_set(vector_files, target)
    except (OSError, NotAVectorSetError, VectorSetError) as error:
        raise HarnessError(f"cannot write vectors to {target}: {error}") from error
    click.echo(f"wrote {len(vector_files)} files to {target}")


@vectors.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Vector set to check (default: vectors/ of the checkout you stand in).",
)
def check(directory: Path | None) -> None:
    """Regenerate into an empty temporary directory and compare, byte for byte (VEC-7, VEC-14)."""
    from forkspec.conformance.vectorfile import VectorSetError
    from forkspec.tools.checkout import CheckoutError, checkout_vectors
    from forkspec.tools.generate import generate_vector_set, vector_set_differences, write_vector_set

    try:
        target = checkout_vectors(Path.cwd(), directory)
    except CheckoutError as error:
        raise HarnessError(str(error)) from error
    if not target.is_dir():
        raise HarnessError(f"{target}: no such directory (run from the repository root or pass --dir)")
    with tempfile.TemporaryDirectory(prefix="forkspec-vectors-") as scratch:
        write_vector_set(generate_vector_set(), Path(scratch))
        try:
            problems = vector_set_differences(Path(scratch), target)
        except VectorSetError as error:
            raise HarnessError(f"cannot check {target}: {error}") from error
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{target} does not match the generator: run 'forkspec vectors generate --out {target}'")
        sys.exit(1)
    click.echo(f"{target} matches the generator")


def main() -> None:
    """The console script: every failure of forkspec itself is one line and exit code 2 (CNF-4)."""
    try:
        code = cli.main(standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("forkspec: interrupted", err=True)
        sys.exit(INTERRUPTED_EXIT_CODE)
    except BrokenPipeError:
        # The reader of our output went away (`forkspec list | head`): nothing is left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(USAGE_ERROR)
    except Exception as error:
        if os.environ.get("FORKSPEC_TRACEBACK"):
            raise
        click.echo(
            f"forkspec: internal error: {type(error).__name__}: {error} "
            "(a bug in forkspec; FORKSPEC_TRACEBACK=1 shows the traceback)",
            err=True,
        )
        sys.exit(USAGE_ERROR)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
