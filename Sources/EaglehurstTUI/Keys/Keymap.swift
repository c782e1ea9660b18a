/// Which keys each action has, per context, as a keymap file says. A user's file overrides per action:
/// actions it does not name keep the shipped default keys.
package struct Keymap: Equatable, Sendable {
    struct Entry: Equatable, Sendable {
        var keys: [KeySequence]
        var file: String
        var line: Int
    }

    private(set) var entries: [Context: [Action: Entry]]

    static let shippedDefaultFile = "keymaps/default.toml"
    static let empty = Keymap(entries: [:])

    /// `[context]` sections, `action = "key"` or `action = ["key", "key"]`.
    package static func parse(_ text: String, file: String) throws(ConfigProblem) -> Keymap {
        let document = try TOMLDocument.parse(text, file: file)
        var entries: [Context: [Action: Entry]] = [:]
        for table in document.tables {
            if table.name.isEmpty {
                if let entry = table.entries.first {
                    throw ConfigProblem(file: file, line: entry.line, message: "'\(entry.key)' must be inside a section such as [global]")
                }
                continue
            }
            guard let context = Context(rawValue: table.name) else {
                let known = Context.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigProblem(file: file, line: table.line, message: "unknown section [\(table.name)] (known: \(known))")
            }
            for entry in table.entries {
                func problem(_ message: String) -> ConfigProblem {
                    ConfigProblem(file: file, line: entry.line, message: message)
                }
                guard let action = Action(rawValue: entry.key),
                      BindingTable.specs.contains(where: { $0.action == action && $0.context == context }) else {
                    throw problem("unknown action '\(entry.key)' in [\(context.rawValue)]")
                }
                let notations: [String]
                switch entry.value {
                case .string(let one): notations = [one]
                case .strings(let many): notations = many
                default: throw problem("\(entry.key) must be a key or a list of keys, found \(entry.value.kindName)")
                }
                var keys: [KeySequence] = []
                for notation in notations {
                    do { keys.append(try KeySequence(notation: notation)) } catch {
                        throw problem("\(error.message) in '\(notation)' for \(entry.key)")
                    }
                }
                entries[context, default: [:]][action] = Entry(keys: keys, file: file, line: entry.line)
            }
        }
        return Keymap(entries: entries)
    }

    /// This keymap's actions replace the same actions of `base`.
    package func overriding(_ base: Keymap) -> Keymap {
        var merged = base.entries
        for (context, actions) in entries {
            merged[context, default: [:]].merge(actions) { _, mine in mine }
        }
        return Keymap(entries: merged)
    }

    /// The binding table with these keys. Two actions on one key where both are live at once (the same
    /// context, or a context and `global`), or a key that is the start of another (`g` hides `gg`), is a
    /// conflict, reported at the line that made it.
    package func bindingTable() throws(ConfigProblem) -> BindingTable {
        let bindings = BindingTable.specs.map { spec in
            var binding = spec
            binding.keys = entries[spec.context]?[spec.action]?.keys ?? []
            return binding
        }
        for context in Context.allCases {
            let live = BindingTable.activeContexts(for: context).flatMap { active in
                bindings.filter { $0.context == active }.flatMap { binding in binding.keys.map { (keys: $0, binding: binding) } }
            }
            for (index, first) in live.enumerated() {
                for second in live[(index + 1)...] where first.binding.action != second.binding.action || first.binding.context != second.binding.context {
                    guard first.keys.hasPrefix(second.keys) || second.keys.hasPrefix(first.keys) else { continue }
                    let place = laterEntry(first.binding, second.binding)
                    let message: String
                    if first.keys == second.keys {
                        message = "\(first.keys) is bound to both \(first.binding.action.rawValue) and \(second.binding.action.rawValue) in \(contextsText(first.binding, second.binding))"
                    } else {
                        let (short, long) = first.keys.keys.count < second.keys.keys.count ? (first, second) : (second, first)
                        message = "\(short.keys) (\(short.binding.action.rawValue)) hides \(long.keys) (\(long.binding.action.rawValue)) in \(contextsText(first.binding, second.binding))"
                    }
                    throw ConfigProblem(file: place?.file ?? "keymap", line: place?.line ?? 0, message: message)
                }
            }
        }
        return BindingTable(bindings: bindings)
    }

    private func laterEntry(_ a: Binding, _ b: Binding) -> Entry? {
        let first = entries[a.context]?[a.action]
        let second = entries[b.context]?[b.action]
        guard let first, let second else { return first ?? second }
        // Blame the user's file rather than the shipped defaults it overrode.
        if first.file != second.file { return first.file == Keymap.shippedDefaultFile ? second : first }
        return first.line > second.line ? first : second
    }

    private func contextsText(_ a: Binding, _ b: Binding) -> String {
        a.context == b.context ? "[\(a.context.rawValue)]" : "[\(a.context.rawValue)] and [\(b.context.rawValue)]"
    }
}
