"""Facts about the running system that more than one stage needs."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user's counts as alive): the folders a
    run or a fetch left behind are removed only when their process is gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
