import Models

extension ModelIdentity {
    /// The `model` and `pretrained` fields CLIP_benchmark writes for this model: open_clip's
    /// architecture and tag for `ARCH/TAG` references (`ViT-B-32`, `openai`), otherwise the
    /// reference itself in both (a hub repository, a checkpoint path, `clipkit-default`).
    public var benchmarkNames: (model: String, pretrained: String) {
        if case let .openCLIP(pretrained, _)? = try? ModelReference(parsing: name) {
            return (pretrained.architecture, pretrained.tag)
        }
        return (name, name)
    }
}
