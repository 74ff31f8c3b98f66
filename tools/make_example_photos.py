"""Draw the example issue's two photos (issues/example/images/): synthetic scenes, no real photograph.

    .venv/bin/python tools/make_example_photos.py [OUT_DIR]

Pillow only, seeded, so a rerun with the same Pillow gives the same files. Both are 1600 px wide: over
three A3 columns (about 159 mm) that is 255 ppi, over the layout's 200 ppi minimum.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W = 1600
Rgb = tuple[int, int, int]


def mix(a: Rgb, b: Rgb, t: float) -> Rgb:
    t = min(1.0, max(0.0, t))
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def vertical_gradient(img: Image.Image, top: Rgb, bottom: Rgb, y0: int, y1: int) -> None:
    draw = ImageDraw.Draw(img)
    for y in range(y0, y1):
        draw.line([(0, y), (img.width, y)], fill=mix(top, bottom, (y - y0) / max(1, y1 - y0 - 1)))


def ridge(rng: random.Random, y: float, amp: float, waves: int) -> list[tuple[float, float]]:
    """A hill line across the picture: a few summed sines with random phases."""
    phases = [(rng.uniform(0, 2 * math.pi), rng.uniform(0.6, 1.4) * (k + 1)) for k in range(waves)]
    pts = []
    for x in range(0, W + 21, 20):
        v = sum(math.sin(x / W * math.pi * f + p) / (k + 1) for k, (p, f) in enumerate(phases))
        pts.append((x, y - amp * v))
    return pts


def grain(img: Image.Image, sigma: float, seed: int) -> Image.Image:
    """Film-like grain: Pillow's Gaussian noise, mixed in lightly."""
    random.seed(seed)
    noise = Image.effect_noise(img.size, sigma).convert("RGB")
    return ImageChops.add(ImageChops.subtract(img, Image.new("RGB", img.size, (12, 12, 12))),
                          noise.point(lambda v: v // 10), scale=1.0)


def spring_ploughing(rng: random.Random) -> Image.Image:
    """A tractor ploughing a field in early spring, hills and a tree line behind."""
    h = 1000
    img = Image.new("RGB", (W, h))
    horizon = 430
    vertical_gradient(img, (122, 168, 214), (222, 232, 236), 0, horizon)
    draw = ImageDraw.Draw(img)
    for y, amp, col in ((380, 40, (150, 162, 178)), (410, 28, (118, 134, 120)), (432, 10, (84, 104, 70))):
        draw.polygon([(0, h), *ridge(rng, y, amp, 3), (W, h)], fill=col)
    for _ in range(90):  # a tree line of poplars along the horizon
        x = rng.uniform(0, W)
        th = rng.uniform(30, 70)
        draw.ellipse([x - th / 5, horizon - th, x + th / 5, horizon + 4], fill=(70 + rng.randint(0, 20), 92, 58))
    vertical_gradient(img, (128, 100, 72), (96, 70, 48), horizon + 4, h)  # the ploughed soil
    draw = ImageDraw.Draw(img)
    vx = W * 0.62
    for k in range(-40, 41):  # furrows converging on a vanishing point
        x_bottom = vx + k * 70
        shade = (78, 56, 38) if k % 2 else (140, 110, 80)
        draw.line([(vx + k * 2, horizon + 6), (x_bottom, h)], fill=shade, width=3)
    draw.polygon([(0, h), (0, 640), (vx - 30, horizon + 6), (vx - 120, horizon + 6), (0, 520)],
                 fill=(118, 140, 78))  # last year's stubble, still green-brown, left of the plough line
    tx, ty = 930, 600  # the tractor
    draw.ellipse([tx - 240, ty - 40, tx + 120, ty + 70], fill=(150, 128, 100))  # dust behind it
    draw.rectangle([tx, ty - 70, tx + 170, ty + 10], fill=(196, 36, 32))
    draw.rectangle([tx + 110, ty - 150, tx + 200, ty - 40], outline=(40, 40, 40), width=8, fill=(170, 200, 210))
    draw.rectangle([tx + 170, ty - 40, tx + 260, ty + 10], fill=(176, 30, 28))
    draw.line([(tx + 60, ty - 70), (tx + 60, ty - 130)], fill=(50, 50, 50), width=10)
    draw.ellipse([tx + 110, ty - 40, tx + 230, ty + 80], fill=(30, 30, 30))
    draw.ellipse([tx + 140, ty - 10, tx + 200, ty + 50], fill=(120, 120, 110))
    draw.ellipse([tx - 20, ty - 10, tx + 60, ty + 70], fill=(30, 30, 30))
    draw.rectangle([tx - 130, ty + 20, tx, ty + 40], fill=(60, 60, 60))  # the plough
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    return grain(img, 40, rng.randint(0, 10**6))


def millet_terraces(rng: random.Random) -> Image.Image:
    """Terraced hillsides of ripe millet in late afternoon light, a village below."""
    h = 1060
    img = Image.new("RGB", (W, h))
    vertical_gradient(img, (236, 196, 140), (250, 236, 206), 0, 380)
    draw = ImageDraw.Draw(img)
    draw.ellipse([1180, 120, 1300, 240], fill=(255, 244, 214))
    bands = 15
    for i in range(bands):  # terraces, from the far hill down
        y = 300 + i * 52
        gold = mix((196, 150, 60), (214, 168, 52), rng.random())
        if i % 4 == 3:
            gold = (120, 138, 66)  # a terrace of late green millet
        pts = ridge(rng, y, 22 + i * 1.5, 2)
        draw.polygon([(0, h), *pts, (W, h)], fill=mix(gold, (150, 110, 60), i / bands / 3))
        draw.line(pts, fill=(120, 92, 50), width=4)  # the terrace's earth edge
        for _ in range(120):  # heads of millet catching the light
            x = rng.uniform(0, W)
            yy = y + rng.uniform(6, 40)
            draw.line([(x, yy), (x + 4, yy - 10)], fill=(238, 200, 96), width=2)
    for k in range(7):  # the village: flat-roofed houses on the valley floor
        x = 120 + k * 200 + rng.randint(-30, 30)
        y = 930 + rng.randint(-10, 20)
        draw.rectangle([x, y - 70, x + 150, y + 40], fill=(200, 186, 160))
        draw.polygon([(x - 10, y - 70), (x + 75, y - 110), (x + 160, y - 70)], fill=(110, 96, 86))
        draw.rectangle([x + 60, y - 20, x + 90, y + 40], fill=(90, 60, 40))
        draw.rectangle([x + 20, y - 50, x + 45, y - 25], fill=(150, 170, 180))
    img = img.filter(ImageFilter.GaussianBlur(1.0))
    return grain(img, 36, rng.randint(0, 10**6))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "issues/example/images"
    out.mkdir(parents=True, exist_ok=True)
    scenes = (("spring-ploughing.jpg", spring_ploughing, 3), ("millet-terraces.jpg", millet_terraces, 8))
    for name, draw, seed in scenes:
        path = out / name
        draw(random.Random(seed)).save(path, "JPEG", quality=85, optimize=True)
        print(f"{path}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
