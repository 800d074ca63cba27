import Checkpoint
import Foundation

/// A training run as one JSON file, read by `clipkit train --config FILE.json`. Every field is
/// optional and has the default given here; unknown keys are rejected so typos surface.
///
/// ```json
/// {
///   "task": "triplet",
///   "seed": 0,
///   "output": "runs/fashion-triplet",
///   "training": {"steps": 3000, "steps_per_epoch": 500, "log_interval": 50, "checkpoint_interval": 1000,
///                "validate_each_epoch": true, "quiet": false,
///                "gradient_clipping": {"mode": "per_tensor", "max_norm": 5}},
///   "optimizer": {"kind": "adam", "learning_rate": 1e-4, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7,
///                 "weight_decay": 0},
///   "schedule": {"kind": "constant"},
///   "triplet": {
///     "data": {"source": "fashion_mnist", "directory": "/usr/share/datasets/fashion-mnist",
///              "train_per_class": null, "test_per_class": null},
///     "backbone": {"kind": "small_cnn", "small_cnn": {"input_channels": 1, "channels": [16, 32, 64],
///                  "batch_normalization": true}},
///     "head": {"hidden_width": 1024, "embedding_width": 128, "hidden_activation": "relu",
///              "output_activation": "sigmoid"},
///     "objective": {"kind": "lossless", "width": 128, "beta": 128, "epsilon": 1e-8},
///     "triplets_per_batch": 32, "flip_probability": 0,
///     "evaluation": {"triplets": 10000, "seed": 2024, "threshold": 64, "validation_per_class": 200}
///   }
/// }
/// ```
///
/// - `task`: `triplet` (the Siamese triplet network), `contrastive` (fine-tune a CLIP-family model
///   with symmetric InfoNCE; `contrastive.locking` gives LiT and projections-only tuning) or
///   `clip_from_scratch` (train a CLIP architecture from random weights). Default `triplet`.
/// - `seed`: seeds initialisation, data order, triplet sampling and augmentation. Default 0.
/// - `output`: folder for `metrics.csv`, `metrics.svg`, `checkpoints/`, `model.safetensors`,
///   `configuration.json` and `evaluation.json` (nil: `runs/<task>`).
/// - `training`: see `LoopConfiguration` (steps, steps_per_epoch, log_interval,
///   checkpoint_interval, validate_each_epoch, gradient_clipping {mode global|per_tensor, max_norm}, quiet).
/// - `optimizer`: see `OptimizerConfiguration` (kind adam|adamw|sgd, learning_rate, beta1, beta2,
///   epsilon, weight_decay, momentum).
/// - `schedule`: see `ScheduleConfiguration` (kind constant|cosine|step, warmup_steps, minimum,
///   step_size, factor).
/// - `triplet`: see `TripletTaskConfiguration` (used by task `triplet`).
/// - `contrastive`: see `ContrastiveTaskConfiguration` (used by `contrastive` and `clip_from_scratch`).
/// - `diffusion`: see `DiffusionTaskConfiguration` (used by `diffusion`, a text-conditioned U-Net
///   from scratch, and `ip_adapter`, an IP-Adapter on a frozen U-Net; both run by the Generation target).
/// - `sa_clip`: see `RelationTaskConfiguration` (used by `sa_clip`, relation-aware CLIP).
/// - `stylegan`: see `StyleGANTaskConfiguration` (used by `stylegan`, StyleGAN2 pretraining; run by
///   the Generation target).
/// - `captioner`: see `CaptionerTaskConfiguration` (used by `captioner`, the text-to-face
///   captioner and face attribute classifier; run by the Generation target).
/// - `text2face`: see `TextToFaceTaskConfiguration` (used by `text2face`, the text → w mapping
///   trained through a frozen StyleGAN2 generator and captioner; run by the Generation target).
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public enum Task: String, Codable, Sendable, CaseIterable {
        case triplet
        case contrastive
        case clipFromScratch = "clip_from_scratch"
        case diffusion
        case ipAdapter = "ip_adapter"
        case saCLIP = "sa_clip"
        case stylegan
        case captioner
        case text2face
    }

    public var task: Task
    public var seed: UInt64
    public var output: String?
    public var training: LoopConfiguration
    public var optimizer: OptimizerConfiguration
    public var schedule: ScheduleConfiguration
    public var triplet: TripletTaskConfiguration
    public var contrastive: ContrastiveTaskConfiguration
    public var diffusion: DiffusionTaskConfiguration
    public var saCLIP: RelationTaskConfiguration
    public var stylegan: StyleGANTaskConfiguration
    public var captioner: CaptionerTaskConfiguration
    public var text2face: TextToFaceTaskConfiguration

    public init(task: Task = .triplet, seed: UInt64 = 0, output: String? = nil, training: LoopConfiguration = LoopConfiguration(),
                optimizer: OptimizerConfiguration = OptimizerConfiguration(), schedule: ScheduleConfiguration = ScheduleConfiguration(),
                triplet: TripletTaskConfiguration = TripletTaskConfiguration(),
                contrastive: ContrastiveTaskConfiguration = ContrastiveTaskConfiguration(),
                diffusion: DiffusionTaskConfiguration = DiffusionTaskConfiguration(),
                saCLIP: RelationTaskConfiguration = RelationTaskConfiguration(),
                stylegan: StyleGANTaskConfiguration = StyleGANTaskConfiguration(),
                captioner: CaptionerTaskConfiguration = CaptionerTaskConfiguration(),
                text2face: TextToFaceTaskConfiguration = TextToFaceTaskConfiguration()) {
        self.task = task
        self.seed = seed
        self.output = output
        self.training = training
        self.optimizer = optimizer
        self.schedule = schedule
        self.triplet = triplet
        self.contrastive = contrastive
        self.diffusion = diffusion
        self.saCLIP = saCLIP
        self.stylegan = stylegan
        self.captioner = captioner
        self.text2face = text2face
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case task, seed, output, training, optimizer, schedule, triplet, contrastive, diffusion, saCLIP = "sa_clip", stylegan, captioner, text2face
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TrainingConfiguration()
        task = try container.decodeIfPresent(Task.self, forKey: .task) ?? defaults.task
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        output = try container.decodeIfPresent(String.self, forKey: .output)
        training = try container.decodeIfPresent(LoopConfiguration.self, forKey: .training) ?? defaults.training
        optimizer = try container.decodeIfPresent(OptimizerConfiguration.self, forKey: .optimizer) ?? defaults.optimizer
        schedule = try container.decodeIfPresent(ScheduleConfiguration.self, forKey: .schedule) ?? defaults.schedule
        triplet = try container.decodeIfPresent(TripletTaskConfiguration.self, forKey: .triplet) ?? defaults.triplet
        contrastive = try container.decodeIfPresent(ContrastiveTaskConfiguration.self, forKey: .contrastive) ?? defaults.contrastive
        diffusion = try container.decodeIfPresent(DiffusionTaskConfiguration.self, forKey: .diffusion) ?? defaults.diffusion
        saCLIP = try container.decodeIfPresent(RelationTaskConfiguration.self, forKey: .saCLIP) ?? defaults.saCLIP
        stylegan = try container.decodeIfPresent(StyleGANTaskConfiguration.self, forKey: .stylegan) ?? defaults.stylegan
        captioner = try container.decodeIfPresent(CaptionerTaskConfiguration.self, forKey: .captioner) ?? defaults.captioner
        text2face = try container.decodeIfPresent(TextToFaceTaskConfiguration.self, forKey: .text2face) ?? defaults.text2face
    }

    /// Reads a configuration file, rejecting keys no configuration type knows.
    public static func load(contentsOf url: URL) throws -> TrainingConfiguration {
        let data: Foundation.Data
        do { data = try Foundation.Data(contentsOf: url) } catch {
            throw TrainingError.invalidConfiguration("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try decode(data, source: url.path)
    }

    /// Decodes configuration JSON; `source` names it in errors.
    public static func decode(_ data: Foundation.Data, source: String = "configuration") throws -> TrainingConfiguration {
        let configuration: TrainingConfiguration
        do { configuration = try JSONDecoder().decode(TrainingConfiguration.self, from: data) } catch let error as DecodingError {
            throw TrainingError.invalidConfiguration("\(source): \(error.oneLineReason)")
        }
        // Unknown keys: compare the file against the fully written-out configuration.
        let known = try JSONSerialization.jsonObject(with: try configuration.encoded())
        let given = try JSONSerialization.jsonObject(with: data)
        if let unknown = Self.unknownKeys(given, known: known, path: "").first {
            throw TrainingError.invalidConfiguration("\(source): unknown key \(unknown)")
        }
        do { try configuration.validate() } catch let TrainingError.invalidConfiguration(reason) {
            throw TrainingError.invalidConfiguration("\(source): \(reason)")
        }
        return configuration
    }

    /// Pretty JSON with every field written out (nil fields are omitted).
    public func encoded() throws -> Foundation.Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    static func unknownKeys(_ given: Any, known: Any, path: String) -> [String] {
        guard let givenObject = given as? [String: Any] else { return [] }
        guard let knownObject = known as? [String: Any] else { return [] }
        var result: [String] = []
        for (key, value) in givenObject {
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            if let knownValue = knownObject[key] {
                result += unknownKeys(value, known: knownValue, path: keyPath)
            } else if !(Self.optionalKeys[path.isEmpty ? "" : path]?.contains(key) ?? false) {
                result.append(keyPath)
            }
        }
        return result.sorted()
    }

    /// Optional keys, by the path of their object, that the encoder omits when nil.
    static let optionalKeys: [String: Set<String>] = [
        "": ["output"],
        "training": ["steps_per_epoch", "checkpoint_interval", "gradient_clipping"],
        "triplet": ["normalization"],
        "triplet.backbone": ["resnet", "weights"],
        "triplet.backbone.resnet": ["num_classes"],
        "triplet.data": ["directory", "train_folder", "test_folder", "train_per_class", "test_per_class"],
        "triplet.objective": ["width", "beta"],
        "triplet.evaluation": ["threshold", "validation_per_class"],
        "contrastive": ["model", "tokenizer", "embedding_width", "preprocessing"],
        "contrastive.data": ["path", "validation_path"],
        "contrastive.augmentation": ["crop_scale"],
        "diffusion": ["unet_config", "scheduler_config", "base_model", "ema_decay"],
        "diffusion.data": ["validation_people", "validation_items"],
        "captioner.data": ["validation_people", "validation_items"],
        "text2face": ["log_variance_bias"],
        "text2face.data": ["validation_people", "validation_items"],
        "diffusion.adapter": ["initial_adapter"],
        "sa_clip": ["input_size"],
        "sa_clip.data": ["path", "validation_path", "image_root", "instances_path", "validation_instances_path"],
    ]
}
