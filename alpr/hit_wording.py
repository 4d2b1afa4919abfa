"""A hit's history in the officers' and auditors' words (issue 21 §6).

HitStatusChange keeps codes and a JSON of details (`plate_matches: true`) for the record;
the hit page shows them as the steps and checks the policy names (HT-2).
"""

from __future__ import annotations

from alpr.models import Hit
from alpr.services.hits import VERIFY_CHECKS, WORKFLOW

# Steps recorded outside the workflow table (the matcher raising the alert, a stop report).
OTHER_STEPS = {"raise": "Alert raised", "raised": "Alert raised", "stop": "Stop documented"}


def step_label(transition: str) -> str:
    known = WORKFLOW.transitions.get(transition)
    if known is not None:
        return "Rejected" if transition == "reject" else known.label
    return OTHER_STEPS.get(transition, (transition or "").replace("_", " ").capitalize())


def status_label(status: str) -> str:
    return dict(Hit.Status.choices).get(status, status)


def detail_lines(details: dict | None) -> list[str]:
    lines = []
    for key, value in (details or {}).items():
        if key in VERIFY_CHECKS:
            lines.append(("Checked: " if value else "Not checked: ") + VERIFY_CHECKS[key].lower())
        elif key == "reason":
            lines.append("Reason: " + dict(Hit.RejectReason.choices).get(value, str(value)))
        elif key == "clets_reference":
            lines.append(f"CLETS reference: {value}")
        elif key == "confirmed_by":
            lines.append(f"Confirmed by: {value}")
        else:
            lines.append(f"{key.replace('_', ' ').capitalize()}: {value}")
    return lines
