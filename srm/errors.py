"""The one error hierarchy: each error carries the exit code and one line for the user."""


class SrmError(Exception):
    """An error the user can act on. The message is shown as one line on stderr."""

    exit_code = 1


class UsageError(SrmError):
    """Bad input on the command line: an impossible date, an unknown cadence or channel."""

    exit_code = 2


class NotFound(SrmError):
    """No record matches: an unknown contact, segment or id."""

    exit_code = 3


class Ambiguous(SrmError):
    """Several records match where one was expected."""

    exit_code = 4


class ConfigError(SrmError):
    """The config file is unreadable or invalid."""

    exit_code = 5


class StoreError(SrmError):
    """The database is unreadable, locked, read-only, damaged, or written by a newer srm."""

    exit_code = 6


class ImportError_(SrmError):
    """An import file is empty, unreadable, or holds an invalid record."""

    exit_code = 7


class Duplicate(SrmError):
    """The record looks like one already in the store (a contact with the same email or name)."""

    exit_code = 8


EXIT_CODES = {
    0: "success",
    1: "other error",
    2: "bad input on the command line (date, cadence, channel, option)",
    3: "not found (contact, segment, id)",
    4: "ambiguous (several contacts match)",
    5: "invalid config file",
    6: "database problem (unreadable, locked, newer schema, read-only, `srm doctor` found a problem)",
    7: "import failed (nothing was written)",
    8: "duplicate (a contact with that email or name exists)",
    130: "interrupted",
}
