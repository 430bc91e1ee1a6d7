"""The `srm` command's entry point: srm's CLI imported with the cyclic garbage collector paused.

Starting srm imports typer, srm's root and then the one command that runs: tens of thousands
of objects, all of which live as long as the process. The collector would rescan them dozens
of times while they are made (~5 ms of a ~100 ms `srm log`) and never find garbage. So it is
paused while they are imported; once they are in, `gc.freeze` sets them aside for good and
collection runs as usual for the command's own work.
"""

from __future__ import annotations

import gc


def main() -> None:
    collecting = gc.isenabled()
    gc.disable()
    try:
        from srm.cli.app import main as run
    finally:
        if collecting:
            gc.enable()
    run()
