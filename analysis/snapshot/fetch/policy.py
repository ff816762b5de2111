"""How hard ``workbook fetch`` tries: timeouts, retries with backoff, and the errors it raises.

Every download goes through :func:`with_retries`, a :mod:`tenacity` policy that retries a
:class:`Transient` fault (a timeout, a refused or reset connection, HTTP 429 or 5xx, or a body
that does not parse) with exponential backoff and jitter, honours ``Retry-After`` (capped), and
gives up within a bounded time. A provider that stays down becomes a :class:`FetchError`
whose one-line message names the provider, the series and what happened
(``FRED DGS10: HTTP 500 after 4 attempts in 3.1 s``).

The limits come from :class:`FetchPolicy`; :meth:`FetchPolicy.from_env` reads them from
``WORKBOOK_FETCH_MAX_SECONDS``, ``WORKBOOK_FETCH_TOTAL_SECONDS``, ``WORKBOOK_FETCH_BACKOFF``,
``WORKBOOK_FETCH_TIMEOUT``, ``WORKBOOK_FETCH_ATTEMPTS`` and ``WORKBOOK_FETCH_MAX_BYTES`` so that
tests (and impatient users) can shorten them.

A hostile or broken server cannot make a fetch unbounded: every body is capped at ``max_bytes``
(64 MiB unless ``WORKBOOK_FETCH_MAX_BYTES`` says otherwise), every file at ``max_seconds`` and
the whole fetch at ``total_seconds`` (``WORKBOOK_FETCH_TOTAL_SECONDS``, 1800 s): a
:class:`Deadline`, enforced while the body streams and by
:func:`~analysis.snapshot.fetch.bounded.within`, not only between retries. Passing a bound is an
:class:`Exceeded` fault, never retried (``FRED DGS10: the body passed 64 MiB
(WORKBOOK_FETCH_MAX_BYTES); refused``).

Examples
--------
>>> from analysis.snapshot.fetch.policy import FetchPolicy
>>> FetchPolicy(max_seconds=2, backoff=0.01).max_attempts
6
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TypeVar

from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
    wait_random,
)

from analysis.errors import WorkbookError

T = TypeVar("T")

ENV = {
    "max_seconds": "WORKBOOK_FETCH_MAX_SECONDS",
    "total_seconds": "WORKBOOK_FETCH_TOTAL_SECONDS",
    "backoff": "WORKBOOK_FETCH_BACKOFF",
    "read_timeout": "WORKBOOK_FETCH_TIMEOUT",
    "max_attempts": "WORKBOOK_FETCH_ATTEMPTS",
    "max_bytes": "WORKBOOK_FETCH_MAX_BYTES",
}
_WHOLE = {"max_attempts": "a whole number", "max_bytes": "a whole number of bytes"}

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 64 * MiB


class FetchError(WorkbookError):
    """A provider could not deliver a file: it stayed down, or answered something unusable.

    Parameters
    ----------
    provider
        The provider's name as users know it: ``FRED``, ``Yahoo``, ``Ken French``.
    identifier
        The series, symbol or file asked for.
    problem
        What went wrong on the last attempt (``HTTP 500``, ``timed out after 30 s``).
    attempts, seconds
        How many attempts were made and how long they took, when known.
    """

    def __init__(
        self,
        provider: str,
        identifier: str,
        problem: str,
        *,
        attempts: int | None = None,
        seconds: float | None = None,
    ) -> None:
        self.provider = provider
        self.identifier = identifier
        self.problem = problem
        self.attempts = attempts
        self.seconds = seconds
        tail = ""
        if attempts is not None:
            tail = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
            if seconds is not None:
                tail += f" in {seconds:.1f} s"
        super().__init__(f"{provider} {identifier}: {problem}{tail}")


class Transient(Exception):
    """A fault worth retrying; ``retry_after`` is the provider's ``Retry-After`` in seconds."""

    def __init__(self, problem: str, *, retry_after: float | None = None) -> None:
        self.problem = problem
        self.retry_after = retry_after
        super().__init__(problem)


class Missing(Exception):
    """The provider does not have what was asked (an unknown series, an empty symbol)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Refused(Exception):
    """A fault not worth retrying (HTTP 401, 403, ...): reported after the first attempt."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


class Exceeded(Refused):
    """A bound was passed: a body's size (``WORKBOOK_FETCH_MAX_BYTES``) or a time budget.

    Not retried: the same answer would pass the same cap again, and a budget that has run out
    leaves no time for another attempt. ``problem`` names the bound and its variable.
    """


@dataclass(frozen=True, slots=True)
class Deadline:
    """A moment (:func:`time.monotonic`) a download must not outlive, and the budget behind it.

    Parameters
    ----------
    at
        The moment, in :func:`time.monotonic` seconds.
    seconds
        The budget it came from, for messages.
    var
        The variable that sets the budget (``WORKBOOK_FETCH_MAX_SECONDS``).
    scope
        What the budget is of: ``download`` (one file, retries included) or ``fetch``.

    Examples
    --------
    >>> Deadline.after(60, "WORKBOOK_FETCH_MAX_SECONDS").left() > 59
    True
    >>> Deadline.after(2.5, "WORKBOOK_FETCH_MAX_SECONDS").exceeded().problem
    'the download passed its 2.5 s budget (WORKBOOK_FETCH_MAX_SECONDS); stopped'
    """

    at: float
    seconds: float
    var: str
    scope: str = "download"

    @classmethod
    def after(cls, seconds: float, var: str, scope: str = "download") -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(time.monotonic() + seconds, seconds, var, scope)

    def left(self) -> float:
        """Seconds until the deadline (negative once passed)."""
        return self.at - time.monotonic()

    def exceeded(self) -> Exceeded:
        """The fault to raise once the deadline has passed."""
        budget = f"{self.seconds:g} s budget ({self.var})"
        return Exceeded(f"the {self.scope} passed its {budget}; stopped")

    def check(self) -> None:
        """Raise :meth:`exceeded` when the deadline has passed."""
        if self.left() <= 0:
            raise self.exceeded()

    def sooner(self, other: Deadline | None) -> Deadline:
        """This deadline or ``other``, whichever comes first."""
        return other if other is not None and other.at < self.at else self


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Timeouts and retry limits of one download.

    Parameters
    ----------
    connect_timeout, read_timeout
        Seconds to wait for a connection and then for each read of the answer.
    max_seconds
        Time budget of one file, retries included: no retry starts if its wait would end past
        it, and an attempt in flight (connecting, or a body still streaming) is stopped when it
        runs out.
    total_seconds
        Time budget of the whole fetch (every file): a file's budget never reaches past it.
    max_attempts
        Attempts per file, the first one included.
    max_bytes
        The most bytes one body may hold, as received and once decoded (a Ken French zip:
        also every CSV inside it, as declared and as unpacked). 64 MiB by default: some 60
        times the largest file the registry needs (Ken French's daily factors, about 1 MB
        unzipped), small enough that a fetch's memory stays a few hundred MB at worst.
    backoff
        The first wait in seconds; each later one doubles, plus up to ``backoff`` of jitter.
    backoff_cap
        The longest single wait.
    retry_after_cap
        The longest wait a ``Retry-After`` header may impose.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_seconds: float = 180.0
    total_seconds: float = 1800.0
    max_attempts: int = 6
    max_bytes: int = DEFAULT_MAX_BYTES
    backoff: float = 1.0
    backoff_cap: float = 30.0
    retry_after_cap: float = 60.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not value > 0:
                raise ValueError(f"{f.name} must be positive, but {value!r} was passed.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> FetchPolicy:
        """The default policy with the ``WORKBOOK_FETCH_*`` variables (and ``overrides``) applied.

        Raises
        ------
        ValueError
            When a variable is not a positive number (a whole one for ``WORKBOOK_FETCH_ATTEMPTS``
            and ``WORKBOOK_FETCH_MAX_BYTES``).
        """
        environ = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for name, var in ENV.items():
            raw = environ.get(var, "").strip()
            if not raw:
                continue
            try:
                number = int(raw) if name in _WHOLE else float(raw)
            except ValueError:
                kind = _WHOLE.get(name, "a number of seconds")
                raise ValueError(f"{var} is {raw!r}, expected {kind}") from None
            if number <= 0:
                raise ValueError(f"{var} is {raw!r}, expected a positive value")
            values[name] = number
        if "backoff" in values:
            values.setdefault("backoff_cap", max(values["backoff"] * 8, values["backoff"]))
        if "max_seconds" in values:
            values.setdefault("retry_after_cap", min(60.0, values["max_seconds"]))
        values.update(overrides)
        return cls(**values)

    @property
    def timeout(self) -> tuple[float, float]:
        """``(connect, read)`` as :mod:`requests` takes it."""
        return (self.connect_timeout, self.read_timeout)

    def timeout_within(self, deadline: Deadline) -> tuple[float, float]:
        """:attr:`timeout`, each shortened to the time left before ``deadline``."""
        left = max(deadline.left(), 0.001)
        return (min(self.connect_timeout, left), min(self.read_timeout, left))


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delta-seconds or an HTTP date; ``None`` when unusable.

    Examples
    --------
    >>> retry_after_seconds("7")
    7.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_wait(policy: FetchPolicy) -> Callable[[RetryCallState], float]:
    """Tenacity wait: the provider's ``Retry-After`` (capped), else exponential with jitter."""
    exponential = wait_exponential(multiplier=policy.backoff, max=policy.backoff_cap) + wait_random(
        0, policy.backoff
    )

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return min(exc.retry_after, policy.retry_after_cap)
        return min(exponential(state), policy.backoff_cap)

    return wait


def with_retries(
    attempt: Callable[[], T],
    *,
    policy: FetchPolicy,
    provider: str,
    identifier: str,
    on_retry: Callable[[str], None] | None = None,
    deadline: Deadline | None = None,
) -> tuple[T, int, float]:
    """Call ``attempt`` until it succeeds, retrying :class:`Transient` faults under ``policy``.

    Parameters
    ----------
    attempt
        One try; raises :class:`Transient` to be retried, :class:`Missing` when the provider
        does not have the item, :class:`Refused` for a fault not worth retrying.
    policy
        The limits.
    provider, identifier
        For messages.
    on_retry
        Called with one line before each wait (``HTTP 503; retry 2 in 0.4 s``).
    deadline
        No retry starts if its wait would end past it (besides ``policy.max_seconds`` from the
        first attempt). ``attempt`` itself stops at it by raising :class:`Exceeded`.

    Returns
    -------
    tuple
        ``(result, attempts, seconds)``.

    Raises
    ------
    FetchError
        When the attempts or the time budget ran out, a bound was passed (:class:`Exceeded`) or
        the provider refused.
    Missing
        Passed through from ``attempt`` at once (not retried).
    """
    started = time.monotonic()

    def before_sleep(state: RetryCallState) -> None:
        if on_retry is not None:
            exc = state.outcome.exception()
            wait = state.next_action.sleep if state.next_action else 0.0
            on_retry(
                f"{provider} {identifier}: {exc}; retry {state.attempt_number} in {wait:.2f} s"
            )

    stop = stop_after_attempt(policy.max_attempts) | stop_before_delay(policy.max_seconds)
    if deadline is not None:
        stop = stop | (lambda state: time.monotonic() + state.upcoming_sleep >= deadline.at)
    retrying = Retrying(
        retry=retry_if_exception_type(Transient),
        stop=stop,
        wait=backoff_wait(policy),
        before_sleep=before_sleep,
    )
    try:
        result = retrying(attempt)
    except RetryError as exc:
        last = exc.last_attempt
        problem = last.exception()
        text = problem.problem if isinstance(problem, Transient) else str(problem)
        raise FetchError(
            provider,
            identifier,
            text,
            attempts=last.attempt_number,
            seconds=time.monotonic() - started,
        ) from problem
    except Refused as exc:
        attempts = retrying.statistics.get("attempt_number", 1)
        raise FetchError(
            provider,
            identifier,
            exc.problem,
            attempts=attempts,
            seconds=time.monotonic() - started,
        ) from exc
    attempts = retrying.statistics.get("attempt_number", 1)
    return result, attempts, time.monotonic() - started
