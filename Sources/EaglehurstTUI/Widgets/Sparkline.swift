/// A row of block characters whose heights follow the values, scaled to the largest.
package enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value; the last `width` values when there are more than fit.
    package static func render(_ values: [Int], width: Int? = nil) -> String {
        let shown = width.map { Array(values.suffix(max(0, $0))) } ?? values
        let highest = shown.max() ?? 0
        guard highest > 0 else { return String(repeating: blocks[0], count: shown.count) }
        return String(shown.map { value in
            let level = Int((Double(max(0, value)) / Double(highest) * Double(blocks.count - 1)).rounded())
            return blocks[min(blocks.count - 1, level)]
        })
    }
}
