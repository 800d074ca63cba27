import Tensor

extension Variable {
    /// 2-D convolution (see `Tensor.conv2d`); gradients by col2im for the input, dY·columnsᵀ for
    /// the weight and Σ dY for the bias.
    public static func conv2d(_ input: Variable, weight: Variable, bias: Variable?, geometry: Convolution2DGeometry,
                              groups: Int = 1) -> Variable {
        let output = Tensor.conv2d(input.value, weight: weight.value, bias: bias?.value, geometry: geometry, groups: groups)
        var inputs = [input, weight]
        if let bias { inputs.append(bias) }
        return Variable(output, operation: "conv2d", inputs: inputs) { gradient in
            let (inputGradient, weightGradient) = Tensor.conv2dBackward(
                input: input.value, weight: weight.value, outputGradient: gradient, geometry: geometry, groups: groups)
            var result: [Tensor?] = [inputGradient, weightGradient]
            if bias != nil {
                result.append(gradient.reshaped([gradient.shape[0], gradient.shape[1], -1]).sum(alongAxis: 2).sum(alongAxis: 0))
            }
            return result
        }
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
