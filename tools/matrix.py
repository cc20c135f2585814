"""`forkspec matrix`: the cross-version compatibility matrix of a set of versions (PEER-6).

Each version stands for a mainnet node that supports every flag in force at it and requires
those its major version's first release introduced, the nodes of the shipped `matrix-*`
vectors. Each cell is what `negotiate` gives for the row's node against the column's: the
negotiated version, or the refusal code. `forkspec conform -k matrix-` runs the same pairs
through an adapter.
"""

from __future__ import annotations

import json

import click
from forkspec.errors import ErrorCode, SpecError
from forkspec.handlers import node_from_json
from forkspec.negotiation import Negotiation, Node, negotiate
from forkspec.tools.cases.peers import MATRIX_VERSIONS, matrix_node
from rich.console import Console
from rich.table import Table

# Short labels for the refusals of NEG-7, explained under the table; any other code is shown whole.
LABELS = {
    ErrorCode.CHAIN_ID_MISMATCH: "chain",
    ErrorCode.GENESIS_MISMATCH: "genesis",
    ErrorCode.FORK_ID_NEXT_PASSED: "fork 1a",
    ErrorCode.FORK_ID_REMOTE_STALE: "fork 2",
    ErrorCode.FORK_ID_INCOMPATIBLE: "fork 4",
    ErrorCode.PROTOCOL_MAJOR_MISMATCH: "major",
    ErrorCode.REQUIRED_FEATURE_UNSUPPORTED: "required",
}


def outcome(a: Node, b: Node) -> Negotiation | ErrorCode:
    """What `negotiate` gives for a pair: the negotiation, or the refusal's code."""
    try:
        return negotiate(a, b)
    except SpecError as refusal:
        return refusal.code


@click.command()
@click.option(
    "--version",
    "versions",
    multiple=True,
    metavar="VERSION",
    help="A node version to include; repeatable (default: the versions of the shipped matrix).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the matrix as one JSON object.")
def matrix(versions: tuple[str, ...], as_json: bool) -> None:
    """Print the verdict of every pair of node versions."""
    chosen = versions or MATRIX_VERSIONS
    try:
        nodes = [node_from_json(matrix_node(version)) for version in chosen]
    except SpecError as error:
        raise click.UsageError(f"{error.code}: {error.detail}") from error
    rows = [[outcome(row, column) for column in nodes] for row in nodes]
    cells = [
        [cell.value if isinstance(cell, ErrorCode) else cell.protocol_version for cell in row] for row in rows
    ]
    if as_json:
        click.echo(json.dumps({"versions": list(chosen), "outcomes": cells}))
        return
    table = Table(title="cross-version matrix: the negotiated version, or why the pair is refused")
    table.add_column("node", overflow="fold")
    for version in chosen:
        table.add_column(version, overflow="fold")
    for version, row in zip(chosen, rows, strict=True):
        table.add_row(
            version,
            *(
                f"[red]{LABELS.get(cell, cell.value)}[/red]"
                if isinstance(cell, ErrorCode)
                else cell.protocol_version
                for cell in row
            ),
        )
    console = Console()
    console.print(table)
    shown = sorted({cell for row in rows for cell in row if isinstance(cell, ErrorCode) and cell in LABELS})
    for code in shown:
        console.print(f"  {LABELS[code]}: {code.value}", highlight=False)
