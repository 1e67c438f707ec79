"""``runcomfy`` and ``python -m runcomfy``: the command line, handed this package's endpoints.

Generated; do not edit. The command line (``runcomfy_cli``) and the emulator
(``runcomfy_emulator``) know no endpoint of their own: the registry comes from here.
"""

from __future__ import annotations

import sys


def main() -> int:
    from runcomfy._registry import REGISTRY
    from runcomfy_cli.main import main as cli

    return cli(registry=REGISTRY)


if __name__ == "__main__":
    sys.exit(main())
