"""Counts of outcomes over a run: the exit status and the summary line come from them.

Apart from ``report`` so that both output writers (``report`` and
``html_report``) can use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Tally:
    """Running counts of outcomes: the exit status and the summary line come from it."""

    flagged: int = 0
    ok: int = 0
    abstained: int = 0
    errors: int = 0

    def add(self, record: dict[str, Any]) -> None:
        if record["status"] == "error":
            self.errors += 1
        elif record["status"] != "scored":
            self.abstained += 1
        elif record["flagged"]:
            self.flagged += 1
        else:
            self.ok += 1

    @property
    def total(self) -> int:
        return self.flagged + self.ok + self.abstained + self.errors

    def summary(self) -> str:
        return (
            f"{self.total} inputs: {self.flagged} flagged, {self.ok} ok, "
            f"{self.abstained} abstained, {self.errors} error{'' if self.errors == 1 else 's'}"
        )
