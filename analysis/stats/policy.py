"""Policy decisions: the scheduled FOMC calendar and target-range changes mapped to meetings.

Descriptive (no test): a change of a target-range bound is matched to the scheduled meeting it
followed; the calendar is package data (``analysis/resources/fomc_meetings.csv``, from the Federal
Reserve's FOMC meeting calendars).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import pandas as pd


@cache
def fomc_meetings() -> pd.DatetimeIndex:
    """Scheduled FOMC decision dates shipped in ``analysis/resources/fomc_meetings.csv``."""
    path = files("analysis") / "resources" / "fomc_meetings.csv"
    with path.open() as fh:
        table = pd.read_csv(fh, comment="#", parse_dates=["decision_date"])
    return pd.DatetimeIndex(table["decision_date"])


def rate_changes(upper: pd.Series) -> pd.DataFrame:
    """Every change of a target-range bound, mapped to the scheduled meeting it followed.

    A change effective on day ``d`` belongs to a meeting decided on ``d`` or up to three days
    before; otherwise it is ``unscheduled`` (an inter-meeting move, such as March 2020).
    """
    step = upper.diff()
    changed = step[step.fillna(0) != 0]
    meetings = fomc_meetings()
    rows = []
    for day, delta in changed.items():
        near = meetings[(meetings <= day) & (meetings >= day - pd.Timedelta(days=3))]
        rows.append(
            {
                "effective": day,
                "meeting": near[-1] if len(near) else pd.NaT,
                "change_bp": round(100 * delta),
                "new_upper": upper.loc[day],
            }
        )
    return pd.DataFrame(rows, columns=["effective", "meeting", "change_bp", "new_upper"])
