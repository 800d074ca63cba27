#!/usr/bin/env python3
"""PyTorch reference timings for clipkit-bench; prints one JSON object on its last line.

Usage: bench_reference.py engine --threads 2 [--matrix-size 2048] [--minimum-seconds 1]
Measures exactly what the matching Swift benchmark measures, with the same shapes, the same
thread count and the same best-of-repeats estimator.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


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
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", choices=["engine"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--matrix-size", type=int, default=2048)
    parser.add_argument("--minimum-seconds", type=float, default=1.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with torch.inference_mode():
        results = {"engine": engine}[args.benchmark](args)
    results["torch_version_major"] = int(torch.__version__.split(".")[0])
    print(json.dumps(results))


if __name__ == "__main__":
    main()
