"""forkspec: the executable reference specification of coordinated protocol upgrades.

One module per spec area, in the spec's order: `versioning`, `classification`, `flags`.
`handlers` exposes them in the canonical JSON form that vectors and adapters use;
`forkspec.conformance` is the conformance runner and `forkspec.tools` the tools.
"""

from importlib.metadata import version

from forkspec.errors import ErrorCode, SpecError
from forkspec.handlers import HANDLERS, run_handler

__version__ = version("forkspec")
__all__ = ["HANDLERS", "ErrorCode", "SpecError", "__version__", "run_handler"]
