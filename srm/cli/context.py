"""The typed context every command receives: config, store and today, each built on first use."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from srm.errors import UsageError

if TYPE_CHECKING:
    from srm.config import Config
    from srm.store.db import Store


@dataclass
class AppContext:
    db_flag: str | None = None
    config_flag: str | None = None
    debug: bool = False
    command: str = ""  # as typed, for the undo log
    _store: Store | None = field(default=None, repr=False)

    @cached_property
    def config_path(self) -> Path | None:
        from srm.config import find_config_file

        return find_config_file(explicit=self.config_flag)

    @cached_property
    def config(self) -> Config:
        from srm.config import load

        return load(self.config_path)

    @cached_property
    def db_path(self) -> Path | str:
        from srm.paths import database_path

        return database_path(self.db_flag, self.config.database)

    @property
    def db_name(self) -> str:
        """The store as named in messages: its file, or its URL without a password."""
        from srm.paths import is_url

        if is_url(self.db_path):
            from srm.store.postgres import display

            return display(str(self.db_path))
        return str(self.db_path)

    @cached_property
    def today(self) -> date:
        """Today, or $SRM_TODAY (YYYY-MM-DD) so scripts and tests can pin the date."""
        from srm.dates import check_range

        pinned = os.environ.get("SRM_TODAY")
        if pinned:
            try:
                day = date.fromisoformat(pinned)
            except ValueError:
                raise UsageError(f"SRM_TODAY={pinned!r} is not a date: use YYYY-MM-DD") from None
            return check_range(day, f"SRM_TODAY={pinned}")
        return date.today()

    @property
    def store(self) -> Store:
        """The open store. A store created now gets the config's segments; an existing one
        is only read here (`srm segment sync` applies the config to it)."""
        if self._store is None:
            from srm.store.db import Store

            config = self.config  # a broken config fails before the database is touched
            self._store = Store.open(self.db_path)
            from srm.domain import state

            state.keep(self._store, config)  # each write recomputes the contacts it changed
            if self._store.created and config.segments:  # part of creating the store
                from srm.domain.segments import sync_config

                sync_config(self._store, config)
            if self.command:
                self._store.record_undo(self.command)
            if config.member is not None:
                self._store.write_as(*config.member)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def date(self, text: str | None, *, prefer: str = "past", allow_future: bool = True) -> date:
        """Parse a DATE argument against today; None means today."""
        from srm.dates import parse_date

        if text is None:
            return self.today
        d = parse_date(text, self.today, prefer=prefer)
        if not allow_future and d > self.today:
            raise UsageError(f"{text!r} is {d.isoformat()}, in the future: log what has happened")
        return d


def ctx_of(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):  # a sub-command invoked without the root callback
        obj = AppContext()
        ctx.find_root().obj = obj
    return obj
