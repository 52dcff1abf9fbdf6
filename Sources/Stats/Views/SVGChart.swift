import HTML
/// A line chart as inline SVG: one line per series over the minutes of a report, no script.
struct SVGChart {
    struct Line {
        var name: String
        var colour: String
        /// One value per minute (seconds); nil where the minute had no sample.
        var values: [Double?]
    }

    var title: String
    var lines: [Line]
    /// The first minute's start, seconds since 1970, for the axis labels.
    var start: Int64
    var width = 640.0
    var height = 220.0

    var svg: String {
        let left = 48.0, right = 12.0, top = 24.0, bottom = 28.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let count = lines.map(\.values.count).max() ?? 0
        let highest = max(1, lines.flatMap(\.values).compactMap { $0 }.max() ?? 1) * 1.1
        func x(_ index: Int) -> Double { left + (count > 1 ? Double(index) / Double(count - 1) : 0.5) * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - value / highest * plotHeight }

        var out = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        out += "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(HTMLText.escape(title))</text>"
        for step in 0...4 {
            let value = highest * Double(step) / 4
            out += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(format(y(value)))\" y2=\"\(format(y(value)))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(left - 4)\" y=\"\(format(y(value) + 4))\" font-size=\"10\" text-anchor=\"end\">\(format(value))s</text>"
        }
        if count > 0 {
            out += "<text x=\"\(left)\" y=\"\(height - 8)\" font-size=\"10\" text-anchor=\"start\">\(clock(start)) UTC</text>"
            let last = start + Int64(count - 1) * 60
            out += "<text x=\"\(left + plotWidth)\" y=\"\(height - 8)\" font-size=\"10\" text-anchor=\"end\">\(clock(last)) UTC</text>"
        }
        for (number, line) in lines.enumerated() {
            // Minutes without samples break the line instead of pretending a value.
            var segments: [[String]] = [[]]
            for (index, value) in line.values.enumerated() {
                if let value { segments[segments.count - 1].append("\(format(x(index))),\(format(y(value)))") } else if !segments[segments.count - 1].isEmpty { segments.append([]) }
            }
            for points in segments where !points.isEmpty {
                if points.count == 1 {
                    let xy = points[0].split(separator: ",")
                    out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2\" fill=\"\(line.colour)\"/>"
                } else {
                    out += "<polyline fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
                }
            }
            let legendX = left + 8 + Double(number) * 140
            out += "<rect x=\"\(legendX)\" y=\"\(top + 2)\" width=\"10\" height=\"3\" fill=\"\(line.colour)\"/>"
            out += "<text x=\"\(legendX + 14)\" y=\"\(top + 7)\" font-size=\"10\">\(HTMLText.escape(line.name))</text>"
        }
        return out + "</svg>"
    }

    private func format(_ value: Double) -> String {
        String((value * 10).rounded() / 10)
    }

    private func clock(_ seconds: Int64) -> String {
        let minutes = (seconds / 60) % 1440
        return String(format2(minutes / 60)) + ":" + format2(minutes % 60)
    }

    private func format2(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
