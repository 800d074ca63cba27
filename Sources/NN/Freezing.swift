extension Module {
    /// Freezes every parameter whose name lies under one of `paths` (a module path prefix at `.`
    /// boundaries: `"visual"` covers `visual.conv1.weight`, not `visual_projection`; `""` covers
    /// everything): frozen parameters record no gradient and optimisers built afterwards skip them.
    /// Each path must name at least one parameter.
    public func freeze(paths: [String]) {
        setTrainable(false, paths: paths)
    }

    /// Makes the parameters under `paths` trainable again; buffers (running statistics) stay frozen.
    public func unfreeze(paths: [String]) {
        setTrainable(true, paths: paths)
    }

    private func setTrainable(_ trainable: Bool, paths: [String]) {
        let parameters = namedParameters
        for path in paths {
            let matching = parameters.filter { isUnderModulePath($0.name, path) }
            precondition(!matching.isEmpty, "\(type(of: self)) has no parameter under the path \"\(path)\"")
            for (_, parameter) in matching where !parameter.isBuffer { parameter.isTrainable = trainable }
        }
    }
}

/// Whether the parameter `name` lies under the module path `path` (`""` is the root).
func isUnderModulePath(_ name: String, _ path: String) -> Bool {
    path.isEmpty || name == path || name.hasPrefix(path + ".")
}
