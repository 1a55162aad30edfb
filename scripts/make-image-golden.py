#!/usr/bin/env python3
"""Writes e2e/fixtures/images/: small non-square encoded images in the modes real datasets hold
(RGB, grey, grey+alpha, RGBA, palette with and without transparency and 16-bit grey PNG;
baseline, progressive and grey JPEG) and golden.safetensors with, per image <i>:

- decoded_<i>  U8 [H, W, 3]: PIL's Image.open(file).convert("RGB") (the decode the goldens start from);
- pixel_values_<i> F32 [3, 24, 24]: Hugging Face CLIPImageProcessor's steps done with PIL on it —
  shorter side -> 24 with Image.BICUBIC (antialiased; the longer side int(24 * long / short)),
  centre crop at ((H - 24) // 2, (W - 24) // 2), x / 255 in float64 -> float32, (x - mean) / std.

Metadata: size, count, and file_<i> (the image file name). Needs Debian's python3-pil and
python3-numpy only (the safetensors file is written by hand). Run:
/usr/bin/python3 scripts/make-image-golden.py
"""
import io
import json
import struct
from pathlib import Path

import numpy as np
from PIL import Image

SIZE = 24
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
OUT = Path(__file__).resolve().parent.parent / "e2e" / "fixtures" / "images"


def pattern(rng, w, h, c):
    """Smooth gradients plus noise: exercises the kernel's lobes, uint8 clipping and JPEG's DCT."""
    y, x = np.mgrid[0:h, 0:w]
    base = 127 + 110 * np.sin(x[..., None] * 0.3 + y[..., None] * 0.2 + np.arange(c) * 1.7)
    return np.clip(base + rng.normal(0, 25, (h, w, c)), 0, 255).astype(np.uint8)


def encode(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def images(rng):
    """(file name, encoded bytes) for each case."""
    out = []
    out.append(("rgb-61x37.png", encode(Image.fromarray(pattern(rng, 61, 37, 3), "RGB"), "PNG")))
    out.append(("grey-23x50.png", encode(Image.fromarray(pattern(rng, 23, 50, 1)[..., 0], "L"), "PNG")))
    rgba = pattern(rng, 45, 29, 4)
    rgba[:5, :, 3] = 0  # fully transparent rows keep their colour in the file
    out.append(("rgba-45x29.png", encode(Image.fromarray(rgba, "RGBA"), "PNG")))
    rgb = Image.fromarray(pattern(rng, 40, 52, 3), "RGB")
    out.append(("palette-40x52.png", encode(rgb.quantize(16), "PNG")))
    pal = Image.fromarray(pattern(rng, 33, 21, 3), "RGB").quantize(8)
    out.append(("palette-trns-33x21.png", encode(pal, "PNG", transparency=3)))
    out.append(("grey-alpha-30x41.png", encode(Image.fromarray(pattern(rng, 30, 41, 2), "LA"), "PNG")))
    g16 = (pattern(rng, 28, 35, 1)[..., 0].astype(np.uint16) * 257 + rng.integers(0, 257, (35, 28))).astype(np.uint16)
    out.append(("grey16-28x35.png", encode(Image.fromarray(g16, "I;16"), "PNG")))
    out.append(("rgb-13x19.png", encode(Image.fromarray(pattern(rng, 13, 19, 3), "RGB"), "PNG")))  # enlarged
    out.append(("baseline-64x48.jpg", encode(Image.fromarray(pattern(rng, 64, 48, 3), "RGB"), "JPEG", quality=90)))
    out.append(("progressive-50x75.jpg", encode(Image.fromarray(pattern(rng, 50, 75, 3), "RGB"), "JPEG", quality=85, progressive=True)))
    out.append(("grey-40x30.jpg", encode(Image.fromarray(pattern(rng, 40, 30, 1)[..., 0], "L"), "JPEG", quality=90)))
    out.append(("q444-37x58.jpg", encode(Image.fromarray(pattern(rng, 37, 58, 3), "RGB"), "JPEG", quality=95, subsampling=0)))
    return out


def clip_preprocess(rgb):
    img = Image.fromarray(rgb, "RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(SIZE * long / short)
    size = (SIZE, new_long) if w <= h else (new_long, SIZE)
    a = np.asarray(img.resize(size, resample=Image.BICUBIC, reducing_gap=None))
    top, left = (a.shape[0] - SIZE) // 2, (a.shape[1] - SIZE) // 2
    a = a[top:top + SIZE, left:left + SIZE]
    a = (a.astype(np.float64) * (1 / 255)).astype(np.float32)
    return np.ascontiguousarray(((a - MEAN) / STD).transpose(2, 0, 1))


def save_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        dtype = {np.dtype(np.uint8): "U8", np.dtype(np.float32): "F32"}[arr.dtype]
        b = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    rng = np.random.default_rng(20261205)
    OUT.mkdir(parents=True, exist_ok=True)
    tensors, metadata = {}, {"size": str(SIZE)}
    cases = images(rng)
    for i, (name, data) in enumerate(cases):
        (OUT / name).write_bytes(data)
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        tensors[f"decoded_{i}"] = rgb
        tensors[f"pixel_values_{i}"] = clip_preprocess(rgb)
        metadata[f"file_{i}"] = name
    metadata["count"] = str(len(cases))
    save_safetensors(OUT / "golden.safetensors", tensors, metadata)
    print(f"wrote {len(cases)} images and golden.safetensors to {OUT}")


if __name__ == "__main__":
    main()
