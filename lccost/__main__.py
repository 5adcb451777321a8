"""``python -m lccost`` and the ``lccost`` command's entry point.

Ctrl-C while Python is still importing the CLI (its first ~100 ms) would print a
KeyboardInterrupt traceback from deep inside an import; a handler installed before those
imports ends the process quietly instead (exit 130, as a shell reports SIGINT).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("Interrupted.\n")
    sys.stderr.flush()
    os._exit(130)


def run() -> None:
    """Start the CLI: the quiet Ctrl-C handler during imports, then ``main``'s own boundary."""
    previous = signal.signal(signal.SIGINT, _interrupted)
    from lccost.cli.app import main

    signal.signal(signal.SIGINT, previous)
    main()


if __name__ == "__main__":
    run()
