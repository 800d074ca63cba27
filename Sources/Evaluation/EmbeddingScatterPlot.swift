import Foundation
import Tensor

/// Two-dimensional embeddings (t-SNE outputs) as one SVG: panels side by side, each point
/// coloured by its group, a shared legend, a subtitle per panel (e.g. its silhouette score) —
/// SA-CLIP's Fig. 4 layout (Li et al. 2025: CLIP's and SA-CLIP's image and text embeddings of
/// scenes coloured by spatial configuration).
public struct EmbeddingScatterPlot: Sendable {
    /// One panel: a title, a subtitle and `[N, 2]` points with one group index each.
    public struct Panel: Sendable {
        public var title: String
        public var subtitle: String
        public var points: Tensor
        public var groups: [Int]

        public init(title: String, subtitle: String = "", points: Tensor, groups: [Int]) {
            precondition(points.rank == 2 && points.shape[1] == 2 && points.shape[0] == groups.count, "one group per 2-D point")
            self.title = title
            self.subtitle = subtitle
            self.points = points
            self.groups = groups
        }
    }

    public var title: String
    public var groupNames: [String]
    public var panels: [Panel]
    /// Panels per row.
    public var columns: Int

    public init(title: String, groupNames: [String], panels: [Panel], columns: Int = 2) {
        self.title = title
        self.groupNames = groupNames
        self.panels = panels
        self.columns = max(1, columns)
    }

    /// Tableau's ten categorical colours, then greys.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The SVG document.
    public func svg() -> String {
        let side = 320.0, gap = 24.0, top = 56.0, legendWidth = 150.0
        let rows = (panels.count + columns - 1) / columns
        let width = Double(columns) * (side + gap) + gap + legendWidth
        let height = top + Double(rows) * (side + 48) + gap
        var body = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\">\n", width, height)
        body += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        body += "<text x=\"\(gap)\" y=\"28\" font-size=\"18\">\(Self.escaped(title))</text>\n"
        for (index, panel) in panels.enumerated() {
            let x0 = gap + Double(index % columns) * (side + gap), y0 = top + Double(index / columns) * (side + 48)
            body += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\">%@</text>\n", x0, y0 + 14, Self.escaped(panel.title))
            body += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#555\">%@</text>\n", x0, y0 + 30, Self.escaped(panel.subtitle))
            let frameTop = y0 + 38
            body += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#ccc\"/>\n", x0, frameTop, side, side)
            let values = panel.points.scalars.map(Double.init)
            let xs = stride(from: 0, to: values.count, by: 2).map { values[$0] }, ys = stride(from: 1, to: values.count, by: 2).map { values[$0] }
            guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { continue }
            let spanX = max(maxX - minX, 1e-9), spanY = max(maxY - minY, 1e-9)
            for (point, group) in panel.groups.enumerated() {
                let x = x0 + 8 + (xs[point] - minX) / spanX * (side - 16), y = frameTop + 8 + (maxY - ys[point]) / spanY * (side - 16)
                let color = group >= 0 && group < Self.palette.count ? Self.palette[group] : "#444"
                body += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\" fill-opacity=\"0.8\"/>\n", x, y, color)
            }
        }
        let legendX = gap + Double(columns) * (side + gap)
        for (index, name) in groupNames.enumerated() {
            let y = top + 20 + Double(index) * 20
            let color = index < Self.palette.count ? Self.palette[index] : "#444"
            body += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%@\"/>", legendX + 6, y - 4, color)
            body += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">%@</text>\n", legendX + 16, y, Self.escaped(name))
        }
        return body + "</svg>\n"
    }
}
