"""Allows `python -m srm`."""

from srm.cli.start import main

main()
