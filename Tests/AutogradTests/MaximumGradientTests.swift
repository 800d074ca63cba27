import Autograd
import Tensor
import Testing

/// The maximum along an axis: its value is `Tensor.max(alongAxis:)`, its gradient (to each
/// maximum's position) matches central differences.
@Suite struct MaximumGradientTests {
    @Test func maximumAlongEachAxis() {
        let inputs = GradientCheck.inputs([[2, 5, 3]], seed: 11)
        for axis in [0, 1, -1] {
            expectGradients(inputs) { $0[0].max(alongAxis: axis) }
        }
        expectGradients(inputs) { $0[0].max(alongAxis: 1, keepingDimension: true) * 2 }
        let value = Variable(inputs[0]).max(alongAxis: 1).value
        #expect(value.shape == [2, 3] && value.scalars == inputs[0].max(alongAxis: 1).scalars)
    }
}
