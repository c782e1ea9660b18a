import Foundation

/// Charts drawn with text: sparklines, horizontal bars, and a line chart in braille cells (2×4 dots
/// a cell) with axis labels and the figure under a cursor. Pure: tests read the frames they draw.
enum Charts {
    static let sparkLevels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A series squeezed (or stretched) to `width` cells: each cell the sum of the points it covers.
    static func resample(_ values: [Int64], to width: Int) -> [Int64] {
        guard width > 0, !values.isEmpty else { return [] }
        guard values.count > width else { return values }
        return (0..<width).map { cell in
            let from = cell * values.count / width, to = max(from + 1, (cell + 1) * values.count / width)
            return values[from..<to].reduce(0, +)
        }
    }

    /// ▁▂▅█ for a series, one cell a point (summed when the series is longer than `width`).
    static func sparkline(_ values: [Int64], width: Int) -> String {
        let points = resample(values, to: width)
        guard let top = points.max(), top > 0 else { return String(repeating: "▁", count: points.count) }
        return String(points.map { value in
            value <= 0 ? "▁" : sparkLevels[min(7, Int((Double(value) / Double(top)) * 7.999))]
        })
    }

    /// A bar of `value` against `maximum` in `width` cells, with eighths at its end.
    static func bar(_ value: Int64, of maximum: Int64, width: Int) -> String {
        guard maximum > 0, width > 0, value > 0 else { return "" }
        let eighths = Int((Double(min(value, maximum)) / Double(maximum)) * Double(width * 8))
        let partial: [String] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// Draws `values` as a line in braille cells inside the box at (x, y, width, height): the y-axis
    /// labels (largest and zero) on the left, the first and last labels under it, and the point at
    /// `cursor` marked with its label and value above. Returns nothing; draws into `frame`.
    static func drawLine(
        _ values: [Int64], labels: [String], cursor: Int?, format: (Int64) -> String,
        x: Int, y: Int, width: Int, height: Int, theme: Theme, focused: Bool, into frame: inout Frame
    ) {
        guard height >= 3, width >= 12 else { return }
        let top = max(1, values.max() ?? 1)
        let axisWidth = max(TextWidth.of(format(top)), 1) + 1
        let plotX = x + axisWidth + 1
        let plotWidth = width - axisWidth - 1
        let plotHeight = height - 2
        guard plotWidth >= 4, plotHeight >= 1, !values.isEmpty else {
            frame.write("no data", x: x, y: y + 1, style: theme[.textDim])
            return
        }
        frame.write(TextWidth.pad(format(top), to: axisWidth, alignment: .right), x: x, y: y + 1, style: theme[.textDim])
        frame.write(TextWidth.pad(format(0), to: axisWidth, alignment: .right), x: x, y: y + plotHeight, style: theme[.textDim])
        for row in 1...plotHeight { frame.write("┤", x: x + axisWidth, y: y + row, style: theme[.border]) }

        // Dots: x in 0..<2·plotWidth, y in 0..<4·plotHeight (0 at the top).
        let dotsWide = plotWidth * 2, dotsHigh = plotHeight * 4
        var cells = [[UInt32]](repeating: [UInt32](repeating: 0, count: plotWidth), count: plotHeight)
        func dotY(_ value: Double) -> Int { dotsHigh - 1 - min(dotsHigh - 1, max(0, Int((value / Double(top)) * Double(dotsHigh - 1) + 0.5))) }
        func value(atDot dx: Int) -> Double {
            guard values.count > 1 else { return Double(values[0]) }
            let position = Double(dx) / Double(dotsWide - 1) * Double(values.count - 1)
            let low = Int(position), high = min(values.count - 1, low + 1)
            return Double(values[low]) + (Double(values[high]) - Double(values[low])) * (position - Double(low))
        }
        let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        var previous: Int?
        for dx in 0..<dotsWide {
            let current = dotY(value(atDot: dx))
            let range = previous.map { min($0, current)...max($0, current) } ?? current...current
            for dy in range {
                cells[dy / 4][dx / 2] |= bits[dx % 2][dy % 4]
            }
            previous = current
        }
        let cursorCell = cursor.map { values.count > 1 ? Int(Double($0) / Double(values.count - 1) * Double(plotWidth - 1) + 0.5) : 0 }
        for row in 0..<plotHeight {
            for column in 0..<plotWidth {
                let scalar = Unicode.Scalar(0x2800 + cells[row][column])!
                let isCursor = column == cursorCell
                let style = isCursor ? (focused ? theme[.listSelected] : theme[.listHeader]) : theme[.messageTheirs]
                frame.write(String(Character(scalar)), x: plotX + column, y: y + 1 + row, style: style)
            }
        }
        if let first = labels.first, let last = labels.last {
            frame.write(first, x: plotX, y: y + plotHeight + 1, style: theme[.textDim])
            frame.write(last, x: plotX + plotWidth - TextWidth.of(last), y: y + plotHeight + 1, style: theme[.textDim])
        }
        if let cursor, values.indices.contains(cursor) {
            let label = "\(labels.indices.contains(cursor) ? labels[cursor] : ""): \(format(values[cursor]))"
            frame.write(label, x: plotX + plotWidth - TextWidth.of(label), y: y, style: focused ? theme[.statusInfo] : theme[.textDim])
        }
    }
}
