#!/usr/bin/env python3
"""Developer probe of a trained text2face model folder (not used by CI or the Swift code).

Two questions about why generated Fashion-MNIST garments lose their class:

1. `drift RUN`: how far the trained mapping network (`mapping.N.*` in `model/mapping.safetensors`)
   moved from the generator's own (`g_ema.style.N.*` in `model/generator/generator.safetensors`),
   per layer as the relative Frobenius change, and in W: for z ~ N(0, I) the distance between the
   two networks' w, against the spread of the original w around their mean.
2. `variant RUN OUT --sigma-zero | --original-mapping`: a copy of the model folder in which
   conditioning augmentation's log sigma^2 rows are set to -40 (so z = mu, epsilon ignored), or the
   mapping network is reset to the generator's (trained CA, untouched f), or (`--prior`) CA ignores the
   text and gives z = epsilon ~ N(0, I), i.e. the generator's own samples, for `clipkit eval text2face`.
3. `generator-prior RUN GENERATOR OUT`: the `--prior --original-mapping` copy of RUN with its generator
   replaced by another one, so `clipkit eval text2face` judges that generator's own samples (its class
   coverage) before any mapping is trained on it. GENERATOR is a stylegan run folder (its `g_ema`) or one
   of its training checkpoints (`checkpoints/step-N.safetensors`: the moving average `ema.g.*`; the fixed
   buffers a checkpoint does not hold, blur kernels, noise maps and the mean latent, come from the run's
   saved model, or with `--buffers OTHER` from another run of the same architecture while the run is still
   training; generation draws fresh noise maps and the mean latent only matters for psi < 1).
4. `generator-folder CHECKPOINT OUT`: a stylegan run folder (`OUT/model/generator.safetensors` with the
   checkpoint's `g_ema`, and `stylegan.json`) that a text2face configuration's `generator` can name, to
   train a mapping on a checkpoint chosen for its class coverage.
"""
import argparse
import json
import shutil
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file


def model_folder(run: Path) -> Path:
    return run / "model" if (run / "model" / "text2face.json").exists() else run


def mapping_layers(tensors: dict, prefix: str) -> list:
    indices = sorted({int(k[len(prefix):].split(".")[0]) for k in tensors if k.startswith(prefix)})
    return [(tensors[f"{prefix}{i}.weight"], tensors[f"{prefix}{i}.bias"]) for i in indices]


def forward(layers: list, z: np.ndarray, lr_mul: float = 0.01) -> np.ndarray:
    h = z / np.sqrt(np.mean(z * z, axis=1, keepdims=True) + 1e-8)
    for weight, bias in layers:
        scale = lr_mul / np.sqrt(weight.shape[1])
        h = h @ (weight * scale).T + bias * lr_mul
        h = np.where(h >= 0, h, 0.2 * h) * np.sqrt(2.0)
    return h


def drift(run: Path) -> dict:
    folder = model_folder(run)
    trained = load_file(str(folder / "mapping.safetensors"))
    original = load_file(str(folder / "generator" / "generator.safetensors"))
    new, old = mapping_layers(trained, "mapping."), mapping_layers(original, "g_ema.style.")
    report = {"layers": []}
    for i, ((w1, b1), (w0, b0)) in enumerate(zip(new, old)):
        report["layers"].append({
            "layer": i + 1,
            "weight_relative_change": float(np.linalg.norm(w1 - w0) / np.linalg.norm(w0)),
            "bias_change_effective": float(np.linalg.norm((b1 - b0) * 0.01)),
            "bias_norm_effective": float(np.linalg.norm(b0 * 0.01)),
        })
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4096, old[0][0].shape[1])).astype(np.float32)
    w_old, w_new = forward(old, z), forward(new, z)
    spread = np.sqrt(np.mean(np.sum((w_old - w_old.mean(0)) ** 2, axis=1)))
    report["w_distance_mean"] = float(np.mean(np.linalg.norm(w_new - w_old, axis=1)))
    report["w_spread_rms"] = float(spread)
    report["w_distance_over_spread"] = report["w_distance_mean"] / report["w_spread_rms"]
    ca_w, ca_b = trained["ca.projection.weight"], trained["ca.projection.bias"]
    width = ca_w.shape[0] // 2
    report["ca_mean_weight_norm"] = float(np.linalg.norm(ca_w[:width]))
    report["ca_mean_bias_norm"] = float(np.linalg.norm(ca_b[:width]))
    report["ca_logvar_bias_mean"] = float(ca_b[width:].mean())
    report["ca_mean_weight_singular_values_top5"] = [float(s) for s in np.linalg.svd(ca_w[:width], compute_uv=False)[:5]]
    return report


def variant(run: Path, out: Path, sigma_zero: bool, original_mapping: bool, prior: bool = False) -> None:
    source = model_folder(run)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)
    tensors = load_file(str(source / "mapping.safetensors"))
    if sigma_zero:
        weight, bias = tensors["ca.projection.weight"].copy(), tensors["ca.projection.bias"].copy()
        width = weight.shape[0] // 2
        weight[width:] = 0
        bias[width:] = -40
        tensors["ca.projection.weight"], tensors["ca.projection.bias"] = weight, bias
    if prior:
        tensors["ca.projection.weight"] = np.zeros_like(tensors["ca.projection.weight"])
        tensors["ca.projection.bias"] = np.zeros_like(tensors["ca.projection.bias"])
    if original_mapping:
        original = load_file(str(source / "generator" / "generator.safetensors"))
        for key in list(tensors):
            if key.startswith("mapping."):
                tensors[key] = original["g_ema.style." + key[len("mapping."):]].copy()
    save_file(tensors, str(out / "mapping.safetensors"))


def generator_weights(source: Path, buffers: Path = None) -> dict:
    """g_ema tensors of a stylegan run folder, or of one of its checkpoints (fixed buffers from the run's model or `buffers`)."""
    if source.is_dir():
        tensors = load_file(str(source / "model" / "generator.safetensors"))
        return {k: v for k, v in tensors.items() if k.startswith("g_ema.") or k == "latent_avg"}
    run = source.parent.parent
    saved = generator_weights(buffers or run)
    checkpoint = load_file(str(source))
    averaged = {"g_ema." + k[len("ema.g."):]: v for k, v in checkpoint.items() if k.startswith("ema.g.")}
    unknown = sorted(set(averaged) - set(saved))
    if unknown:
        raise SystemExit(f"checkpoint tensors not in the run's generator: {unknown[:5]}")
    return {**saved, **averaged}


def generator_prior(run: Path, generator: Path, out: Path, buffers: Path = None) -> None:
    source = model_folder(run)
    staged = out.with_name(out.name + ".staging")
    if staged.exists():
        shutil.rmtree(staged)
    shutil.copytree(source, staged)
    run_folder = buffers or (generator if generator.is_dir() else generator.parent.parent)
    shutil.copy(run_folder / "model" / "stylegan.json", staged / "generator" / "stylegan.json")
    save_file(generator_weights(generator, buffers), str(staged / "generator" / "generator.safetensors"))
    variant(staged, out, sigma_zero=False, original_mapping=True, prior=True)
    shutil.rmtree(staged)


def generator_folder(checkpoint: Path, out: Path, buffers: Path = None) -> None:
    run_folder = buffers or checkpoint.parent.parent
    (out / "model").mkdir(parents=True, exist_ok=True)
    shutil.copy(run_folder / "model" / "stylegan.json", out / "model" / "stylegan.json")
    save_file(generator_weights(checkpoint, buffers), str(out / "model" / "generator.safetensors"))
    (out / "source.txt").write_text(f"g_ema of {checkpoint}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("drift")
    d.add_argument("run", type=Path)
    v = commands.add_parser("variant")
    v.add_argument("run", type=Path)
    v.add_argument("out", type=Path)
    v.add_argument("--sigma-zero", action="store_true")
    v.add_argument("--original-mapping", action="store_true")
    v.add_argument("--prior", action="store_true")
    g = commands.add_parser("generator-prior")
    g.add_argument("run", type=Path)
    g.add_argument("generator", type=Path)
    g.add_argument("out", type=Path)
    g.add_argument("--buffers", type=Path, default=None)
    f = commands.add_parser("generator-folder")
    f.add_argument("checkpoint", type=Path)
    f.add_argument("out", type=Path)
    f.add_argument("--buffers", type=Path, default=None)
    args = parser.parse_args()
    if args.command == "drift":
        print(json.dumps(drift(args.run), indent=1))
    elif args.command == "generator-folder":
        generator_folder(args.checkpoint, args.out, args.buffers)
    elif args.command == "generator-prior":
        generator_prior(args.run, args.generator, args.out, args.buffers)
    else:
        variant(args.run, args.out, args.sigma_zero, args.original_mapping, args.prior)


if __name__ == "__main__":
    main()
