/// The old name of `ModelError`, kept only so that `Sources/CLIPKit` (edited on the lead's branch)
/// builds until its seven `ModelLoadingError.invalidOption` throws are renamed; then delete this file.
@available(*, deprecated, renamed: "ModelError")
public typealias ModelLoadingError = ModelError
