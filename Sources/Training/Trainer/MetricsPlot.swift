import Foundation

/// Draws a run's curves as a standalone SVG a person can open in a browser: the training loss
/// (and any validation loss) against the step on the left, validation scores against the step on
/// the right, each panel with gridlines, tick labels, axis titles and a legend.
public struct MetricsPlot: Sendable {
    /// One line of a panel.
    public struct Series: Sendable {
        public var name: String
        public var points: [(Double, Double)]
        public var color: String
        public var showsMarkers: Bool
        public init(name: String, points: [(Double, Double)], color: String, showsMarkers: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.showsMarkers = showsMarkers
        }
    }

    public var title: String
    /// Validation metrics drawn in the left (loss) panel.
    public var validationLossNames: [String]
    /// Validation metrics drawn in the right (score) panel.
    public var validationScoreNames: [String]

    public init(title: String, validationLossNames: [String] = [], validationScoreNames: [String] = []) {
        self.title = title
        self.validationLossNames = validationLossNames
        self.validationScoreNames = validationScoreNames
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]

    /// The SVG document for `history`.
    public func svg(_ history: MetricsHistory) -> String {
        let width = 1100.0, height = 440.0
        var lossSeries = [Series(name: "training loss", points: history.trainingLossPoints, color: Self.palette[0])]
        for (index, name) in (history.stageNames ?? []).enumerated() {
            lossSeries.append(Series(name: "\(name) loss", points: history.stageLossPoints(name),
                                     color: Self.palette[(Self.palette.count - 1 - index) % Self.palette.count]))
        }
        for (index, name) in validationLossNames.enumerated() {
            lossSeries.append(Series(name: name.replacingOccurrences(of: "_", with: " "), points: history.validationPoints(name),
                                     color: Self.palette[(index + 1) % Self.palette.count], showsMarkers: true))
        }
        let scoreSeries = validationScoreNames.enumerated().map { index, name in
            Series(name: name.replacingOccurrences(of: "_", with: " "), points: history.validationPoints(name),
                   color: Self.palette[(index + 1) % Self.palette.count], showsMarkers: true)
        }
        var body = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="white"/>
            <text x="\(Int(width / 2))" y="26" text-anchor="middle" font-size="18" font-weight="bold">\(Self.escaped(title))</text>

            """
        body += panel(lossSeries, frame: (70, 50, 440, 320), title: "Loss", yTitle: "loss", legendAtTop: true)
        body += panel(scoreSeries, frame: (620, 50, 440, 320), title: "Validation", yTitle: "score", legendAtTop: false)
        body += "</svg>\n"
        return body
    }

    /// One panel at (left, top, width, height) of the plotting area, its legend in the top or
    /// bottom right corner (where falling losses and rising scores leave room).
    func panel(_ series: [Series], frame: (Double, Double, Double, Double), title: String, yTitle: String,
               legendAtTop: Bool) -> String {
        let (left, top, plotWidth, plotHeight) = frame
        let points = series.flatMap(\.points).filter { $0.0.isFinite && $0.1.isFinite }
        var out = "<g>\n"
        out += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(top - 8))\" text-anchor=\"middle\" font-size=\"15\">\(title)</text>\n"
        out += "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotWidth))\" height=\"\(fmt(plotHeight))\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n"
        guard !points.isEmpty else {
            out += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(top + plotHeight / 2))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#777\">no data yet</text>\n</g>\n"
            return out
        }
        let xTicks = Self.niceTicks(lower: min(0, points.map(\.0).min()!), upper: points.map(\.0).max()!)
        let yTicks = Self.niceTicks(lower: points.map(\.1).min()!, upper: points.map(\.1).max()!)
        let (xLow, xHigh) = (xTicks.first!, xTicks.last!), (yLow, yHigh) = (yTicks.first!, yTicks.last!)
        func x(_ value: Double) -> Double { left + (value - xLow) / max(xHigh - xLow, 1e-12) * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - (value - yLow) / max(yHigh - yLow, 1e-12) * plotHeight }
        for tick in xTicks {
            out += "<line x1=\"\(fmt(x(tick)))\" y1=\"\(fmt(top))\" x2=\"\(fmt(x(tick)))\" y2=\"\(fmt(top + plotHeight))\" stroke=\"#e3e3e3\"/>\n"
            out += "<text x=\"\(fmt(x(tick)))\" y=\"\(fmt(top + plotHeight + 18))\" text-anchor=\"middle\" font-size=\"12\">\(Self.label(tick))</text>\n"
        }
        for tick in yTicks {
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(tick)))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(y(tick)))\" stroke=\"#e3e3e3\"/>\n"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\" font-size=\"12\">\(Self.label(tick))</text>\n"
        }
        out += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(top + plotHeight + 38))\" text-anchor=\"middle\" font-size=\"13\">step</text>\n"
        out += "<text transform=\"translate(\(fmt(left - 52)),\(fmt(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">\(yTitle)</text>\n"
        for line in series where !line.points.isEmpty {
            let path = line.points.map { "\(fmt(x($0.0))),\(fmt(y($0.1)))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.8\" stroke-linejoin=\"round\"/>\n"
            if line.showsMarkers {
                for point in line.points {
                    out += "<circle cx=\"\(fmt(x(point.0)))\" cy=\"\(fmt(y(point.1)))\" r=\"3\" fill=\"\(line.color)\"/>\n"
                }
            }
        }
        // Legend inside the panel, right-aligned.
        let visible = series.filter { !$0.points.isEmpty }
        let legendWidth = 20 + 7.5 * Double(visible.map(\.name.count).max() ?? 0) + 20
        let legendHeight = Double(visible.count) * 18 + 8
        let legendLeft = left + plotWidth - legendWidth - 8
        let legendTop = legendAtTop ? top + 8 : top + plotHeight - legendHeight - 8
        out += "<rect x=\"\(fmt(legendLeft))\" y=\"\(fmt(legendTop))\" width=\"\(fmt(legendWidth))\" height=\"\(fmt(legendHeight))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n"
        for (index, line) in visible.enumerated() {
            let rowY = legendTop + 14 + Double(index) * 18
            out += "<line x1=\"\(fmt(legendLeft + 8))\" y1=\"\(fmt(rowY - 4))\" x2=\"\(fmt(legendLeft + 26))\" y2=\"\(fmt(rowY - 4))\" stroke=\"\(line.color)\" stroke-width=\"2.5\"/>\n"
            out += "<text x=\"\(fmt(legendLeft + 32))\" y=\"\(fmt(rowY))\" font-size=\"12\">\(Self.escaped(line.name))</text>\n"
        }
        return out + "</g>\n"
    }

    /// Evenly spaced round tick values (1, 2 or 5 × 10ᵏ apart) covering [lower, upper].
    static func niceTicks(lower: Double, upper: Double, count: Int = 6) -> [Double] {
        var (low, high) = (lower, upper)
        if high - low < 1e-12 { low -= max(abs(low) * 0.05, 0.5); high += max(abs(high) * 0.05, 0.5) }
        let rough = (high - low) / Double(count - 1)
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let start = floor(low / step) * step, end = ceil(high / step) * step
        // Rounded to 12 significant digits so 3 × 0.2 prints as 0.6.
        return stride(from: start, through: end + step * 0.5, by: step).map { value in
            let scale = pow(10, 11 - floor(log10(max(abs(value), step))))
            return ((value / step).rounded() * step * scale).rounded() / scale
        }
    }

    static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        return String(format: "%g", (value * 1e6).rounded() / 1e6)
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
