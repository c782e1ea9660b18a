import EaglehurstAPI

/// One field of a form: its wire name (so a server's 422 `errors` land beside it), its label, and
/// the rule that checks it inline.
package struct FormField: Equatable, Sendable {
    package enum Rule: Equatable, Sendable {
        case email
        /// A password being typed to sign in: only required (the server judges it).
        case currentPassword
        /// A password being chosen: the shared password rule.
        case newPassword
        case name
        /// Optional; the shared phone rule when given.
        case phone
        /// The 6-digit code from the verification mail.
        case otp
        case text(required: Bool, maxLength: Int)
        /// An optional whole number in a range.
        case number(maximum: Int64)
        /// Comma-separated values, each one of `allowed` when that is not empty.
        case list(allowed: [String], maxLength: Int)
        case filePath
        /// One of `options`, chosen with ←/→ or space.
        case choice(options: [String])
        /// Any of `options`: ←/→ move between them, space ticks or unticks.
        case multiChoice(options: [String])
        /// A whole number in a range, required or not (money, which may be negative for a loss).
        case integer(minimum: Int64, maximum: Int64, required: Bool)
        /// Text that may run over many lines; edited in `$EDITOR` or the in-app editor.
        case longText(minLength: Int, maxLength: Int)
    }

    package let name: String
    package let label: String
    package let rule: Rule
    /// Shown dimmed under an empty field: what goes in it.
    package var hint: String?
    package var input: TextField
    package var choice: Int
    /// The ticked options of a multi-choice field.
    package var chosen: Set<Int> = []
    /// What the server said about this field; cleared as soon as the user edits it.
    package var serverProblems: [String] = []

    package init(_ name: String, _ label: String, _ rule: Rule, text: String = "", choice: Int = 0, hint: String? = nil) {
        self.name = name
        self.label = label
        self.rule = rule
        self.input = TextField(text)
        self.choice = choice
        self.hint = hint
    }

    package var isMasked: Bool { rule == .currentPassword || rule == .newPassword }

    /// The value to send: the text without surrounding spaces (a password exactly as typed), or the choice.
    package var value: String {
        switch rule {
        case .choice(let options): options[choice]
        case .multiChoice(let options): options.indices.filter(chosen.contains).map { options[$0] }.joined(separator: ",")
        case .currentPassword, .newPassword: input.text
        case .longText: input.text.trimmingCharacters(in: .whitespacesAndNewlines)
        default: input.text.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The items of a list field.
    package var items: [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// What is wrong with the value by the shared rules, empty when nothing is.
    package var localProblems: [String] {
        let value = value
        switch rule {
        case .email: return Validation.email(value)
        case .currentPassword: return value.isEmpty ? ["is required"] : []
        case .newPassword: return Validation.password(value)
        case .name: return Validation.name(value)
        case .phone: return value.isEmpty ? [] : Validation.phone(value)
        case .otp: return value.count == 6 && value.allSatisfy({ $0.isASCII && $0.isNumber }) ? [] : ["must be the 6-digit code from the mail"]
        case .text(let required, let maxLength):
            if required && value.isEmpty { return ["is required"] }
            return value.count > maxLength ? ["must be at most \(maxLength) characters"] : []
        case .number(let maximum):
            guard !value.isEmpty else { return [] }
            guard let number = Int64(value), number >= 0, number <= maximum else { return ["must be a whole number from 0 to \(maximum)"] }
            return []
        case .list(let allowed, let maxLength):
            if let unknown = items.first(where: { !allowed.isEmpty && !allowed.contains($0) }) {
                return ["has '\(unknown)', which is not one of \(allowed.joined(separator: ", "))"]
            }
            return items.contains { $0.count > maxLength } ? ["items must be at most \(maxLength) characters"] : []
        case .filePath: return value.isEmpty ? ["is required: type the path of a file"] : []
        case .choice, .multiChoice: return []
        case .integer(let minimum, let maximum, let required):
            guard !value.isEmpty else { return required ? ["is required"] : [] }
            guard let number = Int64(value.replacingOccurrences(of: ",", with: "")), number >= minimum, number <= maximum else {
                return ["must be a whole number from \(minimum) to \(maximum)"]
            }
            return []
        case .longText(let minLength, let maxLength):
            if value.count < minLength { return [value.isEmpty ? "is required" : "must be at least \(minLength) characters"] }
            return value.count > maxLength ? ["must be at most \(maxLength) characters"] : []
        }
    }

    /// Typing edits the text; a choice field moves with ←/→ or space and takes a letter as the first
    /// option starting with it.
    mutating func edit(_ key: Key) -> Bool {
        if case .multiChoice(let options) = rule {
            switch key {
            case .left: choice = (choice + options.count - 1) % options.count
            case .right: choice = (choice + 1) % options.count
            case .character(" "):
                if chosen.contains(choice) { chosen.remove(choice) } else { chosen.insert(choice) }
            default: return false
            }
            return true
        }
        guard case .choice(let options) = rule else { return input.handle(key) }
        switch key {
        case .left: choice = (choice + options.count - 1) % options.count
        case .right, .character(" "): choice = (choice + 1) % options.count
        case .character(let c):
            guard let match = options.firstIndex(where: { $0.first?.lowercased() == c.lowercased() }) else { return true }
            choice = match
        default: return false
        }
        return true
    }
}

/// Fields, the focus, and which problems to show. A field's problems show once the user has left it or
/// tried to submit, so nobody is scolded while still typing; the server's show until the field is edited.
package struct Form: Equatable, Sendable {
    package var fields: [FormField]
    package var focus = 0
    var checked: Set<Int> = []
    package var isSubmitting = false

    package init(_ fields: [FormField]) {
        self.fields = fields
    }

    package subscript(name: String) -> FormField {
        get { fields[index(of: name)] }
        set { fields[index(of: name)] = newValue }
    }

    private func index(of name: String) -> Int {
        guard let index = fields.firstIndex(where: { $0.name == name }) else { preconditionFailure("no field \(name)") }
        return index
    }

    package var focusedField: FormField { fields[focus] }

    /// The line under field `index`: the server's problems, else the rules' once checked.
    package func problem(at index: Int) -> String? {
        let field = fields[index]
        let problems = !field.serverProblems.isEmpty ? field.serverProblems
            : checked.contains(index) ? field.localProblems : []
        guard !problems.isEmpty else { return nil }
        return "\(field.label.lowercased()) \(problems.joined(separator: "; "))"
    }

    package var isValid: Bool { fields.allSatisfy { $0.localProblems.isEmpty } }

    mutating func moveFocus(by step: Int) {
        checked.insert(focus)
        focus = (focus + step + fields.count) % fields.count
    }

    mutating func edit(_ key: Key) -> Bool {
        let before = fields[focus]
        guard fields[focus].edit(key) else { return false }
        if fields[focus].input != before.input || fields[focus].choice != before.choice || fields[focus].chosen != before.chosen {
            fields[focus].serverProblems = []
        }
        return true
    }

    /// Marks every field checked; when one breaks a rule, focuses the first such and answers false.
    /// The server's earlier complaints do not block a new try: it judges again.
    mutating func validateForSubmit() -> Bool {
        checked = Set(fields.indices)
        if let bad = fields.indices.first(where: { !fields[$0].localProblems.isEmpty }) {
            focus = bad
            return false
        }
        return true
    }

    /// Puts a 422's `errors` beside their fields (`preferences.min_price` finds `min_price`) and focuses
    /// the first; answers the messages no field here owns.
    mutating func applyServerErrors(_ errors: [String: [String]]) -> [String] {
        var unplaced: [String] = []
        for key in errors.keys.sorted() {
            let messages = errors[key] ?? []
            if let index = fields.firstIndex(where: { $0.name == key || key.hasSuffix(".\($0.name)") }) {
                fields[index].serverProblems += messages
            } else {
                unplaced += messages.map { "\(key) \($0)" }
            }
        }
        if let first = fields.indices.first(where: { !fields[$0].serverProblems.isEmpty }) { focus = first }
        return unplaced
    }

    /// Empties the password fields, which are never kept after a submission ends.
    mutating func clearPasswords() {
        for index in fields.indices where fields[index].isMasked { fields[index].input = TextField() }
    }
}
