"""Train the plate recogniser (ingest/ocr/train.py) and write it with its report.

    python manage.py train_plate_recognizer --recipe ingest/plate_model/recipe.json --out var/plate_rebuild
    python manage.py train_plate_recognizer --init ingest/plate_model/plate_en.pth --steps 300 --out var/m
    python manage.py train_plate_recognizer --steps 3 --synthetic-only --out /tmp/m --synthetic-validation 4

Writes plate_en.pth/.yaml/.py, training_report.{md,json} and training_curves.png to --out
(default: ingest/plate_model, the model the pipeline loads). Refuses to run without the
real crops (--real-crops) unless --synthetic-only.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.ocr import train as training


class Command(BaseCommand):
    help = "Fine-tune EasyOCR's recogniser on rendered and real US plates (CTC); deterministic for a seed."

    def add_arguments(self, parser):
        defaults = training.TrainingConfig()
        parser.add_argument("--recipe", type=Path,
                            help="a checked-in recipe (JSON stages, e.g. ingest/plate_model/recipe.json): runs "
                                 "every stage; the options below then only override --real-crops, --br-crops, "
                                 "--synthetic-only, --max-minutes and --threads")
        parser.add_argument("--out", type=Path, default=defaults.out_dir)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--steps", type=int, default=defaults.steps)
        parser.add_argument("--steps-per-epoch", type=int, default=defaults.steps_per_epoch)
        parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
        parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
        parser.add_argument("--real-fraction", type=float, default=defaults.real_fraction)
        parser.add_argument("--real-crops", type=Path, default=None,
                            help=f"folder with groundtruth.csv (FILE,STATE,PLATE); default {defaults.real_folder}")
        parser.add_argument("--synthetic-only", action="store_true",
                            help="train on rendered plates only (without it, missing real crops are an error)")
        parser.add_argument("--br-fraction", type=float, default=defaults.br_fraction,
                            help="share of each batch drawn from the Brazilian crops (robustness)")
        parser.add_argument("--br-crops", type=Path, default=None, help=f"default {defaults.br_folder}")
        parser.add_argument("--synthetic-validation", type=int, default=defaults.synthetic_validation)
        parser.add_argument("--init", default=defaults.init,
                            help="english_g2 (default), scratch, or a plate_en.pth to continue training from")
        parser.add_argument("--max-minutes", type=float, default=0.0,
                            help="stop early after this long (the report says so); 0: no limit")
        parser.add_argument("--holdout-states", default="",
                            help="comma-separated state codes whose real crops are not trained on (a by-state "
                                 "hold-out; score them with ocr_eval --crops --states)")
        parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
        parser.add_argument("--no-progress", action="store_true", help="no tqdm progress bar")

    def handle(self, *args, **opts):
        import torch

        if opts["threads"]:
            torch.set_num_threads(opts["threads"])
        command = "python manage.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        log = lambda line: self.stdout.write(line)  # noqa: E731
        common = {"synthetic_only": opts["synthetic_only"], "progress": not opts["no_progress"]}
        if opts["real_crops"] is not None:
            common["real_folder"] = opts["real_crops"]
        if opts["holdout_states"]:
            common["holdout_states"] = tuple(s.strip().lower() for s in opts["holdout_states"].split(",") if s.strip())
        if opts["br_crops"] is not None:
            common["br_folder"] = opts["br_crops"]
        try:
            if opts["recipe"]:
                if opts["max_minutes"]:
                    common["max_minutes"] = opts["max_minutes"]
                training.train_recipe(opts["recipe"], opts["out"], overrides=common, command=command, log=log)
                return
            config = training.TrainingConfig(
                out_dir=opts["out"], seed=opts["seed"], steps=opts["steps"], steps_per_epoch=opts["steps_per_epoch"],
                batch_size=opts["batch_size"], learning_rate=opts["learning_rate"],
                real_fraction=opts["real_fraction"], br_fraction=opts["br_fraction"],
                synthetic_validation=opts["synthetic_validation"], init=opts["init"], max_minutes=opts["max_minutes"],
                **common,
            )
            training.train(config, command=command, log=log)
        except training.MissingRealCrops as exc:
            raise CommandError(str(exc)) from exc
