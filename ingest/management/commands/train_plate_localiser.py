"""Train the localiser's learned re-ranker (ingest/ocr/rerank.py) and write its weights.

    python manage.py train_plate_localiser                   # ingest/plate_model/rerank.pt
    python manage.py train_plate_localiser --rendered 20 --epochs 2 --out /tmp/rerank.pt

Data: the localiser's own candidates in ../shared/datasets/openalpr-eu-br-frames (real
street frames with plate boxes) and in frames the demo renderer composes; never the US
dev frames. Refuses to run without the real frames unless --synthetic-only.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.ocr import rerank
from ingest.ocr.train import REAL_CROPS, relative

FRAMES = REAL_CROPS.parent / "openalpr-eu-br-frames"


class Command(BaseCommand):
    help = "Train the small CNN that re-ranks the localiser's plate candidates (CPU, about a minute)."

    def add_arguments(self, parser):
        parser.add_argument("--frames", type=Path, default=FRAMES, help="frames with NAME.txt plate boxes")
        parser.add_argument("--synthetic-only", action="store_true")
        parser.add_argument("--rendered", type=int, default=300, help="frames composed by the demo renderer")
        parser.add_argument("--epochs", type=int, default=30)
        parser.add_argument("--seed", type=int, default=16)
        parser.add_argument("--threads", type=int, default=0)
        parser.add_argument("--out", type=Path, default=rerank.WEIGHTS)

    def handle(self, *args, **opts):
        import torch

        if opts["threads"]:
            torch.set_num_threads(opts["threads"])
        frames = None if opts["synthetic_only"] else opts["frames"]
        if frames is not None and not any(frames.rglob("*.txt")):
            raise CommandError(f"No frames with NAME.txt boxes in {frames}: pass --frames or --synthetic-only.")
        report = rerank.train_reranker(frames_folder=frames, rendered=opts["rendered"], seed=opts["seed"],
                                       epochs=opts["epochs"], out=opts["out"],
                                       log=lambda line: self.stdout.write(line))
        report["frames"] = relative(frames) if frames else None
        opts["out"].with_suffix(".json").write_text(__import__("json").dumps(report, indent=1))
        self.stdout.write(self.style.SUCCESS(f"re-ranker written to {opts['out']}: {report}"))
