import EaglehurstAPI
import Foundation

/// The services screen's keys, beside what they do, what the dangerous ones act on and why they are refused.
extension Services {
    static let bindings: [Binding] = [
        spec(.global, .goServices, "services: legal and valuation help"),
    ] + listSpecs(.services) + [
        spec(.services, .open, "open the request: its progress, conversation and documents", hint: "open"),
        spec(.services, .newRequest, "ask for legal, valuation or other help", hint: "new"),
        spec(.services, .filter, "which requests: all, open, or one status", hint: "filter"),
        spec(.services, .showQueue, "admins: the listings moderation queue", hint: "listings"),
        spec(.services, .showUsers, "admins: users"),
        spec(.services, .refresh, "reload"),
        spec(.services, .back, "back to your profile"),
        spec(.serviceDetail, .compose, "write in the conversation", hint: "write"),
        spec(.serviceDetail, .editLongText, "write the message in $EDITOR (or the built-in editor)"),
        spec(.serviceDetail, .switchPane, "conversation ⇄ documents", hint: "documents"),
        spec(.serviceDetail, .uploadDocument, "attach a document", hint: "attach"),
        spec(.serviceDetail, .advanceStatus, "admins: the next step (review, assign, start, complete)", hint: "next step"),
        spec(.serviceDetail, .assignProvider, "admins: assign or change the provider", hint: "provider"),
        spec(.serviceDetail, .writeAs, "admins: write and attach as the desk ⇄ as the provider", hint: "as desk/provider"),
        spec(.serviceDetail, .cancelRequest, "cancel the request (before work starts)", hint: "cancel request", dangerous: true),
        spec(.serviceDetail, .scrollThreadUp, "older messages"),
        spec(.serviceDetail, .scrollThreadDown, "newer messages"),
        spec(.serviceDetail, .refresh, "reload"),
        spec(.serviceDetail, .back, "back to the list", hint: "back"),
        spec(.serviceCompose, .send, "send", hint: "send"),
        spec(.serviceCompose, .newline, "new line", hint: "new line"),
        spec(.serviceCompose, .editLongText, "write it in $EDITOR (or the built-in editor)", hint: "editor"),
        spec(.serviceCompose, .cancel, "stop writing (the draft stays)", hint: "stop"),
    ] + listSpecs(.serviceDocuments) + [
        spec(.serviceDocuments, .downloadDocument, "save the selected document to a file", hint: "download"),
        spec(.serviceDocuments, .uploadDocument, "attach a document", hint: "attach"),
        spec(.serviceDocuments, .switchPane, "documents ⇄ conversation", hint: "conversation"),
        spec(.serviceDocuments, .refresh, "reload"),
        spec(.serviceDocuments, .back, "back to the list", hint: "back"),
    ] + listSpecs(.serviceChooser) + [
        spec(.serviceChooser, .choose, "take the selected one", hint: "choose"),
        spec(.serviceChooser, .cancel, "close without choosing", hint: "cancel"),
        spec(.serviceForm, .nextField, "next field", hint: "next field"),
        spec(.serviceForm, .previousField, "previous field"),
        spec(.serviceForm, .editLongText, "write the description in $EDITOR (or the built-in editor)", hint: "editor"),
        spec(.serviceForm, .submit, "send", hint: "send"),
        spec(.serviceForm, .cancel, "close without sending", hint: "cancel"),
    ]

    /// The footer offers the desk's keys to admins only, and writing only where the conversation is open.
    static func hintApplies(_ binding: Binding, in state: ServicesState) -> Bool {
        let deskOnly: Set<Action> = [.showQueue, .showUsers, .advanceStatus, .assignProvider, .writeAs]
        if deskOnly.contains(binding.action) { return state.isDesk }
        switch binding.action {
        case .newRequest, .cancelRequest: return !state.isDesk
        case .compose: return state.detail.map(canWrite) ?? true
        default: return true
        }
    }

    /// The context whose keys are live on this screen.
    static func context(_ state: ServicesState) -> Context {
        if state.chooser != nil { return .serviceChooser }
        if state.draft?.form != nil || state.detail?.upload != nil { return .serviceForm }
        guard let detail = state.detail else { return .services }
        switch detail.focus {
        case .thread: return .serviceDetail
        case .compose: return .serviceCompose
        case .documents: return .serviceDocuments
        }
    }

    /// The form with the keyboard: a new request's, or a document being attached.
    static func formPath(_ state: ServicesState) -> WritableKeyPath<ServicesState, Form>? {
        if state.chooser != nil { return nil }
        if state.draft?.form != nil { return \.draft!.form! }
        if state.detail?.upload != nil { return \.detail!.upload! }
        return nil
    }

    static func dangerSubject(_ action: Action, _ state: ServicesState) -> String? {
        action == .cancelRequest ? state.detail?.title : nil
    }

    static func whyNot(_ action: Action, _ state: ServicesState, _ shell: Shell) -> String? {
        guard action == .cancelRequest else { return nil }
        guard let request = state.detail?.request else { return "The request is still loading." }
        if shell.account?.userType == .admin { return "The requester cancels; the desk completes or leaves it." }
        return canCancel(request.status) ? nil : "A request \(statusLabel(request.status)) cannot be cancelled."
    }

    static func perform(_ action: Action, in context: Context, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        fit(&state, shell.size)
        switch context {
        case .services: return listAction(action, &state, &shell)
        case .serviceDetail, .serviceDocuments: return detailAction(action, in: context, &state, &shell)
        case .serviceCompose: return composeAction(action, &state, &shell)
        case .serviceChooser: return chooserAction(action, &state, &shell)
        case .serviceForm: return formAction(action, &state, &shell)
        default: return []
        }
    }

    private static func listAction(_ action: Action, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        if state.cursor.move(action) { return [] }
        switch action {
        case .open:
            guard let request = state.selected else { return [] }
            shell.message = nil
            return openDetail(request, &state)
        case .newRequest:
            guard !state.isDesk else {
                shell.message = .info("The desk answers requests; buyers and sellers make them.")
                return []
            }
            shell.message = nil
            return startDraft(ServiceDraft(), &state)
        case .filter:
            let filters = ServicesFilter.cycle(desk: state.isDesk)
            state.filter = filters[((filters.firstIndex(of: state.filter) ?? -1) + 1) % filters.count]
            state.generation += 1
            state.requests = []
            state.total = nil
            state.cursor.setCount(0)
            return reloadList(&state)
        case .showQueue, .showUsers:
            guard state.isDesk else { return [] }
            shell.go(.adminTab(action == .showQueue ? .queue : .users))
        case .refresh:
            shell.message = nil
            return reloadList(&state)
        case .back:
            shell.go(.back)
        default:
            break
        }
        return []
    }

    private static func detailAction(_ action: Action, in context: Context, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        guard var detail = state.detail else { return [] }
        let desk = state.isDesk
        if context == .serviceDocuments, detail.documentCursor.move(action) {
            state.detail = detail
            return []
        }
        switch action {
        case .back:
            closeDetail(&state)
            shell.message = nil
            return reloadList(&state)
        case .refresh:
            shell.message = nil
            return reloadDetail(detail.id, &state)
        case .switchPane:
            detail.focus = detail.focus == .documents ? .thread : .documents
        case .compose:
            guard canWrite(detail) else {
                shell.message = .info("This request is \(detail.request.map { statusLabel($0.status) } ?? "loading"): its conversation is closed.")
                return []
            }
            detail.focus = .compose
        case .editLongText:
            state.detail = detail
            return openLongText(&state, &shell)
        case .scrollThreadUp:
            detail.scrollBack += max(1, Layout.threadLines(shell.size) / 2)
        case .scrollThreadDown:
            detail.scrollBack = max(0, detail.scrollBack - max(1, Layout.threadLines(shell.size) / 2))
        case .uploadDocument:
            detail.upload = ServiceForms.upload(desk: desk)
            shell.message = nil
        case .downloadDocument:
            guard let document = detail.selectedDocument else {
                shell.message = .info("No document is attached yet.")
                return []
            }
            shell.overlay = .prompt(Prompt(purpose: .saveDocument(requestID: detail.id, documentID: document.id),
                                           title: "Save \(document.fileName) as", form: .savePath(suggested: document.fileName)))
        case .cancelRequest:
            guard !desk else { return [] }
            detail.isUpdating = true
            shell.message = .info("Cancelling…")
            state.detail = detail
            return [.services(.update(id: detail.id, .init(status: .cancelled)))]
        case .advanceStatus:
            guard desk else { return refuseDesk(&shell) }
            guard let request = detail.request else { return [] }
            guard let next = nextStep(request.status) else {
                shell.message = .info("This request is \(statusLabel(request.status)): nothing follows.")
                return []
            }
            if next.status == .assigned, request.providerId == nil, request.preferredProviderId == nil {
                state.detail = detail
                return chooseProvider(for: request, &state, &shell)
            }
            detail.isUpdating = true
            shell.message = .info("Moving to \(statusLabel(next.status))…")
            state.detail = detail
            return [.services(.adminUpdate(id: detail.id, .init(status: next.status)))]
        case .assignProvider:
            guard desk else { return refuseDesk(&shell) }
            guard let request = detail.request else { return [] }
            guard ![.completed, .cancelled].contains(request.status) else {
                shell.message = .info("This request is \(statusLabel(request.status)): its provider stays.")
                return []
            }
            state.detail = detail
            return chooseProvider(for: request, &state, &shell)
        case .writeAs:
            guard desk else { return refuseDesk(&shell) }
            detail.writeAs = detail.writeAs == .admin ? .provider : .admin
            shell.message = .info(detail.writeAs == .provider ? "You write and attach on the provider's behalf." : "You write and attach as the service desk.")
        default:
            break
        }
        state.detail = detail
        return []
    }

    private static func refuseDesk(_ shell: inout Shell) -> [Effect] {
        shell.message = .info("The service desk (admins) does that.")
        return []
    }

    static func canWrite(_ detail: ServiceDetail) -> Bool {
        guard let status = detail.request?.status else { return false }
        return status != .cancelled
    }

    private static func chooseProvider(for request: ServiceRequest, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        var chooser = ServiceChooser(purpose: .assign(requestID: request.id, serviceType: request.serviceType))
        let known = state.providers[request.serviceType]
        chooser.isLoading = known == nil
        chooser.cursor = ListCursor(count: known?.count ?? 0, viewportHeight: 12)
        if let known, let current = request.providerId ?? request.preferredProviderId, let index = known.firstIndex(where: { $0.id == current }) {
            chooser.cursor.select(index)
        }
        state.chooser = chooser
        shell.message = nil
        return known == nil ? [.services(.loadProviders(request.serviceType))] : []
    }

    private static func composeAction(_ action: Action, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        guard var detail = state.detail else { return [] }
        switch action {
        case .send:
            let text = detail.compose.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, !detail.isSending else { return [] }
            guard text.unicodeScalars.count <= 5000 else {
                shell.message = .error("The message is \(text.unicodeScalars.count) characters; the most is 5000.")
                return []
            }
            detail.isSending = true
            state.detail = detail
            return [.services(.send(id: detail.id, text: text, as: state.isDesk ? detail.writeAs : nil))]
        case .newline:
            _ = detail.compose.handle(.enter)
        case .editLongText:
            state.detail = detail
            return openLongText(&state, &shell)
        case .cancel:
            detail.focus = .thread
        default:
            break
        }
        state.detail = detail
        return []
    }

    /// Typing in the compose box.
    static func editCompose(_ key: Key, _ state: inout ServicesState) -> Bool {
        guard var detail = state.detail, detail.focus == .compose, !detail.isSending else { return false }
        if case .character = key {} else if key != .backspace && key != .delete && key != .left && key != .right && key != .home && key != .end { return false }
        guard detail.compose.handle(key) else { return false }
        detail.compose.keepCursorVisible(height: Layout.composeLines)
        state.detail = detail
        return true
    }

    private static func chooserAction(_ action: Action, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        guard var chooser = state.chooser else { return [] }
        if chooser.cursor.move(action) {
            state.chooser = chooser
            return []
        }
        switch action {
        case .cancel:
            state.chooser = nil
            if chooser.purpose == .template { state.draft = nil }
        case .choose:
            switch chooser.purpose {
            case .template:
                guard let templates = state.templates, templates.indices.contains(chooser.cursor.selected), var draft = state.draft else { return [] }
                let template = templates[chooser.cursor.selected]
                draft.template = template
                draft.form = ServiceForms.request(template, about: draft.listingTitle, providers: state.providers[template.serviceType])
                state.draft = draft
                state.chooser = nil
                return state.providers[template.serviceType] == nil ? [.services(.loadProviders(template.serviceType))] : []
            case .assign(let requestID, let type):
                guard let providers = state.providers[type], providers.indices.contains(chooser.cursor.selected) else { return [] }
                let provider = providers[chooser.cursor.selected]
                state.chooser = nil
                let status = state.detail?.request?.status
                // Assigning moves a request under review to `assigned`; later it only changes the firm.
                let move: ServiceStatus? = status == .inReview ? .assigned : nil
                state.detail?.isUpdating = true
                shell.message = .info("Assigning \(provider.companyName)…")
                return [.services(.adminUpdate(id: requestID, .init(status: move, providerId: provider.id)))]
            }
        default:
            break
        }
        if state.chooser != nil { state.chooser = chooser }
        return []
    }

    private static func formAction(_ action: Action, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        guard let path = formPath(state) else { return [] }
        switch action {
        case .nextField: state[keyPath: path].moveFocus(by: 1)
        case .previousField: state[keyPath: path].moveFocus(by: -1)
        case .cancel:
            if state.draft?.form != nil { state.draft = nil } else { state.detail?.upload = nil }
            shell.message = nil
        case .editLongText:
            return openLongText(&state, &shell)
        case .submit:
            guard !state[keyPath: path].isSubmitting else { return [] }
            guard state[keyPath: path].validateForSubmit() else {
                shell.message = .error("Please fix the marked fields.")
                return []
            }
            state[keyPath: path].isSubmitting = true
            shell.message = .info("Sending…")
            return submit(&state)
        default:
            break
        }
        return []
    }

    /// Typing into the open form.
    static func edit(_ key: Key, _ state: inout ServicesState) -> Bool {
        guard let path = formPath(state), !state[keyPath: path].isSubmitting else { return false }
        return state[keyPath: path].edit(key)
    }

    private static func submit(_ state: inout ServicesState) -> [Effect] {
        if let draft = state.draft, let form = draft.form {
            let type = form.chosen("service_type", as: ServiceType.self) ?? .other
            let providerIndex = form["provider_id"].choice - 1
            let providers = state.providers[type] ?? []
            let body = Components.Schemas.ServiceRequestCreate(
                serviceType: type, title: form["title"].value, description: form["description"].value,
                urgency: form.chosen("urgency", as: Components.Schemas.ServiceUrgency.self),
                listingId: draft.listingID, providerId: providers.indices.contains(providerIndex) ? providers[providerIndex].id : nil)
            return [.services(.create(body))]
        }
        if let detail = state.detail, let form = detail.upload {
            let type = form.chosen("document_type", as: Components.Schemas.ServiceDocumentType.self) ?? .other
            let sender: ServiceSender? = state.isDesk ? ServiceSender(rawValue: form["sender_type"].value) : nil
            return [.services(.upload(id: detail.id, path: form["file"].value, type: type, as: sender))]
        }
        return []
    }

    // MARK: long text

    /// The description of a new request, or a message, in `$EDITOR` or the built-in editor.
    static func openLongText(_ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        let (field, label, text): (String, String, String)
        if let form = state.draft?.form {
            (field, label, text) = ("service:description", "Description of your request", form["description"].input.text)
        } else if let detail = state.detail, detail.upload == nil {
            guard canWrite(detail) else { return [] }
            (field, label, text) = ("service:message:\(detail.id.uuidString)", "Message about “\(detail.title)”", detail.compose.text)
        } else {
            return []
        }
        if shell.externalEditor != nil { return [.editExternally(field: field, text: text)] }
        var area = TextArea(text)
        area.keepCursorVisible(height: Layout.textEditorHeight(shell.size))
        shell.overlay = .textEditor(TextEditorOverlay(field: field, label: label, area: area))
        return []
    }

    /// Text back from an editor: nil when the field is not this screen's.
    static func takeLongText(_ text: String, field: String, _ state: inout ServicesState) -> [Effect]? {
        if field == "service:description" {
            state.draft?.form?["description"].input.setText(text)
            return []
        }
        guard field.hasPrefix("service:message:") else { return nil }
        guard var detail = state.detail, field == "service:message:\(detail.id.uuidString)" else { return [] }
        detail.compose = TextArea(text.trimmingCharacters(in: .newlines))
        detail.compose.keepCursorVisible(height: Layout.composeLines)
        detail.focus = .compose
        state.detail = detail
        return []
    }

    /// The prompt's answer: where to save a document.
    static func saveDocument(requestID: UUID, documentID: UUID, to path: String, _ shell: inout Shell) -> [Effect] {
        shell.message = .info("Downloading…")
        return [.services(.download(requestID: requestID, documentID: documentID, to: path))]
    }
}

extension Form {
    /// Where to save a download: the current directory and the document's own name, to change at will.
    static func savePath(suggested name: String) -> Form {
        let safe = name.replacingOccurrences(of: "/", with: "_")
        return Form([FormField("path", "Path", .filePath, text: "./" + safe, hint: "a new file; ~ is your home directory")])
    }
}
