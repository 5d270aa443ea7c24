"""``python -m qualkit``: the same as the ``qualkit`` command (see :mod:`qualkit.cli`)."""

import sys

from qualkit.cli import main

if __name__ == "__main__":
    sys.exit(main())
