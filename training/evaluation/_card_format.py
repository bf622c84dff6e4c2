"""How the model card writes numbers, verdicts and tables (shared by its section writers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def target_checks(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every target check in the report, with where it sits."""
    found = []
    if isinstance(node, dict):
        if {"value", "target", "pass"} <= node.keys():
            return [(path, node)]
        for key, value in node.items():
            found += target_checks(value, f"{path}.{key}" if path else key)
    return found


def fmt(value: Any, digits: int = 3) -> str:
    """A number as the card shows it; None is 'n/a' (not measurable), never 0."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def verdict(c: dict[str, Any]) -> str:
    """PASS, **MISS** (bold, so misses stand out) or n/a."""
    if c["pass"] is None:
        return "n/a"
    return "PASS" if c["pass"] else "**MISS**"


def cell(c: Any) -> str:
    if isinstance(c, dict) and "pass" in c:
        ci = c.get("ci95")
        interval = f" [95% CI {ci[0]:.3f}-{ci[1]:.3f}]" if ci else ""
        return f"{fmt(c['value'])}{interval} ({c['target']}, {verdict(c)})"
    return fmt(c)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A markdown table; target checks render as 'value (target, verdict)'."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines + [""]
