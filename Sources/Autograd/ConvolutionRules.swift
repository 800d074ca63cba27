import Tensor

extension Variable {
    /// 2-D convolution (see `Tensor.conv2d`); gradients by col2im for the input, dY·columnsᵀ for
    /// the weight and Σ dY for the bias. A convolution whose gradient is asked for and that
    /// `WinogradTraining` takes runs by Winograd's minimal filtering forward and backward
    /// (`Tensor.winogradConv2d`); everything else, inference included, keeps im2col.
    public static func conv2d(_ input: Variable, weight: Variable, bias: Variable?, geometry: Convolution2DGeometry,
                              groups: Int = 1) -> Variable {
        var inputs = [input, weight]
        if let bias { inputs.append(bias) }
        let recorded = inputs.contains { $0.requiresGradient } && !GradientMode.isDisabled
        if recorded, let transform = WinogradTraining.transform(inputShape: input.shape, weightShape: weight.shape,
                                                                 geometry: geometry, groups: groups) {
            return winogradConv2d(input, weight: weight, bias: bias, geometry: geometry, transform: transform, inputs: inputs)
        }
        let output = Tensor.conv2d(input.value, weight: weight.value, bias: bias?.value, geometry: geometry, groups: groups)
        return Variable(output, operation: "conv2d", inputs: inputs) { gradient in
            let (inputGradient, weightGradient) = Tensor.conv2dBackward(
                input: input.value, weight: weight.value, outputGradient: gradient, geometry: geometry, groups: groups)
            return [inputGradient, weightGradient] + (bias == nil ? [] : [biasGradient(gradient)])
        }
    }

    /// `conv2d` by Winograd's minimal filtering; the transformed kernels are kept for the backward.
    static func winogradConv2d(_ input: Variable, weight: Variable, bias: Variable?, geometry: Convolution2DGeometry,
                               transform: WinogradTransform, inputs: [Variable]) -> Variable {
        let kernels = WinogradKernels(weight: weight.value, transform: transform)
        let output = Tensor.winogradConv2d(input.value, kernels: kernels, bias: bias?.value, geometry: geometry)
        return Variable(output, operation: "conv2d", inputs: inputs) { gradient in
            let (inputGradient, weightGradient) = Tensor.winogradConv2dBackward(
                input: input.value, kernels: kernels, outputGradient: gradient, geometry: geometry,
                needsInput: input.requiresGradient, needsWeight: weight.requiresGradient)
            return [inputGradient, weightGradient] + (bias == nil ? [] : [biasGradient(gradient)])
        }
    }

    /// Σ dY over the batch and the positions: a convolution bias's gradient.
    static func biasGradient(_ gradient: Tensor) -> Tensor {
        gradient.reshaped([gradient.shape[0], gradient.shape[1], -1]).sum(alongAxis: 2).sum(alongAxis: 0)
    }

    /// Max pooling; the gradient goes to each window's winner.
    public func maxPool2d(geometry: Convolution2DGeometry) -> Variable {
        let (output, indices) = Tensor.maxPool2dWithIndices(value, geometry: geometry)
        let inputShape = shape
        return Variable(output, operation: "maxPool2d", inputs: [self]) { gradient in
            [Tensor.maxPool2dBackward(outputGradient: gradient, indices: indices, inputShape: inputShape)]
        }
    }

    /// Average pooling; the gradient is spread evenly over each window.
    public func averagePool2d(geometry: Convolution2DGeometry, countIncludingPadding: Bool = true) -> Variable {
        let inputShape = shape
        let output = Tensor.averagePool2d(value, geometry: geometry, countIncludingPadding: countIncludingPadding)
        return Variable(output, operation: "averagePool2d", inputs: [self]) { gradient in
            [Tensor.averagePool2dBackward(outputGradient: gradient, inputShape: inputShape, geometry: geometry,
                                          countIncludingPadding: countIncludingPadding)]
        }
    }

    /// Mean over the spatial axes: `[batch, channels, height, width]` → `[batch, channels]`.
    public func globalAveragePool() -> Variable {
        reshaped([shape[0], shape[1], -1]).mean(alongAxis: 2)
    }
}

extension Variable {
    /// Zero padding of the spatial axes; the gradient crops the border away.
    public func padded(_ padding: SpatialPadding) -> Variable {
        if padding.isZero { return self }
        return Variable(value.padded(padding), operation: "pad", inputs: [self]) { [$0.unpadded(padding)] }
    }
}
