#!/usr/bin/env python3
"""Writes COUNT small grey PGM images made from scikit-image's sample photos for scripts/load-test.sh.

Each image is a random crop (50-100 % of the shorter side) of one photo, resized (nearest
neighbour) to SIDE x SIDE, maybe mirrored, with a random brightness change; the green channel is
kept as grey. Python's standard library only; the PNG photos are read through `convert FILE ppm:-`.
"""
import argparse
import os
import random
import subprocess

PHOTOS = ["astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "grass.png", "gravel.png",
          "horse.png", "moon.png", "motorcycle_left.png", "page.png", "text.png", "logo.png", "color.png"]


def read_ppm_green(path):
    """(width, height, grey bytes) of an image converted to PPM (P6, 8-bit) by `convert`."""
    data = subprocess.run(["convert", path, "ppm:-"], check=True, capture_output=True).stdout
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    position += 1
    magic, width, height, maximum = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P6" or maximum != 255:
        raise SystemExit(f"{path}: expected an 8-bit P6 image from convert, got {magic!r} max {maximum}")
    return width, height, data[position + 1::3][:width * height]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", required=True, help="skimage/data folder")
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--side", type=int, default=96)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    generator = random.Random(arguments.seed)
    sources = []
    for name in PHOTOS:
        path = os.path.join(arguments.photos, name)
        if os.path.exists(path):
            sources.append((name.rsplit(".", 1)[0], *read_ppm_green(path)))
    os.makedirs(arguments.out, exist_ok=True)
    side = arguments.side
    for index in range(arguments.count):
        name, width, height, grey = sources[index % len(sources)]
        crop = int(min(width, height) * generator.uniform(0.5, 1.0))
        left, top = generator.randrange(width - crop + 1), generator.randrange(height - crop + 1)
        columns = [left + (x * crop) // side for x in range(side)]
        if generator.random() < 0.5:
            columns.reverse()
        gain = generator.uniform(0.7, 1.3)
        table = bytes(min(255, int(value * gain)) for value in range(256))
        rows = []
        for y in range(side):
            start = (top + (y * crop) // side) * width
            rows.append(bytes(map(grey.__getitem__, [start + c for c in columns])).translate(table))
        with open(os.path.join(arguments.out, f"{name}-{index:05d}.pgm"), "wb") as output:
            output.write(b"P5\n%d %d\n255\n" % (side, side) + b"".join(rows))


if __name__ == "__main__":
    main()
