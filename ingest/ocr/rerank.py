"""A learned re-ranker for the localiser's candidates.

The OpenCV localiser proposes up to `OcrConfig.reranked` regions (the true plate is among
its first 40 on about 91% of the dev frames, among its first 12 on 86%); this small CNN
(about 10 k weights, CPU milliseconds per frame) scores each region's grey crop, with the
region's shape and the localiser's own scores, for "is this a plate", and the first
`max_candidates` by that score are the ones read.

Trained (`train_reranker`, `manage.py train_plate_reranker`) on the localiser's own
candidates in real street frames with plate boxes (../shared/datasets/openalpr-eu-br-frames:
European and Brazilian plates) and in scenes the demo renderer composes (US layout),
labelled by whether they hold the true plate; never on the US dev frames.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import cv2
import numpy as np

CROP_H, CROP_W = 24, 72
N_SCALARS = 5
WEIGHTS = Path(__file__).resolve().parent.parent / "plate_model" / "rerank.pt"


def candidate_input(gray: np.ndarray, box, frame_shape) -> tuple[np.ndarray, np.ndarray]:
    """The region's grey crop (with 10% context, resized to CROP_H x CROP_W, standardised)
    and its scalar features (log aspect, log relative height, vertical place, the
    localiser's edge score and row-of-characters score are added by the caller)."""
    x, y, w, h = box
    mx, my = int(0.1 * w), int(0.1 * h)
    crop = gray[max(0, y - my):y + h + my, max(0, x - mx):x + w + mx]
    if crop.size == 0:
        crop = np.zeros((CROP_H, CROP_W), np.uint8)
    img = cv2.resize(crop, (CROP_W, CROP_H), interpolation=cv2.INTER_AREA).astype(np.float32)
    img = (img - img.mean()) / (img.std() + 8.0)
    fh, fw = frame_shape[:2]
    scalars = np.array([np.log(max(1, w) / max(1, h)), np.log(max(1, h) / fh * 20), (y + h / 2) / fh], np.float32)
    return img, scalars


def build_net():
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 3)),
            )
            self.head = nn.Sequential(nn.Linear(32 * 3 + N_SCALARS, 32), nn.ReLU(), nn.Linear(32, 1))

        def forward(self, img, scalars):
            return self.head(torch.cat([self.features(img).flatten(1), scalars], 1)).squeeze(1)

    return Net()


_net = None


def load_net(path: Path | str = WEIGHTS):
    global _net
    if _net is None or getattr(_net, "_path", None) != str(path):
        import torch

        net = build_net()
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        net.eval()
        net._path = str(path)
        _net = net
    return _net


def score_candidates(gray: np.ndarray, frame_shape, candidates, features, path: Path | str = WEIGHTS) -> list[float]:
    """The re-ranker's logit for each candidate; `features` are each candidate's
    (edge score, row-of-characters score)."""
    import torch

    if not candidates:
        return []
    net = load_net(path)
    imgs, scalars = [], []
    for cand, extra in zip(candidates, features, strict=True):
        img, sc = candidate_input(gray, cand.box, frame_shape)
        imgs.append(img)
        scalars.append(np.concatenate([sc, np.asarray(extra, np.float32)]))
    with torch.no_grad():
        out = net(torch.from_numpy(np.stack(imgs)[:, None]), torch.from_numpy(np.stack(scalars)))
    return [float(v) for v in out]


# --- Training ------------------------------------------------------------------------------

def _frames_with_boxes(folder: Path):
    for label in sorted(folder.rglob("*.txt")):
        parts = label.read_text().split()
        if len(parts) < 6:
            continue
        image = cv2.imread(str(label.parent / parts[0]))
        if image is not None:
            yield image, tuple(map(int, parts[1:5]))


def _rendered_frames(n: int, seed: int):
    from ingest.synthetic import STATE_NAMES, random_plate, render_frame

    rng = random.Random(seed)
    for _ in range(n):
        frame = render_frame(random_plate(rng), rng.choice(list(STATE_NAMES)), seed=rng.randrange(10**6, 10**9),
                             size=rng.choice([(1280, 720), (960, 540), (640, 360)]))
        image = frame.image
        if rng.random() < 0.6:  # a camera's JPEG
            ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(40, 90)])
            image = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else image
        yield image, frame.plate_box


def collect(frames, config, holds) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(crops, scalars, labels, frames with the plate among the candidates) from the
    localiser's own candidates."""
    from ingest.ocr.locate import locate_with_features

    imgs, scalars, labels, found = [], [], [], 0
    empty = (np.zeros((0, CROP_H, CROP_W), np.float32), np.zeros((0, N_SCALARS), np.float32), np.zeros(0, np.float32))
    for image, truth in frames:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        cands, feats = locate_with_features(image, config)
        hit = False
        for cand, extra in zip(cands, feats, strict=True):
            img, sc = candidate_input(gray, cand.box, image.shape)
            label = holds(cand.box, truth)
            hit |= label
            imgs.append(img)
            scalars.append(np.concatenate([sc, np.asarray(extra, np.float32)]))
            labels.append(float(label))
        found += hit
    if not labels:
        return (*empty, 0)
    return np.stack(imgs), np.stack(scalars), np.array(labels, np.float32), found


def train_reranker(*, frames_folder: Path | None, rendered: int = 300, seed: int = 16, epochs: int = 30,
                   out: Path = WEIGHTS, log=print) -> dict:
    import torch

    from ingest.management.commands.ocr_eval import holds_plate
    from ingest.ocr.config import OcrConfig

    started = time.perf_counter()
    torch.manual_seed(seed)
    config = OcrConfig()
    real = collect(_frames_with_boxes(frames_folder) if frames_folder else iter(()), config, holds_plate)
    synth = collect(_rendered_frames(rendered, seed), config, holds_plate)
    imgs = np.concatenate([real[0], synth[0]])
    scalars = np.concatenate([real[1], synth[1]])
    labels = np.concatenate([real[2], synth[2]])
    log(f"candidates: {len(labels)} ({int(labels.sum())} plates); real frames with the plate among them "
        f"{real[3]}, rendered {synth[3]}")
    net = build_net()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-4)
    pos_weight = torch.tensor((len(labels) - labels.sum()) / max(1.0, labels.sum()))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    x_img, x_sc, y = torch.from_numpy(imgs[:, None]), torch.from_numpy(scalars), torch.from_numpy(labels)
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        order = torch.randperm(len(y), generator=gen)
        total = 0.0
        for i in range(0, len(y), 256):
            idx = order[i:i + 256]
            loss = loss_fn(net(x_img[idx], x_sc[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        if (epoch + 1) % 5 == 0:
            log(f"epoch {epoch + 1}/{epochs} loss {total / len(y):.4f}")
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), out)
    report = {"candidates": len(labels), "plates": int(labels.sum()), "real_frames_found": real[3],
              "rendered_frames": rendered, "rendered_found": synth[3], "epochs": epochs, "seed": seed,
              "wall_s": round(time.perf_counter() - started, 1)}
    out.with_suffix(".json").write_text(json.dumps(report, indent=1))
    return report
