"""srm: a command-line relationship tracker."""

__version__ = "0.1.0"
