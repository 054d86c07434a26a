"""The demo's "artworks", drawn with Pillow: no download, no AI, the same pixels every time.

Each artwork is painted by a small function from a seeded random generator,
at 1600 x 1000 pixels, and encoded as JPEG. ``render(artwork)`` returns the
bytes; the loader stores them as Wagtail images. All of them take well under
a second to draw.
"""

import io
import math
import random
from dataclasses import dataclass
from typing import Callable

from PIL import Image, ImageDraw, ImageFilter

SIZE = W, H = 1600, 1000
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Artwork:
    key: str
    title: str
    description: str  # Wagtail's default alternative text, in French (the institution's language)
    seed: int
    paint: Callable[[random.Random], Image.Image]

    @property
    def filename(self):
        return f"mba-valmont-{self.key}.jpg"


def render(artwork):
    """The artwork as JPEG bytes."""
    picture = artwork.paint(random.Random(artwork.seed)).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


# --- tools ------------------------------------------------------------------


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def vertical_gradient(size, top, bottom):
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def glow(picture, centre, radius, colour, strength=1.0):
    """A soft disc of light: full ``colour`` at the centre, fading out at ``radius``."""
    # radial_gradient() is 0 at the centre and 181 at the middle of each edge (255 in the corners).
    mask = Image.radial_gradient("L").resize((2 * radius, 2 * radius))
    mask = mask.point(lambda v: round(255 * strength * max(0.0, 1 - v / 181) ** 2))
    picture.paste(colour, (centre[0] - radius, centre[1] - radius), mask)


def texture(picture, rng, amount=0.08, grain=(160, 100)):
    """Blend in a soft mottling, like canvas under paint (seeded, unlike Image.effect_noise)."""
    noise = Image.frombytes("L", grain, rng.randbytes(grain[0] * grain[1])).resize(picture.size, Image.BICUBIC)
    return Image.blend(picture, Image.merge("RGB", (noise, noise, noise)), amount)


def ridge(rng, base, amplitude, steps=24, width=W):
    """Points of a hill line from left to right, a random walk around ``base``."""
    points, y = [], base
    for i in range(steps + 1):
        y = base + (y - base) * 0.6 + rng.uniform(-amplitude, amplitude)
        points.append((round(i * width / steps), round(y)))
    return points


# --- the river (Hélène Corbin) ------------------------------------------------


def river(rng, sky_top, sky_horizon, sun, hills, water_top, water_bottom, trees, horizon=0.56):
    y0 = round(H * horizon)
    picture = vertical_gradient(SIZE, sky_top, sky_horizon)
    sun_x = rng.randrange(W // 3, 2 * W // 3)
    sun_y = y0 - rng.randrange(90, 200)
    glow(picture, (sun_x, sun_y), 420, sun, 0.55)
    glow(picture, (sun_x, sun_y), 70, sun, 1.0)
    draw = ImageDraw.Draw(picture, "RGBA")
    draw.ellipse((sun_x - 46, sun_y - 46, sun_x + 46, sun_y + 46), fill=sun + (235,))
    for depth, colour in enumerate(hills):
        line = ridge(rng, y0 - 110 + depth * 45, 28 - depth * 6)
        draw.polygon(line + [(W, y0 + 5), (0, y0 + 5)], fill=colour + (255,))
    picture.paste(vertical_gradient((W, H - y0), water_top, water_bottom), (0, y0))
    draw = ImageDraw.Draw(picture, "RGBA")
    # The sun's path on the water: short strokes, narrower and fainter towards the bank.
    for i in range(140):
        y = y0 + 6 + i * (H - y0) / 140
        half = (1 - i / 160) * rng.uniform(20, 120)
        draw.line((sun_x - half, y, sun_x + half, y), fill=sun + (round(170 * (1 - i / 150)),), width=3)
    for _ in range(420):
        x, y = rng.uniform(0, W), rng.uniform(y0 + 10, H)
        length = rng.uniform(20, 90) * (0.5 + (y - y0) / (H - y0))
        light = mix(water_top, (255, 255, 255), rng.uniform(0.1, 0.5))
        draw.line((x, y, x + length, y), fill=light + (rng.randrange(40, 120),), width=2)
    # Banks and poplars, with their dark reflections.
    for side in (0, 1):
        bank_y = y0 + rng.randrange(40, 80)
        edge = rng.randrange(260, 420)
        xs = (0, edge) if side == 0 else (W - edge, W)
        slope = [(xs[0], bank_y), (xs[1], y0)] if side == 0 else [(xs[0], y0), (xs[1], bank_y)]
        draw.polygon(slope + [(xs[1], bank_y + 40), (xs[0], bank_y + 40)], fill=trees + (255,))
        for _ in range(rng.randrange(3, 6)):
            x = rng.uniform(xs[0] + 20, xs[1] - 20)
            height, half = rng.uniform(180, 320), rng.uniform(16, 30)
            draw.ellipse((x - half, y0 - height, x + half, y0 + 20), fill=trees + (245,))
            draw.ellipse((x - half, y0 + 10, x + half, y0 + height * 0.6), fill=trees + (70,))
    return texture(picture.filter(ImageFilter.GaussianBlur(1.2)), rng, 0.06)


def river_dawn(rng):
    return river(rng, (150, 170, 205), (250, 214, 170), (255, 236, 190),
                 [(150, 160, 195), (118, 130, 170), (92, 104, 140)],
                 (214, 190, 170), (70, 90, 120), (38, 60, 52))


def river_dusk(rng):
    return river(rng, (52, 36, 92), (238, 120, 70), (255, 120, 80),
                 [(120, 70, 110), (90, 50, 90), (60, 36, 70)],
                 (200, 100, 90), (30, 24, 50), (24, 20, 36), horizon=0.6)


# --- the flood (Émile Vasseur), before and during restoration -----------------


def flood_scene(rng):
    """The clean painting, as it was in 1910."""
    y0 = round(H * 0.62)
    picture = vertical_gradient(SIZE, (150, 165, 175), (205, 210, 205))
    draw = ImageDraw.Draw(picture, "RGBA")
    for _ in range(9):  # clouds
        x, y = rng.uniform(0, W), rng.uniform(40, 380)
        rx, ry = rng.uniform(160, 360), rng.uniform(40, 90)
        draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=(232, 236, 238, 110))
    x = 40
    while x < W - 120:  # the lower town: walls, roofs, windows
        width = rng.randrange(120, 220)
        top = y0 - rng.randrange(160, 330)
        wall = rng.choice([(196, 178, 150), (172, 160, 140), (210, 196, 170), (150, 140, 128)])
        draw.rectangle((x, top, x + width, y0 + 40), fill=wall + (255,))
        draw.polygon([(x - 10, top), (x + width // 2, top - rng.randrange(60, 130)), (x + width + 10, top)],
                     fill=(90, 84, 96, 255))
        for wx in range(x + 20, x + width - 30, 45):
            for wy in range(top + 30, y0, 70):
                draw.rectangle((wx, wy, wx + 22, wy + 36), fill=(64, 70, 80, 255))
        x += width + rng.randrange(10, 50)
    water = vertical_gradient((W, H - y0), (120, 140, 130), (70, 80, 70))
    picture.paste(water, (0, y0))
    draw = ImageDraw.Draw(picture, "RGBA")
    for _ in range(500):  # silvery ripples
        x, y = rng.uniform(0, W), rng.uniform(y0, H)
        draw.line((x, y, x + rng.uniform(20, 70), y), fill=(220, 228, 226, rng.randrange(40, 130)), width=2)
    draw.rectangle((0, y0 - 6, W, y0 + 6), fill=(150, 165, 160, 120))
    return texture(picture.filter(ImageFilter.GaussianBlur(1.0)), rng, 0.07)


def aged(picture, rng):
    """A yellowed varnish and a network of fine cracks (craquelure)."""
    old = Image.blend(picture, Image.new("RGB", SIZE, (120, 88, 30)), 0.42)
    draw = ImageDraw.Draw(old, "RGBA")
    for _ in range(260):
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        angle = rng.uniform(0, math.tau)
        points = [(x, y)]
        for _ in range(rng.randrange(3, 7)):
            angle += rng.uniform(-0.9, 0.9)
            step = rng.uniform(12, 40)
            x, y = x + step * math.cos(angle), y + step * math.sin(angle)
            points.append((x, y))
        draw.line(points, fill=(40, 28, 12, 150), width=1)
    return old


def flood(rng):
    return aged(flood_scene(rng), rng)


def flood_detail(rng):
    """A corner of the sky, enlarged, with a cleaning window showing the original colour."""
    clean = flood_scene(rng)
    old = aged(clean, rng)
    box = (300, 60, 300 + W // 2, 60 + H // 2)
    window = (260, 170, 560, 360)  # in the enlarged crop
    detail = old.crop(box).resize(SIZE, Image.BICUBIC)
    clean_detail = clean.crop(box).resize(SIZE, Image.BICUBIC)
    detail.paste(clean_detail.crop((window[0] * 2, window[1] * 2, window[2] * 2, window[3] * 2)),
                 (window[0] * 2, window[1] * 2))
    return detail


def study(rng):
    """A sepia ink study of the river on cream paper (the drawing acquired by the museum)."""
    ink = (88, 60, 36)
    paper = texture(vertical_gradient(SIZE, (242, 230, 204), (228, 212, 180)), rng, 0.05, (80, 50))
    draw = ImageDraw.Draw(paper, "RGBA")
    y0 = round(H * 0.56)
    for depth in range(3):
        line = ridge(rng, y0 - 100 + depth * 40, 24, steps=30)
        draw.line(line, fill=ink + (200 - depth * 40,), width=3 - depth // 2)
    draw.line((60, y0, W - 60, y0), fill=ink + (220,), width=2)
    for _ in range(260):  # hatching for the water
        x, y = rng.uniform(80, W - 140), rng.uniform(y0 + 15, H - 80)
        draw.line((x, y, x + rng.uniform(30, 110), y + rng.uniform(-3, 3)), fill=ink + (rng.randrange(60, 170),))
    for _ in range(7):  # poplars in a few strokes
        x = rng.choice([rng.uniform(120, 420), rng.uniform(W - 420, W - 120)])
        height = rng.uniform(200, 330)
        for _ in range(14):
            dx = rng.uniform(-26, 26)
            draw.line((x + dx * 0.2, y0 + 10, x + dx, y0 - height * rng.uniform(0.6, 1)), fill=ink + (150,), width=2)
    draw.arc((W // 2 - 60, y0 - 250, W // 2 + 60, y0 - 130), 0, 360, fill=ink + (180,), width=2)
    return paper


# --- towards abstraction (Marthe Delorme, Paul Rivière) -----------------------


def circles(rng):
    palette = [(200, 50, 40), (30, 70, 150), (240, 190, 40), (40, 130, 90), (240, 236, 220), (20, 24, 40)]
    picture = texture(vertical_gradient(SIZE, (214, 160, 84), (186, 120, 60)), rng, 0.05)
    draw = ImageDraw.Draw(picture, "RGBA")
    for _ in range(5):
        cx, cy = rng.uniform(150, W - 150), rng.uniform(150, H - 150)
        radius = rng.uniform(180, 420)
        rings = rng.randrange(4, 8)
        for ring in range(rings):
            r = radius * (1 - ring / rings)
            for quarter in range(4):
                colour = rng.choice(palette)
                draw.pieslice((cx - r, cy - r, cx + r, cy + r), quarter * 90, quarter * 90 + 90,
                              fill=colour + (rng.randrange(170, 240),))
    return picture


def colour_fields(rng):
    picture = texture(vertical_gradient(SIZE, (122, 30, 28), (84, 18, 22)), rng, 0.06)
    for colour, box in (((214, 150, 60), (180, 110, W - 180, 470)), ((26, 46, 110), (180, 540, W - 180, 900))):
        mask = Image.new("L", SIZE, 0)
        ImageDraw.Draw(mask).rectangle(box, fill=rng.randrange(215, 245))
        picture.paste(colour, (0, 0), mask.filter(ImageFilter.GaussianBlur(22)))
    return texture(picture, rng, 0.05, (400, 250))


def grid(rng):
    colours = [(204, 40, 36), (28, 60, 150), (246, 206, 40)]
    picture = Image.new("RGB", SIZE, (240, 236, 226))
    draw = ImageDraw.Draw(picture)
    cells = [(0, 0, W, H)]
    for _ in range(9):  # split the largest cell, across its longer side
        cells.sort(key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))
        x0, y0, x1, y1 = cells.pop()
        if x1 - x0 > y1 - y0:
            cut = round(x0 + (x1 - x0) * rng.uniform(0.3, 0.7))
            cells += [(x0, y0, cut, y1), (cut, y0, x1, y1)]
        else:
            cut = round(y0 + (y1 - y0) * rng.uniform(0.3, 0.7))
            cells += [(x0, y0, x1, cut), (x0, cut, x1, y1)]
    for cell in rng.sample(cells, 4):
        draw.rectangle(cell, fill=rng.choice(colours))
    for x0, y0, x1, y1 in cells:
        draw.rectangle((x0, y0, x1, y1), outline=(18, 18, 22), width=9)
    return texture(picture, rng, 0.04)


def night(rng):
    y0 = round(H * 0.58)
    picture = vertical_gradient(SIZE, (8, 14, 40), (30, 44, 90))
    draw = ImageDraw.Draw(picture, "RGBA")
    for _ in range(220):  # stars
        x, y, r = rng.uniform(0, W), rng.uniform(0, y0 - 200), rng.choice([1, 1, 1.5, 2, 3])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 225, rng.randrange(120, 255)))
    x = 0
    while x < W:  # the skyline of the quay
        width = rng.randrange(60, 180)
        top = y0 - rng.randrange(110, 260)
        draw.rectangle((x, top, x + width, y0), fill=(14, 16, 30, 255))
        for wx in range(x + 14, x + width - 20, 34):
            if rng.random() < 0.3:
                draw.rectangle((wx, top + 30, wx + 14, top + 52), fill=(250, 200, 110, 220))
        x += width
    picture.paste(vertical_gradient((W, H - y0), (20, 26, 54), (4, 6, 16)), (0, y0))
    for i in range(9):  # street lamps and their reflections
        lx = 90 + i * 180 + rng.randrange(-20, 20)
        glow(picture, (lx, y0 - 40), 90, (255, 196, 100), 0.7)
        draw = ImageDraw.Draw(picture, "RGBA")
        draw.line((lx, y0 - 40, lx, y0), fill=(30, 30, 40, 255), width=4)
        for j in range(40):
            y = y0 + 8 + j * 9
            half = rng.uniform(4, 26)
            draw.line((lx - half, y, lx + half, y), fill=(255, 196, 100, round(200 * (1 - j / 40))), width=3)
    return texture(picture.filter(ImageFilter.GaussianBlur(0.8)), rng, 0.04)


def regatta(rng):
    y0 = round(H * 0.5)
    picture = vertical_gradient(SIZE, (196, 224, 236), (236, 240, 230))
    picture.paste(vertical_gradient((W, H - y0), (64, 180, 180), (20, 96, 120)), (0, y0))
    draw = ImageDraw.Draw(picture, "RGBA")
    for i in range(12):  # diagonal bands of wind
        x = rng.uniform(-400, W)
        draw.polygon([(x, 0), (x + 60, 0), (x + 460, y0), (x + 400, y0)], fill=(255, 255, 255, 40))
    for _ in range(9):
        x, base = rng.uniform(60, W - 260), rng.uniform(y0 + 40, H - 120)
        height = rng.uniform(220, 420) * (0.6 + (base - y0) / (H - y0))
        sail = rng.choice([(248, 246, 238), (210, 50, 44), (30, 60, 150), (246, 196, 40)])
        draw.polygon([(x, base), (x + height * 0.55, base), (x + height * 0.05, base - height)], fill=sail + (240,))
        draw.polygon([(x - 30, base + 4), (x + height * 0.65, base + 4), (x + height * 0.55, base + 30),
                      (x - 10, base + 30)], fill=(30, 30, 40, 255))
    return texture(picture, rng, 0.05)


ARTWORKS = [
    Artwork("fleuve-aube", "Hélène Corbin, Lumières du fleuve à l'aube (1902)",
            "Un fleuve à l'aube : soleil pâle, collines bleutées, peupliers sombres, reflets dorés sur l'eau.",
            1902, river_dawn),
    Artwork("fleuve-soir", "Hélène Corbin, Le Soir sur la Loire (1904)",
            "Un fleuve au crépuscule : ciel violet et orangé, soleil rouge sur l'horizon, reflets roses.",
            1904, river_dusk),
    Artwork("etude", "Hélène Corbin, Bords de Loire, étude (vers 1901)",
            "Dessin à l'encre sépia : horizon d'un fleuve, collines, peupliers esquissés, eau hachurée.",
            1901, study),
    Artwork("crue", "Émile Vasseur, La Crue de 1910 (avant restauration)",
            "Maisons à demi noyées dans une eau brune, sous un vernis jauni parcouru de craquelures.",
            1910, flood),
    Artwork("crue-detail", "Émile Vasseur, La Crue de 1910, fenêtre de nettoyage",
            "Détail : un rectangle aux couleurs fraîches tranche sur la surface jaunie et craquelée.",
            1910, flood_detail),
    Artwork("regates", "Marthe Delorme, Régates à Valmont (1929)",
            "Triangles blancs, rouges et bleus comme des voiles sur une eau turquoise.",
            1929, regatta),
    Artwork("cercles", "Marthe Delorme, Composition aux cercles (1931)",
            "Cercles concentriques rouges, bleus, jaunes et verts, en quartiers, sur fond ocre.",
            1931, circles),
    Artwork("grille", "Marthe Delorme, Plan de la ville basse (1938)",
            "Grille de lignes noires sur fond blanc cassé, quelques cases rouges, bleues et jaunes.",
            1938, grid),
    Artwork("nuit", "Paul Rivière, Nuit sur les quais (1958)",
            "Réverbères dorés sur un quai, reflets étirés dans l'eau noire, ciel étoilé.",
            1958, night),
    Artwork("champs", "Paul Rivière, Champs de Loire, ocre et bleu (1962)",
            "Deux rectangles flous, ocre et bleu profond, sur un fond rouge sombre.",
            1962, colour_fields),
]
