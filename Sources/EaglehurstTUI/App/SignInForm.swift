import EaglehurstAPI

/// The sign-in form: email and a masked password, checked inline with the server's own rules.
public struct SignInForm: Equatable, Sendable {
    public enum Field: Int, CaseIterable, Sendable { case email, password }

    public var email = TextField()
    public var password = TextField()
    public var focus: Field = .email
    /// Fields the user has left or tried to submit: only these show their problems, so nobody is
    /// scolded while still typing.
    public var checked: Set<Field> = []
    public var isSubmitting = false

    public func problem(for field: Field) -> String? {
        guard checked.contains(field) else { return nil }
        switch field {
        case .email: return Validation.email(email.text).first.map { "email \($0)" }
        case .password: return password.text.isEmpty ? "password is required" : nil
        }
    }

    public var isValid: Bool {
        Validation.email(email.text).isEmpty && !password.text.isEmpty
    }

    mutating func moveFocus(by step: Int) {
        checked.insert(focus)
        let all = Field.allCases
        focus = all[(focus.rawValue + step + all.count) % all.count]
    }

    mutating func edit(_ key: Key) -> Bool {
        switch focus {
        case .email: email.handle(key)
        case .password: password.handle(key)
        }
    }
}
