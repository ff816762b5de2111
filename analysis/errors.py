"""One family of errors for the workbook.

Every error carries what a user needs to act on it: the file, the line or field, and what was
expected. ``str(error)`` is a single line, suitable for a command-line message.
"""

from __future__ import annotations

from pathlib import Path


class WorkbookError(Exception):
    """Base class of every error the workbook raises on purpose.

    ``exit_code`` is the command line's exit status for it: 2 (bad arguments or bad data) unless
    a subclass says otherwise.
    """

    exit_code: int = 2


class DataError(WorkbookError):
    """A data file (or a snapshot folder) is malformed.

    Parameters
    ----------
    path
        The file or folder at fault, shown relative to the snapshot where possible.
    problem
        What is wrong and what was expected, e.g. ``"Close is 'n/a', expected a number"``.
    line
        The 1-based line of the file at fault, when there is one.
    field
        The column or manifest field at fault, when there is one.
    """

    def __init__(
        self, path: str | Path, problem: str, *, line: int | None = None, field: str | None = None
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.field = field
        where = self.path if line is None else f"{self.path} line {line}"
        super().__init__(f"{where}: {problem}")


class ClaimsError(WorkbookError):
    """The claims registry (a YAML file) is malformed.

    ``claim`` names the claim at fault (its id, or its position when it has no id).
    """

    def __init__(self, path: str | Path, problem: str, *, claim: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.claim = claim
        where = self.path if claim is None else f"{self.path} claim {claim}"
        super().__init__(f"{where}: {problem}")


class InsufficientDataError(WorkbookError):
    """A statistic was asked of fewer observations than it needs."""


class RunError(WorkbookError):
    """A run was asked for something it cannot do (an unknown theme, a missing notebook)."""


class ParameterError(RunError):
    """A notebook's parameters cell does not accept the values the run would inject.

    ``notebook`` and ``name`` say which cell and which parameter.
    """

    def __init__(self, notebook: str | Path, problem: str, *, name: str | None = None) -> None:
        self.notebook = str(notebook)
        self.name = name
        super().__init__(f"{notebook}: {problem}")


class FetchFailed(WorkbookError):
    """``workbook fetch`` did not write its snapshot: exit 1 (a provider), or 128 + the signal
    that interrupted it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
