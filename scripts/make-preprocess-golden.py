#!/usr/bin/env python3
"""Writes e2e/fixtures/preprocess/golden.safetensors: a few small seeded images and their CLIP
preprocessing by PIL, the way Hugging Face's CLIPImageProcessor does it (convert("RGB"), shorter
side -> size with Image.BICUBIC on the uint8 image, centre crop with floor offsets, x/255 in
float64 -> float32, (x - mean) / std in float32, CHW).

Needs numpy, Pillow and safetensors (not needed by the tests, which only read the output).
Run: python3 scripts/make-preprocess-golden.py
"""
from pathlib import Path

import numpy as np
from PIL import Image
from safetensors.numpy import save_file

SIZE = 24
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
OUT = Path(__file__).resolve().parent.parent / "e2e" / "fixtures" / "preprocess" / "golden.safetensors"


def image(rng, w, h, c):
    """Smooth gradients plus noise: exercises both the kernel's lobes and uint8 clipping."""
    y, x = np.mgrid[0:h, 0:w]
    base = 127 + 120 * np.sin(x[..., None] * 0.4 + y[..., None] * 0.25 + np.arange(c) * 1.3)
    return np.clip(base + rng.normal(0, 40, (h, w, c)), 0, 255).astype(np.uint8)


def clip_preprocess(u8):
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[u8.shape[2]]
    img = Image.fromarray(u8[..., 0] if mode == "L" else u8, mode).convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(SIZE * long / short)
    size = (SIZE, new_long) if w <= h else (new_long, SIZE)
    img = img.resize(size, resample=Image.BICUBIC, reducing_gap=None)
    a = np.asarray(img)
    top, left = (a.shape[0] - SIZE) // 2, (a.shape[1] - SIZE) // 2
    a = a[top:top + SIZE, left:left + SIZE]
    a = (a.astype(np.float64) * (1 / 255)).astype(np.float32)
    return np.ascontiguousarray(((a - MEAN) / STD).transpose(2, 0, 1))


def main():
    rng = np.random.default_rng(20260517)
    # (width, height, channels): shrink a landscape RGB, enlarge a portrait grey, shrink an RGBA.
    shapes = [(40, 30, 3), (17, 23, 1), (50, 61, 4)]
    tensors = {}
    for i, (w, h, c) in enumerate(shapes):
        u8 = image(rng, w, h, c)
        tensors[f"image_{i}"] = u8
        tensors[f"pixel_values_{i}"] = clip_preprocess(u8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(OUT), metadata={"size": str(SIZE), "count": str(len(shapes))})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
