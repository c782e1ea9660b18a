/// Semantic styles by name. Views ask for `theme[.listSelected]`, never for a colour.
package struct Theme: Sendable {
    package let name: String
    private let resolved: [StyleName: Style]

    package init(name: String, specs: [String: StyleSpec]) {
        self.name = name
        var resolved: [StyleName: Style] = [:]
        func resolve(_ styleName: StyleName) -> Style {
            if let done = resolved[styleName] { return done }
            let base = styleName.parent.flatMap { StyleName.byName[$0] }.map(resolve) ?? .plain
            let style = specs[styleName.rawValue]?.applied(to: base, isOwnLayer: styleName.parent != nil) ?? base
            resolved[styleName] = style
            return style
        }
        for styleName in StyleName.all { _ = resolve(styleName) }
        self.resolved = resolved
    }

    package subscript(_ name: StyleName) -> Style { resolved[name] ?? .plain }

    /// Reads a theme file: one `[style.name]` section per style with `fg`, `bg`, `bold`, `underline`,
    /// `reverse`; a top-level `name`. Unknown styles and keys are errors, so typos do not pass silently.
    package static func parse(_ text: String, file: String, fallbackName: String) throws(ConfigProblem) -> Theme {
        let document = try TOMLDocument.parse(text, file: file)
        var name = fallbackName
        var specs: [String: StyleSpec] = [:]
        for table in document.tables {
            if table.name.isEmpty {
                for entry in table.entries {
                    guard entry.key == "name", case .string(let value) = entry.value else {
                        throw ConfigProblem(file: file, line: entry.line, message: "unknown top-level key '\(entry.key)' (only name = \"...\" is allowed)")
                    }
                    name = value
                }
                continue
            }
            guard StyleName.byName[table.name] != nil else {
                throw ConfigProblem(file: file, line: table.line, message: "unknown style [\(table.name)]")
            }
            specs[table.name] = try spec(table, file: file)
        }
        return Theme(name: name, specs: specs)
    }

    private static func spec(_ table: TOMLTable, file: String) throws(ConfigProblem) -> StyleSpec {
        var spec = StyleSpec()
        for entry in table.entries {
            func problem(_ message: String) -> ConfigProblem {
                ConfigProblem(file: file, line: entry.line, message: message)
            }
            switch (entry.key, entry.value) {
            case ("fg", .string(let text)), ("bg", .string(let text)):
                guard let color = Color(parsing: text) else {
                    throw problem("'\(text)' is not a colour (use a name such as bright-blue, default, or #rrggbb)")
                }
                if entry.key == "fg" { spec.foreground = color } else { spec.background = color }
            case ("bold", .bool(let flag)): spec.bold = flag
            case ("underline", .bool(let flag)): spec.underline = flag
            case ("reverse", .bool(let flag)): spec.reverse = flag
            case ("fg", let value), ("bg", let value):
                throw problem("\(entry.key) must be a string, found \(value.kindName)")
            case ("bold", let value), ("underline", let value), ("reverse", let value):
                throw problem("\(entry.key) must be true or false, found \(value.kindName)")
            default:
                throw problem("unknown key '\(entry.key)' in [\(table.name)] (use fg, bg, bold, underline, reverse)")
            }
        }
        return spec
    }
}
