extension TrainingConfiguration {
    /// Checks every numeric field of the sections the task uses, so that a zero batch, a negative
    /// width or a negative step count is a clear message naming the field instead of a trap deep in
    /// a layer (or a run that silently does nothing). Throws `TrainingError.invalidConfiguration`
    /// listing every problem found. Called when a file is read, after command-line overrides, and by
    /// the tasks before they build anything.
    public func validate() throws {
        var check = FieldCheck()
        check.loop(training)
        check.optimizer(optimizer)
        check.schedule(schedule)
        switch task {
        case .triplet: check.triplet(triplet)
        case .contrastive, .clipFromScratch: check.contrastive(contrastive, fromScratch: task == .clipFromScratch)
        case .diffusion, .ipAdapter: check.diffusion(diffusion, adapter: task == .ipAdapter)
        case .saCLIP: check.relations(saCLIP)
        case .stylegan: check.stylegan(stylegan)
        case .captioner: check.captioner(captioner)
        case .text2face: check.textToFace(text2face)
        }
        if !check.problems.isEmpty {
            throw TrainingError.invalidConfiguration(check.problems.joined(separator: "; "))
        }
    }

    /// `validate()`, after checking that the task is one of those `runner` runs, so that a
    /// configuration given to the wrong training is refused by name instead of silently reading
    /// another task's default section.
    public func validate(forTasks tasks: Set<Task>, runner: String) throws {
        guard tasks.contains(task) else {
            let names = tasks.map(\.rawValue).sorted()
            let plural = names.count > 1 ? "s" : ""
            throw TrainingError.invalidConfiguration("\(runner) runs the task\(plural) \(names.joined(separator: " and ")), not \(task.rawValue)")
        }
        try validate()
    }
}

/// The problems found so far, one sentence each naming the field by its JSON path.
struct FieldCheck {
    var problems: [String] = []

    mutating func require(_ condition: Bool, _ field: String, _ rule: String, _ value: Any) {
        if !condition { problems.append("\(field) must be \(rule) (got \(value))") }
    }

    mutating func atLeast<Value: Comparable>(_ value: Value, _ minimum: Value, _ field: String) {
        require(value >= minimum, field, "at least \(minimum)", value)
    }

    mutating func positive(_ value: Float, _ field: String) {
        require(value.isFinite && value > 0, field, "a positive number", value)
    }

    mutating func nonNegative(_ value: Float, _ field: String) {
        require(value.isFinite && value >= 0, field, "zero or more", value)
    }

    mutating func probability<Value: BinaryFloatingPoint>(_ value: Value, _ field: String) {
        require(value >= 0 && value <= 1, field, "between 0 and 1", value)
    }

    mutating func relations(_ relations: RelationTaskConfiguration) {
        let data = relations.data
        atLeast(data.spatialCount, 0, "sa_clip.data.spatial_count")
        atLeast(data.trafficCount, 0, "sa_clip.data.traffic_count")
        atLeast(data.validationCount, 0, "sa_clip.data.validation_count")
        atLeast(data.trafficValidationCount, 0, "sa_clip.data.traffic_validation_count")
        atLeast(data.imageSize, 16, "sa_clip.data.image_size")
        probability(data.heldOutFraction, "sa_clip.data.held_out_fraction")
        if let fraction = data.singleAxisCaptions { probability(fraction, "sa_clip.data.single_axis_captions") }
        atLeast(relations.embeddingWidth, 1, "sa_clip.embedding_width")
        atLeast(relations.relationWidth, 1, "sa_clip.relation_width")
        atLeast(relations.anchorsPerBatch, 2, "sa_clip.anchors_per_batch")
        atLeast(relations.unlockedImageBlocks, 0, "sa_clip.unlocked_image_blocks")
        require(relations.regionMargin >= 0 && relations.regionMargin < 1, "sa_clip.region_margin", "in [0, 1)", relations.regionMargin)
        if let size = relations.inputSize { atLeast(size, 16, "sa_clip.input_size") }
        positive(relations.headsLearningRateScale, "sa_clip.heads_learning_rate_scale")
        let objective = relations.objective
        nonNegative(objective.textWeight, "sa_clip.objective.text_weight")
        nonNegative(objective.imageWeight, "sa_clip.objective.image_weight")
        nonNegative(objective.tripletWeight, "sa_clip.objective.triplet_weight")
        nonNegative(objective.contrastiveWeight, "sa_clip.objective.contrastive_weight")
        positive(objective.temperature, "sa_clip.objective.temperature")
        nonNegative(objective.margin, "sa_clip.objective.margin")
    }

    mutating func captioner(_ captioner: CaptionerTaskConfiguration) {
        captionedImages(captioner.data, section: "captioner")
        atLeast(captioner.data.imageSize, 32, "captioner.data.image_size")
        atLeast(captioner.embeddingWidth, 1, "captioner.embedding_width")
        atLeast(captioner.hiddenWidth, 1, "captioner.hidden_width")
        atLeast(captioner.attentionWidth, 1, "captioner.attention_width")
        nonNegative(captioner.attentionPenalty, "captioner.attention_penalty")
        atLeast(captioner.batchSize, 1, "captioner.batch_size")
        atLeast(captioner.minimumWordCount, 1, "captioner.minimum_word_count")
        atLeast(captioner.beamWidth, 1, "captioner.beam_width")
        atLeast(captioner.attributeSteps, 0, "captioner.attribute_steps")
        positive(captioner.attributeLearningRate, "captioner.attribute_learning_rate")
    }

    mutating func textToFace(_ section: TextToFaceTaskConfiguration) {
        captionedImages(section.data, section: "text2face")
        require(!section.generator.isEmpty, "text2face.generator", "a stylegan run folder", section.generator)
        require(section.supervision == .clipSimilarity || !section.captioner.isEmpty, "text2face.captioner", "a captioner run folder",
                section.captioner)
        require(!section.textModel.isEmpty, "text2face.text_model", "a registry model name", section.textModel)
        nonNegative(section.klWeight, "text2face.kl_weight")
        nonNegative(section.supervisionWeight, "text2face.supervision_weight")
        atLeast(section.batchSize, 1, "text2face.batch_size")
        require(section.truncation.isFinite, "text2face.truncation", "a number", section.truncation)
        atLeast(section.validationCaptions, 0, "text2face.validation_captions")
        if let bias = section.logVarianceBias { require(bias.isFinite, "text2face.log_variance_bias", "a number", bias) }
        nonNegative(section.mappingLearningRateScale, "text2face.mapping_learning_rate_scale")
        atLeast(section.sampleCount, 1, "text2face.sample_count")
    }

    /// The captioned-image data of the `diffusion`, `captioner` and `text2face` sections: the
    /// ranges of the chosen source (`CaptionedImageSource`).
    mutating func captionedImages(_ data: DiffusionTaskConfiguration.Data, section: String) {
        switch data.source {
        case .personFolders:
            folderRange(data.people, "\(section).data.people")
            if let validation = data.validationPeople { folderRange(validation, "\(section).data.validation_people") }
        case .fashionMNIST:
            fashionItems(data.items, split: "training", "\(section).data.items")
            if let validation = data.validationItems { fashionItems(validation, split: "test", "\(section).data.validation_items") }
        }
        atLeast(data.imageSize, 8, "\(section).data.image_size")
        require(data.channels == 1 || data.channels == 3, "\(section).data.channels", "1 or 3", data.channels)
    }

    mutating func diffusion(_ diffusion: DiffusionTaskConfiguration, adapter trainsAdapter: Bool) {
        captionedImages(diffusion.data, section: "diffusion")
        require(diffusion.data.source == .personFolders, "diffusion.data.source", "person_folders (the diffusion tasks read faces only)",
                diffusion.data.source.rawValue)
        atLeast(diffusion.contextLength, 2, "diffusion.context_length")
        atLeast(diffusion.batchSize, 1, "diffusion.batch_size")
        probability(diffusion.textDropout, "diffusion.text_dropout")
        if let decay = diffusion.emaDecay { require(decay >= 0 && decay < 1, "diffusion.ema_decay", "in [0, 1)", decay) }
        guard trainsAdapter else { return }
        // `references` and `aggregation` are names Generation owns (`ImagePromptAggregation`); the
        // ip_adapter task checks them.
        let adapter = diffusion.adapter
        atLeast(adapter.tokens, 1, "diffusion.adapter.tokens")
        atLeast(adapter.heads, 1, "diffusion.adapter.heads")
        probability(adapter.imageDropout, "diffusion.adapter.image_dropout")
        probability(adapter.textDropout, "diffusion.adapter.text_dropout")
        probability(adapter.bothDropout, "diffusion.adapter.both_dropout")
    }

    /// [first, end) person-folder positions.
    mutating func folderRange(_ bounds: [Int], _ field: String) {
        require(bounds.count == 2 && bounds[0] >= 0 && bounds[0] < bounds[1], field, "[first, end) folder positions with 0 ≤ first < end", bounds)
    }

    /// [first, end) items of Fashion-MNIST's idx `split` ("training": 60,000 items, "test": 10,000).
    mutating func fashionItems(_ bounds: [Int], split: String, _ field: String) {
        let count = split == "training" ? 60_000 : 10_000
        require(bounds.count == 2 && bounds[0] >= 0 && bounds[0] < bounds[1] && bounds[1] <= count, field,
                "[first, end) items of the idx \(split) set with 0 ≤ first < end ≤ \(count)", bounds)
    }

    mutating func stylegan(_ stylegan: StyleGANTaskConfiguration) {
        let data = stylegan.data
        switch data.source {
        case .personFolders: folderRange(data.people, "stylegan.data.people")
        case .fashionMNIST: fashionItems(data.items, split: "training", "stylegan.data.items")
        }
        let size = data.imageSize
        require(size >= 8 && size & (size - 1) == 0, "stylegan.data.image_size", "a power of two ≥ 8", size)
        require(data.channels == 1 || data.channels == 3, "stylegan.data.channels", "1 or 3", data.channels)
        var resolutions = 0
        var side = 4
        while side <= size { resolutions += 1; side *= 2 }
        require(stylegan.channels.count == resolutions && stylegan.channels.allSatisfy { $0 > 0 }, "stylegan.channels",
                "\(resolutions) positive counts (one per resolution 4…\(size))", stylegan.channels)
        atLeast(stylegan.styleDimension, 1, "stylegan.style_dim")
        atLeast(stylegan.mappingLayers, 1, "stylegan.n_mlp")
        positive(stylegan.mappingLearningRateMultiplier, "stylegan.lr_mlp")
        atLeast(stylegan.batchSize, 1, "stylegan.batch_size")
        require(stylegan.batchSize < 4 || stylegan.batchSize % 4 == 0, "stylegan.batch_size", "below 4 or a multiple of 4", stylegan.batchSize)
        nonNegative(stylegan.r1Gamma, "stylegan.r1_gamma")
        atLeast(stylegan.r1Interval, 1, "stylegan.r1_interval")
        require(stylegan.augmentation.allSatisfy { ["color", "translation", "cutout"].contains($0) }, "stylegan.augmentation",
                "a list of color, translation, cutout", stylegan.augmentation)
        require(stylegan.emaDecay >= 0 && stylegan.emaDecay < 1, "stylegan.ema_decay", "in [0, 1)", stylegan.emaDecay)
        require(stylegan.meanLatentDecay >= 0 && stylegan.meanLatentDecay < 1, "stylegan.mean_latent_decay", "in [0, 1)",
                stylegan.meanLatentDecay)
        atLeast(stylegan.sampleCount, 1, "stylegan.sample_count")
    }

    mutating func loop(_ loop: LoopConfiguration) {
        atLeast(loop.steps, 1, "training.steps")
        if let perEpoch = loop.stepsPerEpoch { atLeast(perEpoch, 1, "training.steps_per_epoch") }
        atLeast(loop.logInterval, 1, "training.log_interval")
        if let interval = loop.checkpointInterval { atLeast(interval, 0, "training.checkpoint_interval") }
        if let clipping = loop.gradientClipping { positive(clipping.maxNorm, "training.gradient_clipping.max_norm") }
    }

    mutating func optimizer(_ optimizer: OptimizerConfiguration) {
        positive(optimizer.learningRate, "optimizer.learning_rate")
        require(optimizer.beta1 >= 0 && optimizer.beta1 < 1, "optimizer.beta1", "in [0, 1)", optimizer.beta1)
        require(optimizer.beta2 >= 0 && optimizer.beta2 < 1, "optimizer.beta2", "in [0, 1)", optimizer.beta2)
        positive(optimizer.epsilon, "optimizer.epsilon")
        nonNegative(optimizer.weightDecay, "optimizer.weight_decay")
        require(optimizer.momentum >= 0 && optimizer.momentum < 1, "optimizer.momentum", "in [0, 1)", optimizer.momentum)
    }

    mutating func schedule(_ schedule: ScheduleConfiguration) {
        atLeast(schedule.warmupSteps, 0, "schedule.warmup_steps")
        nonNegative(schedule.minimum, "schedule.minimum")
        atLeast(schedule.stepSize, 1, "schedule.step_size")
        positive(schedule.factor, "schedule.factor")
    }

    mutating func triplet(_ triplet: TripletTaskConfiguration) {
        atLeast(triplet.data.imageSize, 1, "triplet.data.image_size")
        require(triplet.data.channels == 1 || triplet.data.channels == 3, "triplet.data.channels", "1 or 3", triplet.data.channels)
        if let count = triplet.data.trainPerClass { atLeast(count, 1, "triplet.data.train_per_class") }
        if let count = triplet.data.testPerClass { atLeast(count, 1, "triplet.data.test_per_class") }
        for (range, field) in [(triplet.data.people, "triplet.data.people"), (triplet.data.evaluationPeople, "triplet.data.evaluation_people")] {
            if let range {
                require(range.count == 2 && range[0] >= 0 && range[0] < range[1], field, "[first, end) with 0 ≤ first < end", range)
            }
        }
        let network = triplet.backbone.smallCNN
        atLeast(network.inputChannels, 1, "triplet.backbone.small_cnn.input_channels")
        require(!network.channels.isEmpty && network.channels.allSatisfy { $0 >= 1 }, "triplet.backbone.small_cnn.channels",
                "a non-empty list of positive widths", network.channels)
        atLeast(triplet.head.hiddenWidth, 1, "triplet.head.hidden_width")
        atLeast(triplet.head.embeddingWidth, 1, "triplet.head.embedding_width")
        let objective = triplet.objective
        nonNegative(objective.margin, "triplet.objective.margin")
        if let width = objective.width { positive(width, "triplet.objective.width") }
        if let beta = objective.beta { positive(beta, "triplet.objective.beta") }
        positive(objective.epsilon, "triplet.objective.epsilon")
        if objective.minesBatches {
            atLeast(objective.classesPerBatch, 2, "triplet.objective.classes_per_batch")
            atLeast(objective.imagesPerClass, 2, "triplet.objective.images_per_class")
        }
        atLeast(triplet.tripletsPerBatch, 1, "triplet.triplets_per_batch")
        probability(triplet.flipProbability, "triplet.flip_probability")
        atLeast(triplet.evaluation.triplets, 1, "triplet.evaluation.triplets")
        if let count = triplet.evaluation.validationPerClass { atLeast(count, 1, "triplet.evaluation.validation_per_class") }
        if let threshold = triplet.evaluation.threshold { nonNegative(threshold, "triplet.evaluation.threshold") }
    }

    mutating func contrastive(_ contrastive: ContrastiveTaskConfiguration, fromScratch: Bool) {
        atLeast(contrastive.batchSize, 2, "contrastive.batch_size")  // InfoNCE needs a negative in every batch
        if let width = contrastive.embeddingWidth { atLeast(width, 1, "contrastive.embedding_width") }
        atLeast(contrastive.modelHeadWidth, 1, "contrastive.model_head_width")
        require(contrastive.initialLogScale.isFinite, "contrastive.initial_log_scale", "finite", contrastive.initialLogScale)
        let data = contrastive.data
        if data.source == .syntheticShapes {
            atLeast(data.shapesCount, 1, "contrastive.data.shapes_count")
            atLeast(data.shapesValidationCount, 0, "contrastive.data.shapes_validation_count")
            atLeast(data.shapesCanvas, 8, "contrastive.data.shapes_canvas")
            require(data.shapesHeldOutFraction >= 0 && data.shapesHeldOutFraction < 1, "contrastive.data.shapes_held_out_fraction",
                    "in [0, 1)", data.shapesHeldOutFraction)
        }
        if let scale = contrastive.augmentation.cropScale {
            require(scale.count == 2 && scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1, "contrastive.augmentation.crop_scale",
                    "two numbers 0 < low <= high <= 1", scale)
        }
        probability(contrastive.augmentation.flipProbability, "contrastive.augmentation.flip_probability")
        if fromScratch {
            let before = problems.count
            let architecture = contrastive.architecture
            for (value, field) in [(architecture.embeddingDimension, "embed_dim"), (architecture.vision.imageSize, "vision.image_size"),
                                   (architecture.vision.patchSize, "vision.patch_size"), (architecture.vision.width, "vision.width"),
                                   (architecture.vision.layers, "vision.layers"), (architecture.vision.heads, "vision.heads"),
                                   (architecture.text.vocabularySize, "text.vocab_size"), (architecture.text.width, "text.width"),
                                   (architecture.text.layers, "text.layers"), (architecture.text.heads, "text.heads")] {
                atLeast(value, 1, "contrastive.architecture." + field)
            }
            // The shapes must also fit together (patches tile the image, heads divide the width).
            if problems.count == before {
                do { _ = try architecture.clipConfiguration() } catch {
                    if case let TrainingError.invalidConfiguration(reason) = error { problems.append(reason) } else { problems.append("\(error)") }
                }
            }
        }
    }
}
