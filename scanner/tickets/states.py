"""The ticket state machine.

    open ──assign──► assigned ──fix──► fixed ──recheck──► rechecking ──pass──► closed
      │                 │                                     │
      └──────fix────────┘                                     └──fail──► reopened ──assign/fix──► …
    any active state ──false_positive(reason)──► false_positive
    any active state ──accept_risk(reason)─────► accepted_risk
    closed ──reappear (a later scan finds it again)──► reopened
    false_positive / accepted_risk ──reactivate──► open

Every transition is written to the ledger (:class:`~scanner.store.models.TicketEvent`).
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIVE = ("open", "assigned", "reopened")
TERMINAL = ("closed", "false_positive", "accepted_risk")
STATES = ("open", "assigned", "fixed", "rechecking", "closed", "reopened", "false_positive", "accepted_risk")

STATE_NAMES = {"open": "待整改", "assigned": "已分派", "fixed": "已整改", "rechecking": "复核中", "closed": "已闭环",
               "reopened": "重新打开", "false_positive": "误报", "accepted_risk": "接受风险"}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    needs_reason: bool = False


TRANSITIONS = {t.action: t for t in (
    Transition("assign", ("open", "assigned", "reopened"), "assigned"),
    Transition("fix", ("open", "assigned", "reopened"), "fixed"),
    Transition("recheck", ("fixed",), "rechecking"),
    Transition("pass", ("rechecking",), "closed"),
    Transition("fail", ("rechecking",), "reopened"),
    Transition("reappear", ("closed",), "reopened"),
    Transition("false_positive", ACTIVE + ("fixed",), "false_positive", needs_reason=True),
    Transition("accept_risk", ACTIVE + ("fixed",), "accepted_risk", needs_reason=True),
    Transition("reactivate", ("false_positive", "accepted_risk"), "open"),
)}


class TransitionError(ValueError):
    """An action that the ticket's state does not allow (or a missing reason)."""


def next_state(state: str, action: str, reason: str | None = None) -> str:
    t = TRANSITIONS.get(action)
    if t is None:
        raise TransitionError(f"unknown action {action!r}; use one of {', '.join(TRANSITIONS)}")
    if state not in t.sources:
        raise TransitionError(f"cannot {action} a ticket that is {state}")
    if t.needs_reason and not (reason or "").strip():
        raise TransitionError(f"{action} needs a reason")
    return t.target
