"""Report helper for the ORL generation runs in configs/RESULTS.md (developer-run; not used by tests;
needs numpy and Pillow, e.g. the reference venv).

  grid OUT.png COLUMNS A.png B.png ...   tiles equally sized PNGs (1-pixel white gutter)
  identity GENERATED_DIR FACES_DIR SIZE  for files named <person>-<aggregation>.png: the pixel-space
      distance of each generated face to every held-out person's mean photo (photos squashed to
      SIZE², like training); prints per aggregation how often the own person is the nearest mean
      (rank-1 rate among the held-out people) and the mean own / mean other distance.

A pixel-space proxy, not a face embedder: it rewards copying the references' overall layout.
"""
import pathlib
import sys

import numpy as np
from PIL import Image


def grid(out: str, columns: int, files: list[str]) -> None:
    images = [np.asarray(Image.open(f).convert("L")) for f in files]
    h, w = images[0].shape
    rows = (len(images) + columns - 1) // columns
    canvas = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1), 255, np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        canvas[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = image
    Image.fromarray(canvas).resize((canvas.shape[1] * 2, canvas.shape[0] * 2), Image.NEAREST).save(out)


def identity(generated: str, faces: str, size: int) -> None:
    people = sorted({p.name.split("-")[0] for p in pathlib.Path(generated).glob("*.png")}, key=lambda n: int(n[1:]))
    means = {}
    for person in people:
        photos = [np.asarray(Image.open(f).convert("L").resize((size, size), Image.BICUBIC), np.float64) / 255
                  for f in sorted((pathlib.Path(faces) / person).glob("*.png"))]
        means[person] = np.mean(photos, axis=0)
    results: dict[str, list[tuple[bool, float, float]]] = {}
    for file in sorted(pathlib.Path(generated).glob("*.png")):
        person, aggregation = file.stem.split("-", 1)
        image = np.asarray(Image.open(file).convert("L"), np.float64) / 255
        distances = {p: float(np.sqrt(np.mean((image - m) ** 2))) for p, m in means.items()}
        own = distances[person]
        others = [d for p, d in distances.items() if p != person]
        results.setdefault(aggregation, []).append((own < min(others), own, float(np.mean(others))))
    print(f"{len(people)} people")
    for aggregation, rows in sorted(results.items()):
        hits = sum(r[0] for r in rows)
        print(f"{aggregation:10s} nearest-mean rank-1 {hits}/{len(rows)} = {hits / len(rows):.3f}  "
              f"own RMS {np.mean([r[1] for r in rows]):.4f}  other RMS {np.mean([r[2] for r in rows]):.4f}")


if __name__ == "__main__":
    if sys.argv[1] == "grid":
        grid(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    else:
        identity(sys.argv[2], sys.argv[3], int(sys.argv[4]))
