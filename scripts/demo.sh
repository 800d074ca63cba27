#!/usr/bin/env bash
# The main job on the embedded default model, run by `make demo` after setup and a release build:
# export Fashion-MNIST test images as PNGs, index them with scikit-image's sample photos using
# clipkit-default, and search the collection by text and by example image.
#
# DEMO_FASHION_COUNT (default 1000) is how many Fashion-MNIST test images are indexed: the whole
# demo, build included, must finish within 10 minutes on two cores, and clipkit-default embedded
# the 10,000 test images in 950 s there (10.5 images/s, `clipkit eval zeroshot` on the full test
# split while other jobs shared the cores; 1,000 take 40-80 s). DEMO_DIR (default a fresh folder
# under ${TMPDIR:-/tmp}) keeps the exported images and the store; rerunning on the same DEMO_DIR
# skips what is already indexed.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIPKIT_HOME="${CLIPKIT_HOME:-$HOME/.cache/clipkit}"
export CLIPKIT_HOME
packages="$CLIPKIT_HOME/packages"
clipkit="$PWD/.build/release/clipkit"
fashion_count="${DEMO_FASHION_COUNT:-1000}"
work="${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/clipkit-demo.XXXXXX")}"
images="$work/images"
db="$work/demo.sqlite"
started=$SECONDS

echo "== CLIPKit $("$clipkit" --version): the embedded default model, clipkit-default"
echo "   ConSE (Norouzi et al. 2014): EfficientNet-Lite0 ImageNet probabilities, top 10 classes, weighted"
echo "   sum of all-MiniLM-L6-v2 embeddings of \"a photo of a {class}.\"; texts embedded by MiniLM."
echo "   Working folder: $work"
echo

echo "== Fashion-MNIST test images as PNG files in class folders (the first $fashion_count of 10,000)"
if [ "$fashion_count" -lt 10000 ]; then
    echo "   A subset, to stay within 10 minutes: clipkit-default took 16 minutes for all 10,000 on a shared"
    echo "   2-core machine (10.5 images/s, 10 CPU-minutes). DEMO_FASHION_COUNT=10000 make demo indexes them all."
fi
"$clipkit" export fashion-mnist --split test --limit "$fashion_count" --out "$images/fashion-mnist"
# A training image as an image query: not in the index, so its neighbours are other images.
"$clipkit" export fashion-mnist --split train --limit 1 --out "$work/query" > /dev/null 2>&1
query_image=$(find "$work/query" -name '*.png' | head -n 1)
echo

echo "== scikit-image's sample photos"
mkdir -p "$images/photos"
for photo in "$packages"/skimage/data/*.png "$packages"/skimage/data/*.jpg; do
    cp -p "$photo" "$images/photos/"
done
ls "$images/photos" | tr '\n' ' '
echo
echo

echo "== Index $fashion_count Fashion-MNIST images and $(ls "$images/photos" | wc -l) photos with clipkit-default"
"$clipkit" index "$images" --model clipkit-default --db "$db"
echo

# Text queries, each with the folder or photo where the right kind of image lives.
queries=("a cat" "a cup of coffee" "a rocket" "ankle boots" "a handbag")
expected=("photos/chelsea" "photos/coffee" "photos/rocket" "fashion-mnist/Ankle boot/" "fashion-mnist/Bag/")
for index in "${!queries[@]}"; do
    echo "== clipkit search --db demo.sqlite --text \"${queries[$index]}\" -k 5"
    "$clipkit" search --db "$db" --text "${queries[$index]}" -k 5
    rank=$("$clipkit" search --db "$db" --text "${queries[$index]}" -k 200 --format csv 2>/dev/null \
        | tail -n +2 | grep -n -F -m 1 "${expected[$index]}" | cut -d: -f1 || true)
    echo "   first ${expected[$index]} image at rank ${rank:-beyond 200}"
    echo
done

query_class=$(basename "$(dirname "$query_image")")
echo "== clipkit search --db demo.sqlite --image $(basename "$query_image") -k 5   (a Fashion-MNIST training image: $query_class)"
"$clipkit" search --db "$db" --image "$query_image" -k 5
same=$("$clipkit" search --db "$db" --image "$query_image" -k 10 --format csv 2>/dev/null | tail -n +2 \
    | grep -c -F "fashion-mnist/$query_class/" || true)
echo "   $same of the 10 nearest images are $query_class"
echo

echo "== Done in $((SECONDS - started)) s (after the build)."
echo "Continue with:"
echo "  $clipkit search --db $db --text \"a striped shirt\" -k 10"
echo "  $clipkit search --db $db --image YOUR_PHOTO.jpg"
echo "  $clipkit index ~/Pictures --db photos.db          # your own photos, incremental and resumable"
echo "  $clipkit eval zeroshot --model clipkit-default --dataset fashion-mnist --limit 1000"
echo "  $clipkit models pull openai/clip-vit-base-patch32  # a real CLIP, where the Hugging Face hub is reachable;"
echo "      then index with --model openai/clip-vit-base-patch32"
