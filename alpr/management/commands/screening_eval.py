"""Score the Q-6 screening (lib/screening.py) on a labelled set (issue 19).

    manage.py screening_eval [--csv PATH] [--json]

The CSV has the columns text,label,category (label: prohibited or lawful). Targets: at
least 95% of prohibited reasons refused or flagged (85% refused), at most 2% of lawful
reasons refused; the exit status is 1 when the set misses them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lib.screening import evaluate

DEFAULT_CSV = Path(settings.BASE_DIR) / "tests" / "data" / "screening_eval.csv"
TARGETS = {"prohibited_caught": 0.95, "prohibited_refused": 0.85, "lawful_refused_max": 0.02}


def meets_targets(scores: dict) -> bool:
    return (scores["prohibited"]["refused_or_flagged"] >= TARGETS["prohibited_caught"]
            and scores["prohibited"]["refused"] >= TARGETS["prohibited_refused"]
            and scores["lawful"]["refused"] <= TARGETS["lawful_refused_max"])


class Command(BaseCommand):
    help = "Score the Q-6 screening on a labelled CSV (text,label,category)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=str(DEFAULT_CSV), help="labelled set (default: %(default)s)")
        parser.add_argument("--json", action="store_true", help="print the scores as JSON")

    def handle(self, *args, **options):
        path = Path(options["csv"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if not rows or not {"text", "label"} <= set(rows[0]):
            raise CommandError("The CSV needs the columns text,label (and category).")
        try:
            scores = evaluate(rows)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        scores["targets"] = TARGETS
        scores["meets_targets"] = meets_targets(scores)
        if options["json"]:
            self.stdout.write(json.dumps(scores, indent=2))
        else:
            p, lawful = scores["prohibited"], scores["lawful"]
            self.stdout.write(f"{path}")
            self.stdout.write(f"prohibited: {p['n']} reasons, refused {p['refused']:.1%}, flagged {p['flagged']:.1%}, "
                              f"refused or flagged {p['refused_or_flagged']:.1%}")
            self.stdout.write(f"lawful:     {lawful['n']} reasons, refused {lawful['refused']:.1%}, "
                              f"flagged {lawful['flagged']:.1%}, allowed {lawful['allowed']:.1%}")
            for category, c in sorted(scores["by_category"].items()):
                self.stdout.write(f"  {category:26} {c['n']:3}  refused {c['refused']:3}  caught {c['caught']:3}")
            for miss in scores["misses"]:
                self.stdout.write(f"  miss ({miss['label']}, {miss['outcome']}): {miss['text']}")
            self.stdout.write("targets met" if scores["meets_targets"] else "TARGETS MISSED")
        if not scores["meets_targets"]:
            raise SystemExit(1)
