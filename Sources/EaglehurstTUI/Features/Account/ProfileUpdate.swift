/// The signed-in user's profile: the account, the seller's business or the buyer's wishes, identity
/// verification, and the forms that change them.
enum Profile: Drawing {}

extension Profile {
    static func load(_ state: inout ProfileScreenState) -> [Effect] {
        guard !state.isLoading else { return [] }
        state.isLoading = true
        return [.profile(.loadProfile)]
    }

}

extension Profile {
    static func update(_ state: inout ProfileScreenState, _ message: ProfileMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .profileLoaded(let result):
            state.isLoading = false
            switch result {
            case .success(let data):
                state.data = data
                state.failure = nil
                shell.account = data.account
            case .failure(let failure):
                state.failure = failure
                shell.message = .error("Could not load your profile: \(failure.summary)")
            }
        case .profileSaved(let kind, let result):
            guard var editor = state.editor, editor.kind == kind else { return [] }
            editor.form.isSubmitting = false
            switch result {
            case .success(let data):
                state.editor = nil
                state.data = data
                state.failure = nil
                shell.account = data.account
                shell.message = .ok(kind.done)
            case .failure(.file(let reason)):
                editor.form["file"].serverProblems = ["cannot be read: \(reason)"]
                editor.form.focus = editor.form.fields.firstIndex { $0.name == "file" } ?? 0
                state.editor = editor
                shell.message = .error("Please fix the marked fields.")
            case .failure(let failure):
                editor.form.showFailure(failure, doing: "Saving", shell: &shell)
                state.editor = editor
            }
        }
        return []
    }

    /// Sends the form open over the profile, once it passes the shared rules.
    static func submit(_ state: inout ProfileScreenState, _ shell: inout Shell) -> [Effect] {
        guard var editor = state.editor, !editor.form.isSubmitting else { return [] }
        guard editor.form.validateForSubmit() else {
            state.editor = editor
            shell.message = .error("Please fix the marked fields.")
            return []
        }
        guard let change = editor.change else { return [] }
        shell.message = nil
        editor.form.isSubmitting = true
        state.editor = editor
        return [.profile(.saveProfile(change))]
    }

}
