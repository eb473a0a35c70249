"""Errors that reach the user: one message and one exit status each.

The core raises these; only ``cli.py`` turns them into a stderr line and an exit code.
"""
from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes fixed by CLI.md. Note: 1 is a failure, not "no match" as in grep."""

    OK = 0
    FAILURE = 1
    USAGE = 2


class NewsfindError(Exception):
    """Base of every error with a message a user can act on."""

    exit_status = ExitStatus.FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(NewsfindError):
    """Wrong usage: a bad option value, date or query."""

    exit_status = ExitStatus.USAGE


class BadDate(UsageError):
    pass


class QuerySyntax(UsageError):
    pass


class IndexMissing(NewsfindError):
    pass


class IndexLocked(NewsfindError):
    pass


class IndexDamaged(NewsfindError):
    pass


class IndexVersionMismatch(NewsfindError):
    pass


class UnknownArticle(NewsfindError):
    pass


class ArticlePathMissing(NewsfindError):
    pass


class BadArticle(NewsfindError):
    """One article file (or record) that cannot be read; reported and skipped."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"cannot read {where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
