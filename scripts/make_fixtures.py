#!/usr/bin/env python3
"""Writes CLIPKit's golden test files under Tests/Fixtures from the reference implementations.

Developers run this by hand in a reference virtual environment (torch, torchvision, pillow,
numpy, safetensors, ...); CI never runs it. Each module in scripts/fixtures/ contributes one
group of fixtures through a `make(root: pathlib.Path)` function:

    python3 scripts/make_fixtures.py            # every group
    python3 scripts/make_fixtures.py ops imaging  # only these groups

Outputs are deterministic (fixed seeds), so re-running changes no committed file unless a
reference library changed its numbers.
"""
import importlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "Fixtures"


def main() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    available = sorted(p.stem for p in (ROOT / "scripts" / "fixtures").glob("*.py") if p.stem != "__init__")
    chosen = sys.argv[1:] or available
    for name in chosen:
        if name not in available:
            sys.exit(f"unknown fixture group {name!r}; known: {', '.join(available)}")
        module = importlib.import_module(f"fixtures.{name}")
        out = FIXTURES / name
        out.mkdir(parents=True, exist_ok=True)
        print(f"[{name}] writing {out.relative_to(ROOT)}")
        module.make(out)


if __name__ == "__main__":
    main()
