"""`python -m sim.cli ARGS...` is `cuba62 ARGS...`."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
