/// The `sa_clip` section: relation-aware CLIP (SA-CLIP, Li, Shao, Rajapaksha & Crespi 2025)
/// trained by `Relations.RelationTraining` on the `Trainer`. Defaults follow the paper where it
/// says (AdamW, lr 5e-4 in the `optimizer` section, a locked image tower, L_u + L_v + L_triplet)
/// and fit two CPU cores otherwise (batch, widths, data size).
public struct RelationTaskConfiguration: Codable, Sendable, Equatable {
    /// Where examples come from.
    public struct Data: Codable, Sendable, Equatable {
        public enum Source: String, Codable, Sendable {
            /// Generated in memory from `seed`: CLEVR-style spatial scenes (train: unseen shape–colour
            /// combinations held out; validation: held-out scenes) plus traffic frames.
            case scenes
            /// A Visual Spatial Reasoning JSON-lines file with boxes (`clipkit export scenes`);
            /// the label-1 lines are the examples, triples mined from their captions.
            case vsrJSONL = "vsr_jsonl"
            /// COCO captions (`path`, `validation_path`) with COCO instances (`instances_path`,
            /// `validation_instances_path`): triples mined and grounded to boxes by category name.
            case coco
        }
        public var source: Source
        /// Training spatial scenes. Default 2400.
        public var spatialCount: Int
        /// Training traffic frames mixed in. Default 0.
        public var trafficCount: Int
        /// Held-out spatial scenes for validation and evaluation. Default 400.
        public var validationCount: Int
        /// Held-out traffic frames for the anomaly evaluation. Default 0.
        public var trafficValidationCount: Int
        /// Image side in pixels. Default 128.
        public var imageSize: Int
        /// Fraction of shape–colour combinations kept out of training. Default 0.25.
        public var heldOutFraction: Double
        /// Spatial configurations kept out of training ("front-left", "behind-right"; closed under
        /// opposites); held-out scenes still show all eight and are also reported per part
        /// (seen and held-out configurations). Default none.
        public var heldOutConfigurations: [String]?
        /// Fraction of the training scenes in a diagonal configuration whose caption states one of
        /// its two axes instead ("in front of" or "to the right of" for front-right; the negative
        /// flips that axis), seeded; `SpatialScenes.withSingleAxisCaptions`. Both statements are
        /// true of the scene, and the two words of a diagonal phrase, which otherwise always occur
        /// together, are each grounded on their own. Images are unchanged (the feature cache is
        /// shared with runs without it). Default none (0): every caption states its configuration.
        public var singleAxisCaptions: Double?
        /// Generated traffic: every cyclist frame also shows a car ahead in the cyclist's lane,
        /// driving the lane's way (followed with the traffic, head-on against it), and the
        /// cyclist's statements name it: "A cyclist is following the car." / "A cyclist is facing
        /// the oncoming car." (Eq. 11's descriptions too); `TrafficScenes.cyclistLaneCar`. Default
        /// none (false): the cyclist alone, "riding with / against the traffic".
        public var cyclistLaneCar: Bool?
        /// `vsr_jsonl`: the training file and an optional validation file; images are resolved
        /// against `image_root` (default: each file's folder).
        public var path: String?
        public var validationPath: String?
        public var imageRoot: String?
        /// `coco`: the instances files matching `path` and `validation_path`.
        public var instancesPath: String?
        public var validationInstancesPath: String?

        public init(source: Source = .scenes, spatialCount: Int = 2400, trafficCount: Int = 0, validationCount: Int = 400,
                    trafficValidationCount: Int = 0, imageSize: Int = 128, heldOutFraction: Double = 0.25, heldOutConfigurations: [String]? = nil,
                    singleAxisCaptions: Double? = nil, cyclistLaneCar: Bool? = nil, path: String? = nil,
                    validationPath: String? = nil, imageRoot: String? = nil, instancesPath: String? = nil,
                    validationInstancesPath: String? = nil) {
            self.source = source
            self.spatialCount = spatialCount
            self.trafficCount = trafficCount
            self.validationCount = validationCount
            self.trafficValidationCount = trafficValidationCount
            self.imageSize = imageSize
            self.heldOutFraction = heldOutFraction
            self.heldOutConfigurations = heldOutConfigurations
            self.singleAxisCaptions = singleAxisCaptions
            self.cyclistLaneCar = cyclistLaneCar
            self.path = path
            self.validationPath = validationPath
            self.imageRoot = imageRoot
            self.instancesPath = instancesPath
            self.validationInstancesPath = validationInstancesPath
        }

        enum CodingKeys: String, CodingKey {
            case source, spatialCount = "spatial_count", trafficCount = "traffic_count", validationCount = "validation_count"
            case trafficValidationCount = "traffic_validation_count", imageSize = "image_size", heldOutFraction = "held_out_fraction"
            case heldOutConfigurations = "held_out_configurations", singleAxisCaptions = "single_axis_captions"
            case cyclistLaneCar = "cyclist_lane_car"
            case path, validationPath = "validation_path", imageRoot = "image_root", instancesPath = "instances_path"
            case validationInstancesPath = "validation_instances_path"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Data()
            source = try container.decodeIfPresent(Source.self, forKey: .source) ?? defaults.source
            spatialCount = try container.decodeIfPresent(Int.self, forKey: .spatialCount) ?? defaults.spatialCount
            trafficCount = try container.decodeIfPresent(Int.self, forKey: .trafficCount) ?? defaults.trafficCount
            validationCount = try container.decodeIfPresent(Int.self, forKey: .validationCount) ?? defaults.validationCount
            trafficValidationCount = try container.decodeIfPresent(Int.self, forKey: .trafficValidationCount) ?? defaults.trafficValidationCount
            imageSize = try container.decodeIfPresent(Int.self, forKey: .imageSize) ?? defaults.imageSize
            heldOutFraction = try container.decodeIfPresent(Double.self, forKey: .heldOutFraction) ?? defaults.heldOutFraction
            heldOutConfigurations = try container.decodeIfPresent([String].self, forKey: .heldOutConfigurations)
            singleAxisCaptions = try container.decodeIfPresent(Double.self, forKey: .singleAxisCaptions)
            cyclistLaneCar = try container.decodeIfPresent(Bool.self, forKey: .cyclistLaneCar)
            path = try container.decodeIfPresent(String.self, forKey: .path)
            validationPath = try container.decodeIfPresent(String.self, forKey: .validationPath)
            imageRoot = try container.decodeIfPresent(String.self, forKey: .imageRoot)
            instancesPath = try container.decodeIfPresent(String.self, forKey: .instancesPath)
            validationInstancesPath = try container.decodeIfPresent(String.self, forKey: .validationInstancesPath)
        }
    }

    /// Which samples of a batch are inter-sample positives (Eq. 9, §2.3.3).
    public enum Positives: String, Codable, Sendable {
        /// The same triple: subject and object head nouns and the relation up to synonyms
        /// ("left of", "to the left of", "on the left side of" are one relation).
        case triple
        /// The same relation, whatever the subject and object.
        case relation
    }

    /// Which regions the opposite-relation negative u′ of the triplet loss is compared with (Eq. 10).
    public enum NegativeGrounding: String, Codable, Sendable {
        /// The image's regions as the true caption grounds them: max(0, ‖v − u‖² − ‖v − u′‖² + α),
        /// the paper's Eq. 10.
        case shared
        /// Each statement's own objects, as anomaly scoring (Eq. 11) grounds every description:
        /// max(0, ‖v − u‖² − ‖v′ − u′‖² + α) with v′ the image's features with the negative's own
        /// object region (a traffic frame's "on the sidewalk" grounded to the sidewalk, not the road);
        /// rows whose negative names the caption's objects keep v′ = v.
        case own
    }

    /// Which key the inter-sample positives (Eq. 9) of a training scene whose caption states less
    /// than its configuration use: a front-right scene captioned "in front of"
    /// (`data.single_axis_captions`). Rows whose caption states their configuration are unaffected.
    public enum SingleAxisPositives: String, Codable, Sendable {
        /// The caption's triple, for L_u and L_v alike: the front-right image is a positive of the
        /// front scenes' images and a negative of the other front-right ones.
        case caption
        /// The scene's configuration, for L_u and L_v alike ("in front of" keyed as "to the front
        /// right of"): what the image shows, also for the text.
        case scene
        /// The caption's triple for L_u (the text is what it says), the scene's configuration for L_v
        /// (the image is what it shows): the text side is that of `caption`, the image side that of
        /// captions that all state their configuration.
        case sceneForImages = "scene_for_images"
        /// The caption's triple for L_u, and the row is left out of L_v (neither an anchor nor
        /// another anchor's negative; it still enters L_u and the triplet loss): a diagonal image
        /// is never grouped with the axial scenes' images nor pushed from the other diagonal ones
        /// because of what its caption leaves out, and the text keys are those of `caption`.
        case textsOnly = "texts_only"
    }

    /// The loss: weights of its terms and their settings.
    public struct Objective: Codable, Sendable, Equatable {
        /// L_u, inter-sample contrastive loss over text features (Eq. 9; "SVO" in Table 3). Default 1.
        public var textWeight: Float
        /// L_v, the same over image features ("ROI" in Table 3). Default 1.
        public var imageWeight: Float
        /// L_triplet, intra-sample max(0, ‖v − u‖² − ‖v − u′‖² + α) (Eq. 10). Default 1.
        public var tripletWeight: Float
        /// CLIP's symmetric InfoNCE between v and u (not in the paper; the baseline's only term). Default 0.
        public var contrastiveWeight: Float
        /// τ of Eq. 9. Default 0.1.
        public var temperature: Float
        /// α of Eq. 10 (u, v are unit vectors, so squared distances lie in [0, 4]). Default 0.2.
        public var margin: Float
        /// `triple` (default) or `relation`.
        public var positives: Positives
        /// Positives among the traffic frames (`triple` or `relation`); nil: as `positives`. The
        /// normal and the anomalous statement of a situation can share a relation ("a car is
        /// driving on the road / on the sidewalk"), which relation positives would pull together.
        public var trafficPositives: Positives?
        /// `shared` (default, Eq. 10) or `own`.
        public var negativeGrounding: NegativeGrounding
        /// Positives of single-axis rows: `caption` (default, as before), `scene`, `scene_for_images`
        /// or `texts_only` (caption keys for L_u, the rows left out of L_v).
        public var singleAxisPositives: SingleAxisPositives

        public init(textWeight: Float = 1, imageWeight: Float = 1, tripletWeight: Float = 1, contrastiveWeight: Float = 0,
                    temperature: Float = 0.1, margin: Float = 0.2, positives: Positives = .triple, trafficPositives: Positives? = nil,
                    negativeGrounding: NegativeGrounding = .shared, singleAxisPositives: SingleAxisPositives = .caption) {
            self.textWeight = textWeight
            self.imageWeight = imageWeight
            self.tripletWeight = tripletWeight
            self.contrastiveWeight = contrastiveWeight
            self.temperature = temperature
            self.margin = margin
            self.positives = positives
            self.trafficPositives = trafficPositives
            self.negativeGrounding = negativeGrounding
            self.singleAxisPositives = singleAxisPositives
        }

        enum CodingKeys: String, CodingKey {
            case textWeight = "text_weight", imageWeight = "image_weight", tripletWeight = "triplet_weight"
            case contrastiveWeight = "contrastive_weight", temperature, margin, positives, trafficPositives = "traffic_positives"
            case negativeGrounding = "negative_grounding", singleAxisPositives = "single_axis_positives"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Objective()
            textWeight = try container.decodeIfPresent(Float.self, forKey: .textWeight) ?? defaults.textWeight
            imageWeight = try container.decodeIfPresent(Float.self, forKey: .imageWeight) ?? defaults.imageWeight
            tripletWeight = try container.decodeIfPresent(Float.self, forKey: .tripletWeight) ?? defaults.tripletWeight
            contrastiveWeight = try container.decodeIfPresent(Float.self, forKey: .contrastiveWeight) ?? defaults.contrastiveWeight
            temperature = try container.decodeIfPresent(Float.self, forKey: .temperature) ?? defaults.temperature
            margin = try container.decodeIfPresent(Float.self, forKey: .margin) ?? defaults.margin
            positives = try container.decodeIfPresent(Positives.self, forKey: .positives) ?? defaults.positives
            trafficPositives = try container.decodeIfPresent(Positives.self, forKey: .trafficPositives)
            negativeGrounding = try container.decodeIfPresent(NegativeGrounding.self, forKey: .negativeGrounding) ?? defaults.negativeGrounding
            singleAxisPositives = try container.decodeIfPresent(SingleAxisPositives.self, forKey: .singleAxisPositives)
                ?? defaults.singleAxisPositives
        }
    }

    /// How a region's feature and its box embedding are combined (Eq. 6).
    public enum RegionEncoding: String, Codable, Sendable {
        /// f_v(ROI) + Embed(box), Eq. 6 as written.
        case sum
        /// (LayerNorm(W_F · f_v(ROI) + b_F) + Embed(box)) / 2, LXMERT's visual feature encoder,
        /// which Eq. 6 cites: both parts at unit scale.
        case lxmert
    }

    /// How the two regions become r_roi (Eq. 7).
    public enum RegionFusion: String, Codable, Sendable {
        /// W_roi · Concat(r̂_subject, r̂_object) + b_roi, Eq. 7.
        case linear
        /// Eq. 7 plus W_2 · GELU(W_1 · Concat(r̂_subject, r̂_object) + b_1) + b_2 (not in the
        /// paper): r_roi can combine a region's appearance with its box or the other region.
        case mlp
    }

    public var data: Data
    /// The towers: "clipkit-default" (EfficientNet-Lite0 + all-MiniLM-L6-v2, new projections) or
    /// any reference `ModelRegistry` resolves (its own projections). Default clipkit-default.
    public var model: String
    /// SA-CLIP's relation features in u and v (Eqs. 4–8); false gives the plain dual-encoder
    /// baseline. Default true.
    public var relationFeatures: Bool
    /// Width of the sentence and image projections for towers without a shared space. Default 256.
    public var embeddingWidth: Int
    /// Width of r_svo and r_roi. Default 256.
    public var relationWidth: Int
    /// Anchors per batch N; each gets an inter-sample positive, so a batch holds 2N examples. Default 32.
    public var anchorsPerBatch: Int
    /// Freeze the image tower (the paper's locked tuning). Default true.
    public var locksImageTower: Bool
    public var objective: Objective
    /// Share of a region's size added around it before it is cropped and encoded. Default 0.15.
    public var regionMargin: Double
    /// Side the image tower sees (whole images and region crops squashed to it; nil: the tower's
    /// own preprocessing). Towers that pool globally (EfficientNet) take any size; smaller inputs
    /// make encoding the regions much cheaper.
    public var inputSize: Int?
    /// `sum` (default) or `lxmert`.
    public var regionEncoding: RegionEncoding
    /// Learning-rate scale of the layers SA-CLIP adds (projections, r_svo, r_roi, box and region
    /// embeddings) against the towers' (the optimiser's learning rate). Default 1.
    public var headsLearningRateScale: Float
    /// Trailing blocks of a locked image tower that train anyway, with its head (EfficientNet:
    /// `blocks.<i>`, `conv_head`, `bn1`; batch norms keep their running statistics): the locked
    /// prefix's feature maps are computed once and only the suffix runs in training. Needs a
    /// `SplitImageEncoder`. Default 0 (the paper's fully locked tower).
    public var unlockedImageBlocks: Int
    /// `linear` (default, Eq. 7) or `mlp`.
    public var regionFusion: RegionFusion

    public init(data: Data = Data(), model: String = "clipkit-default", relationFeatures: Bool = true, embeddingWidth: Int = 256,
                relationWidth: Int = 256, anchorsPerBatch: Int = 32, locksImageTower: Bool = true, objective: Objective = Objective(),
                regionMargin: Double = 0.15, inputSize: Int? = nil, regionEncoding: RegionEncoding = .sum,
                headsLearningRateScale: Float = 1, unlockedImageBlocks: Int = 0, regionFusion: RegionFusion = .linear) {
        self.data = data
        self.model = model
        self.relationFeatures = relationFeatures
        self.embeddingWidth = embeddingWidth
        self.relationWidth = relationWidth
        self.anchorsPerBatch = anchorsPerBatch
        self.locksImageTower = locksImageTower
        self.objective = objective
        self.regionMargin = regionMargin
        self.inputSize = inputSize
        self.regionEncoding = regionEncoding
        self.headsLearningRateScale = headsLearningRateScale
        self.unlockedImageBlocks = unlockedImageBlocks
        self.regionFusion = regionFusion
    }

    enum CodingKeys: String, CodingKey {
        case data, model, relationFeatures = "relation_features", embeddingWidth = "embedding_width", relationWidth = "relation_width"
        case anchorsPerBatch = "anchors_per_batch", locksImageTower = "locks_image_tower", objective, regionMargin = "region_margin"
        case inputSize = "input_size", regionEncoding = "region_encoding"
        case headsLearningRateScale = "heads_learning_rate_scale", unlockedImageBlocks = "unlocked_image_blocks"
        case regionFusion = "region_fusion"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RelationTaskConfiguration()
        data = try container.decodeIfPresent(Data.self, forKey: .data) ?? defaults.data
        model = try container.decodeIfPresent(String.self, forKey: .model) ?? defaults.model
        relationFeatures = try container.decodeIfPresent(Bool.self, forKey: .relationFeatures) ?? defaults.relationFeatures
        embeddingWidth = try container.decodeIfPresent(Int.self, forKey: .embeddingWidth) ?? defaults.embeddingWidth
        relationWidth = try container.decodeIfPresent(Int.self, forKey: .relationWidth) ?? defaults.relationWidth
        anchorsPerBatch = try container.decodeIfPresent(Int.self, forKey: .anchorsPerBatch) ?? defaults.anchorsPerBatch
        locksImageTower = try container.decodeIfPresent(Bool.self, forKey: .locksImageTower) ?? defaults.locksImageTower
        objective = try container.decodeIfPresent(Objective.self, forKey: .objective) ?? defaults.objective
        regionMargin = try container.decodeIfPresent(Double.self, forKey: .regionMargin) ?? defaults.regionMargin
        inputSize = try container.decodeIfPresent(Int.self, forKey: .inputSize)
        regionEncoding = try container.decodeIfPresent(RegionEncoding.self, forKey: .regionEncoding) ?? defaults.regionEncoding
        headsLearningRateScale = try container.decodeIfPresent(Float.self, forKey: .headsLearningRateScale) ?? defaults.headsLearningRateScale
        unlockedImageBlocks = try container.decodeIfPresent(Int.self, forKey: .unlockedImageBlocks) ?? defaults.unlockedImageBlocks
        regionFusion = try container.decodeIfPresent(RegionFusion.self, forKey: .regionFusion) ?? defaults.regionFusion
    }
}
