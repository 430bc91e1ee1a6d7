"""Allows `python -m srm`."""

from srm.cli.app import main

main()
