#!/usr/bin/env python3
"""Draws the demo portrait: a synthetic, cartoon face (ellipses and lines, no
photograph, no real person) at the second-generation ID card chip size of
102x126 pixels, saved as a baseline JPEG without metadata that fits the
portrait profile of docs/FORMAT.md (at most 3,072 bytes).

Usage: python3 scripts/gen-synthetic-face.py OUT.jpg [--seed N]
Deterministic for a given Pillow version; the committed file is
examples/data/synthetic-face.jpg.
"""
import argparse
import io
import random

from PIL import Image, ImageDraw, ImageFilter

W, H = 102, 126
MAX_BYTES = 3072


def draw(seed: int) -> Image.Image:
    rnd = random.Random(seed)
    img = Image.new("RGB", (W, H), (250, 250, 250))
    d = ImageDraw.Draw(img)
    skin = (rnd.randint(215, 240), rnd.randint(180, 200), rnd.randint(150, 170))
    hair = (rnd.randint(20, 50),) * 3
    # shoulders / collar
    d.ellipse((8, 100, 94, 170), fill=(40, 60, 110))
    d.polygon([(40, 104), (51, 124), (62, 104)], fill=(245, 245, 245))
    # neck
    d.rectangle((42, 84, 60, 106), fill=skin)
    # hair behind, head, hair on top
    d.ellipse((20, 12, 82, 82), fill=hair)
    d.ellipse((25, 22, 77, 92), fill=skin)
    d.chord((22, 12, 80, 60), 180, 360, fill=hair)
    # ears
    d.ellipse((20, 48, 29, 64), fill=skin)
    d.ellipse((73, 48, 82, 64), fill=skin)
    # eyes, brows
    for cx in (40, 62):
        d.ellipse((cx - 5, 50, cx + 5, 56), fill=(255, 255, 255))
        d.ellipse((cx - 2, 51, cx + 2, 55), fill=(30, 30, 30))
        d.line((cx - 6, 45, cx + 6, 44), fill=hair, width=2)
    # nose, mouth
    d.line((51, 56, 49, 68), fill=(170, 120, 100), width=1)
    d.line((49, 68, 53, 68), fill=(170, 120, 100), width=1)
    d.arc((41, 68, 61, 80), 20, 160, fill=(160, 60, 60), width=2)
    return img.filter(ImageFilter.SMOOTH)


def encode(img: Image.Image) -> bytes:
    # Quality 75 (or the highest below that fits); baseline (not progressive), no EXIF, no ICC.
    for q in range(75, 20, -5):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=q, progressive=False, optimize=True, subsampling="4:2:0")
        if len(buf.getvalue()) <= MAX_BYTES:
            return buf.getvalue()
    raise SystemExit("cannot fit the face into %d bytes" % MAX_BYTES)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    data = encode(draw(a.seed))
    with open(a.out, "wb") as f:
        f.write(data)
    print("%s: %d bytes, %dx%d" % (a.out, len(data), W, H))


if __name__ == "__main__":
    main()
