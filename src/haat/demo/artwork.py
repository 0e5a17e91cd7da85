"""Product pictures for the demo store, drawn locally with Pillow.

Each picture is a soft coloured background with a quiet pattern, a simple silhouette of
the product kind (kurta, T-shirt, stole, mug, magnet, print) and the product name, so the
dashboard and a storefront look like a real shop without shipping photographs.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

SIZE = 720
SCALE = 2  # drawn at twice the size and scaled down, for smooth edges

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    background: RGB
    pattern: RGB
    figure: RGB
    accent: RGB
    text: RGB


PALETTES: dict[str, Palette] = {
    "ivory": Palette(
        (246, 239, 226), (236, 225, 205), (255, 252, 245), (196, 160, 98), (74, 52, 32)
    ),
    "indigo": Palette(
        (222, 230, 245), (205, 216, 238), (48, 72, 140), (240, 200, 120), (30, 40, 80)
    ),
    "rose": Palette(
        (250, 228, 232), (242, 212, 219), (214, 104, 130), (255, 236, 200), (92, 30, 48)
    ),
    "ochre": Palette((250, 236, 208), (242, 222, 184), (204, 142, 46), (120, 70, 30), (86, 50, 20)),
    "marigold": Palette(
        (255, 240, 205), (252, 228, 178), (242, 150, 28), (200, 40, 60), (100, 48, 10)
    ),
    "madder": Palette(
        (248, 226, 220), (240, 208, 200), (168, 48, 42), (240, 206, 140), (86, 22, 20)
    ),
    "teal": Palette(
        (218, 240, 238), (200, 230, 226), (22, 122, 122), (250, 210, 120), (12, 60, 60)
    ),
    "slate": Palette(
        (230, 233, 238), (216, 220, 228), (88, 100, 120), (220, 190, 140), (40, 46, 58)
    ),
    "gold": Palette((252, 244, 222), (244, 232, 196), (196, 156, 60), (130, 30, 60), (90, 64, 20)),
    "mint": Palette(
        (226, 246, 236), (208, 236, 222), (92, 170, 136), (250, 240, 210), (28, 78, 56)
    ),
    "walnut": Palette(
        (240, 230, 220), (228, 214, 200), (120, 82, 58), (220, 180, 120), (60, 40, 26)
    ),
    "charcoal": Palette(
        (232, 232, 232), (220, 220, 220), (52, 56, 62), (242, 160, 60), (30, 30, 34)
    ),
    "sky": Palette((225, 238, 250), (208, 226, 244), (70, 140, 200), (250, 220, 110), (24, 60, 96)),
}


def render_product_image(*, title: str, kind: str, palette: str, brand: str = "") -> bytes:
    """A JPEG of the product: background, pattern, silhouette of `kind`, name and brand."""
    colours = PALETTES[palette]
    size = SIZE * SCALE
    image = Image.new("RGB", (size, size), colours.background)
    draw = ImageDraw.Draw(image)
    _pattern(draw, size, colours.pattern, seed=sum(map(ord, title)))
    box = (int(size * 0.22), int(size * 0.12), int(size * 0.78), int(size * 0.68))
    FIGURES[kind](draw, box, colours)
    _caption(draw, size, title, brand, colours)
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=86, optimize=True)
    return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _pattern(draw: ImageDraw.ImageDraw, size: int, colour: RGB, *, seed: int) -> None:
    """Block-print style dots on a grid, offset per product so pictures differ."""
    step = size // 12
    offset = seed % step
    radius = max(3, step // 10)
    for row, y in enumerate(range(-step, size + step, step)):
        shift = step // 2 if row % 2 else 0
        for x in range(-step, size + step, step):
            cx, cy = x + shift + offset, y + offset
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)


def _caption(draw: ImageDraw.ImageDraw, size: int, title: str, brand: str, c: Palette) -> None:
    band_top = int(size * 0.76)
    # A light garment (ivory) would make a light band: use the dark text colour instead.
    band = c.text if _luminance(c.figure) > 150 else c.figure
    draw.rectangle((0, band_top, size, size), fill=band)
    draw.rectangle((0, band_top, size, band_top + size // 120), fill=c.accent)
    text = title.replace("–", "-").replace("—", "-").replace("’", "'")
    lines = textwrap.wrap(text, width=28)[:2]
    font = _font(size // 17)
    line_height = size // 14
    y = band_top + (size - band_top - line_height * len(lines)) // 2 - size // 60
    for line in lines:
        draw.text((size // 2, y), line, font=font, fill=c.background, anchor="ma")
        y += line_height
    if brand:
        draw.text(
            (size // 2, size // 30), brand.upper(), font=_font(size // 34), fill=c.text, anchor="ma"
        )


Box = tuple[int, int, int, int]


def _kurta(draw: ImageDraw.ImageDraw, box: Box, c: Palette) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx = x0 + w // 2
    body = [
        (cx - w * 0.16, y0),
        (cx + w * 0.16, y0),
        (x1 - w * 0.02, y0 + h * 0.16),
        (x1, y0 + h * 0.50),
        (x1 - w * 0.14, y0 + h * 0.52),
        (x1 - w * 0.18, y0 + h * 0.30),
        (x1 - w * 0.14, y1),
        (x0 + w * 0.14, y1),
        (x0 + w * 0.18, y0 + h * 0.30),
        (x0 + w * 0.14, y0 + h * 0.52),
        (x0, y0 + h * 0.50),
        (x0 + w * 0.02, y0 + h * 0.16),
    ]
    draw.polygon(body, fill=c.figure, outline=c.text, width=4)
    draw.line((cx, y0 + h * 0.02, cx, y0 + h * 0.34), fill=c.accent, width=8)
    for i in range(4):
        y = y0 + h * (0.08 + 0.07 * i)
        draw.ellipse((cx - 9, y - 9, cx + 9, y + 9), fill=c.accent)
    hem = y1 - h * 0.06
    for i in range(9):
        x = x0 + w * 0.18 + i * (w * 0.64 / 8)
        draw.ellipse((x - 7, hem - 7, x + 7, hem + 7), fill=c.accent)


def _tshirt(draw: ImageDraw.ImageDraw, box: Box, c: Palette) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx = x0 + w // 2
    top = y0 + h * 0.12
    shirt = [
        (cx - w * 0.14, top),
        (cx + w * 0.14, top),
        (x1, top + h * 0.12),
        (x1 - w * 0.06, top + h * 0.36),
        (x1 - w * 0.2, top + h * 0.30),
        (x1 - w * 0.2, y1),
        (x0 + w * 0.2, y1),
        (x0 + w * 0.2, top + h * 0.30),
        (x0 + w * 0.06, top + h * 0.36),
        (x0, top + h * 0.12),
    ]
    draw.polygon(shirt, fill=c.figure, outline=c.text, width=4)
    draw.chord(
        (cx - w * 0.14, top - h * 0.1, cx + w * 0.14, top + h * 0.1), 0, 180, fill=c.background
    )
    r = w * 0.13
    cy = top + h * 0.45
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=c.accent, width=10)
    draw.ellipse((cx - r / 3, cy - r / 3, cx + r / 3, cy + r / 3), fill=c.accent)


def _stole(draw: ImageDraw.ImageDraw, box: Box, c: Palette) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cloth = [(x0 + w * 0.3, y0), (x1 - w * 0.3, y0), (x1 - w * 0.05, y1), (x0 + w * 0.05, y1)]
    draw.polygon(cloth, fill=c.figure, outline=c.text, width=4)
    for i in range(1, 6):
        t = i / 6
        left = x0 + w * (0.3 - 0.25 * t)
        right = x1 - w * (0.3 - 0.25 * t)
        draw.line((left, y0 + h * t, right, y0 + h * t), fill=c.accent, width=6)
    for i in range(14):
        x = x0 + w * 0.05 + i * (w * 0.9 / 13)
        draw.line((x, y1, x, y1 + h * 0.06), fill=c.text, width=5)


def _mug(draw: ImageDraw.ImageDraw, box: Box, c: Palette) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    body = (x0 + w * 0.12, y0 + h * 0.18, x1 - w * 0.26, y1)
    draw.ellipse(
        (x1 - w * 0.42, y0 + h * 0.34, x1 - w * 0.02, y0 + h * 0.76), outline=c.text, width=26
    )
    draw.rounded_rectangle(body, radius=int(w * 0.08), fill=c.figure, outline=c.text, width=4)
    draw.ellipse((body[0], body[1] - h * 0.05, body[2], body[1] + h * 0.05), fill=c.accent)
    for i in range(3):
        x = x0 + w * (0.28 + 0.12 * i)
        draw.arc((x - 20, y0 - h * 0.02, x + 20, y0 + h * 0.14), 100, 260, fill=c.text, width=6)
    mid = (body[1] + body[3]) / 2
    draw.line((body[0] + 20, mid, body[2] - 20, mid), fill=c.accent, width=10)


def _magnet(draw: ImageDraw.ImageDraw, box: Box, c: Palette) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rounded_rectangle(
        (x0, y0 + h * 0.06, x1, y1 - h * 0.06),
        radius=int(w * 0.1),
        fill=c.figure,
        outline=c.text,
        width=6,
    )
    base = y1 - h * 0.22
    cx = x0 + w / 2
    draw.rectangle((x0 + w * 0.18, base - h * 0.26, x1 - w * 0.18, base), fill=c.accent)
    draw.pieslice(
        (cx - w * 0.2, base - h * 0.58, cx + w * 0.2, base - h * 0.18), 180, 360, fill=c.accent
    )
    for side in (-1, 1):
        mx = cx + side * w * 0.26
        draw.rectangle((mx - w * 0.03, base - h * 0.46, mx + w * 0.03, base), fill=c.accent)
    draw.rectangle((cx - w * 0.06, base - h * 0.16, cx + w * 0.06, base), fill=c.figure)


def _print(draw: ImageDraw.ImageDraw, box: Box, c: Palette) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rectangle(box, fill=c.text)
    inner = (x0 + w * 0.06, y0 + h * 0.06, x1 - w * 0.06, y1 - h * 0.06)
    draw.rectangle(inner, fill=c.background)
    ix0, iy0, ix1, iy1 = inner
    iw, ih = ix1 - ix0, iy1 - iy0
    sun = (ix0 + iw * 0.66, iy0 + ih * 0.14, ix0 + iw * 0.86, iy0 + ih * 0.34)
    draw.ellipse(sun, fill=c.accent)
    draw.polygon(
        [(ix0, iy1), (ix0 + iw * 0.35, iy0 + ih * 0.38), (ix0 + iw * 0.7, iy1)], fill=c.figure
    )
    peak = [(ix0 + iw * 0.4, iy1), (ix0 + iw * 0.72, iy0 + ih * 0.5), (ix1, iy1)]
    draw.polygon(peak, fill=_mix(c.figure, c.text))
    for i in range(5):
        angle = math.pi * (1.1 + 0.2 * i)
        sx, sy = (sun[0] + sun[2]) / 2, (sun[1] + sun[3]) / 2
        draw.line(
            (sx, sy, sx + math.cos(angle) * iw * 0.2, sy + math.sin(angle) * iw * 0.2),
            fill=c.accent,
            width=3,
        )


def _luminance(colour: RGB) -> float:
    return 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]


def _mix(a: RGB, b: RGB) -> RGB:
    return (a[0] + b[0]) // 2, (a[1] + b[1]) // 2, (a[2] + b[2]) // 2


FIGURES = {
    "kurta": _kurta,
    "tshirt": _tshirt,
    "stole": _stole,
    "mug": _mug,
    "magnet": _magnet,
    "print": _print,
}
