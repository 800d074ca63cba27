"""The seed paper's Table 1 for the ORL reproduction in configs/RESULTS.md (developer-run; not used by
tests; needs Pillow, e.g. the reference venv). After scripts/orl_generation_samples.sh adapter [all]:

  orl_table1.py SAMPLES EMBEDDER [--clipkit BIN]

SAMPLES holds <mode>/<person>-<photo>.png for the modes none, mean, max, concat, attention (and
`real`, the held-out photos themselves at 32×32, for the embedder's ceiling; absent modes are skipped).
Per mode it reports, through the clipkit binary:
  - FID (`clipkit eval fid`, the FID Inception) against every held-out real photo (s28–s40)
    squashed to 32×32 grey as the U-Net saw them in training (bicubic), written once to
    runs/orl-real-32/ and its statistics to runs/orl-real-32.npz;
  - IS (EfficientNet-Lite0) (`clipkit eval is`, 1 split: few images);
  - identity similarity with the triplet EMBEDDER (`clipkit eval identity --embedder`): the mean
    cosine of each person's generated faces to that person's 10 real photos ("own"), to the other
    12 held-out people's photos ("other"), the rank-1 rate (own the most similar of the 13
    people) and the fraction of own pairs the embedder's verification threshold accepts.
"""
import json
import pathlib
import subprocess
import sys

from PIL import Image

MODES = ["none", "mean", "max", "concat", "attention", "real"]
PEOPLE = [f"s{n}" for n in range(28, 41)]


def clipkit(binary: str, arguments: list[str]) -> dict:
    run = subprocess.run([binary] + arguments + ["--json", "-", "--quiet"], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"clipkit {' '.join(arguments)} failed: {run.stderr}")
    return json.loads(run.stdout)


def real_faces(size: int = 32) -> pathlib.Path:
    out = pathlib.Path("runs/orl-real-32")
    for person in PEOPLE:
        (out / person).mkdir(parents=True, exist_ok=True)
        for photo in range(1, 11):
            target = out / person / f"{photo}.png"
            if not target.exists():
                Image.open(f"data/orl-faces/{person}/{photo}.png").convert("L").resize((size, size), Image.BICUBIC).save(target)
    return out


def main() -> None:
    samples, embedder = pathlib.Path(sys.argv[1]), sys.argv[2]
    binary = sys.argv[sys.argv.index("--clipkit") + 1] if "--clipkit" in sys.argv else ".build/release/clipkit"
    real = real_faces()
    statistics = pathlib.Path("runs/orl-real-32.npz")
    if not statistics.exists():
        subprocess.run([binary, "eval", "fid", "--save-stats", str(real), str(statistics), "--quiet"], check=True)
    rows = []
    for mode in MODES:
        folder = samples / mode
        if not folder.is_dir():
            continue
        # Per-person folders for eval identity (it takes one folder of generated images).
        by_person = samples / "by-person" / mode
        for file in sorted(folder.glob("*.png")):
            person = file.stem.split("-")[0]
            (by_person / person).mkdir(parents=True, exist_ok=True)
            link = by_person / person / file.name
            if not link.exists():
                link.symlink_to(file.resolve())
        generated = len(list(folder.glob("*.png")))
        fid = clipkit(binary, ["eval", "fid", str(statistics), str(folder)])["fid"]
        inception = clipkit(binary, ["eval", "is", str(folder), "--splits", "1"])
        own, other, hits, verified = [], [], 0, []
        generated_people = [person for person in PEOPLE if (by_person / person).is_dir()]
        for person in generated_people:
            scores = {}
            for reference in PEOPLE:
                extra = ["--verification-faces", "data/orl-faces", "--verification-people", "28-40"] if reference == person else []
                report = clipkit(binary, ["eval", "identity", str(by_person / person), f"data/orl-faces/{reference}",
                                          "--embedder", embedder] + extra)
                scores[reference] = report["mean_cosine"]
                if reference == person:
                    verified.append(report["verified_fraction"])
                    verification = report["verification"]
            own.append(scores[person])
            other += [value for name, value in scores.items() if name != person]
            hits += max(scores, key=scores.get) == person
        rows.append(dict(mode=mode, generated=generated, fid=fid, inception_score=inception["mean"],
                         own=sum(own) / len(own), other=sum(other) / len(other), rank1=hits / len(generated_people),
                         verified=sum(verified) / len(verified)))
        print(json.dumps(rows[-1]), flush=True)
    print(f"embedder verification on s28–s40: accuracy {verification['accuracy']:.4f}, AUC {verification['auc']:.4f}, "
          f"threshold {verification['threshold']:.4f}, {verification['pairs']} pairs")
    print("| image prompt | images | FID ↓ | IS (EfficientNet-Lite0) ↑ | identity: own person ↑ | other people | rank-1 of 13 | own pairs verified |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mode']} | {r['generated']} | {r['fid']:.1f} | {r['inception_score']:.3f} | {r['own']:.4f} | {r['other']:.4f} | "
              f"{r['rank1']:.3f} | {r['verified']:.3f} |")


if __name__ == "__main__":
    main()
