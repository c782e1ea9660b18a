import EaglehurstAPI
import Foundation

/// Legal and valuation help: a user's own requests, or the admin's service desk; a request opened
/// with its timeline, its conversation (new messages arrive by themselves) and its documents.
enum Services: Drawing {
    /// The pause between polls of an open request: short while things happen, longer while quiet.
    static func pollPause(quietPolls: Int) -> Duration { .seconds(min(8, 2 + 2 * quietPolls)) }

    // MARK: opening

    /// Opens the screen: the signed-in user's requests, or for an admin the service desk.
    static func open(_ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        guard let account = shell.account else {
            shell.screen = .signin
            shell.message = .info("Sign in to ask for legal or valuation help.")
            return []
        }
        if state.accountID != account.id {
            state = ServicesState()
            state.accountID = account.id
            state.isDesk = account.userType == .admin
            state.filter = state.isDesk ? .open : .all
        }
        shell.screen = .services
        fit(&state, shell.size)
        return reloadList(&state) + (state.detail.map { reloadDetail($0.id, &state) } ?? [])
    }

    /// Opens the screen on one request (a notification about it was opened).
    static func open(_ id: UUID, title: String, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        var effects = open(&state, &shell)
        guard shell.screen == .services else { return effects }
        state.draft = nil
        state.chooser = nil
        if state.detail?.id != id {
            closeDetail(&state)
            state.detail = ServiceDetail(id: id, title: title)
            effects += reloadDetail(id, &state)
        }
        return effects
    }

    /// Opens the screen on a new request about a listing (`v` on a listing).
    static func ask(about listingID: UUID, title: String, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        guard shell.account?.userType != .admin else {
            shell.message = .info("Service requests are for buyers and sellers; admins answer them at the service desk.")
            return []
        }
        var effects = open(&state, &shell)
        guard shell.screen == .services else { return effects }
        closeDetail(&state)
        effects += startDraft(ServiceDraft(listingID: listingID, listingTitle: title), &state)
        return effects
    }

    static func reloadList(_ state: inout ServicesState) -> [Effect] {
        state.isLoading = true
        return [.services(.loadList(state.filter, desk: state.isDesk, generation: state.generation))]
    }

    static func fit(_ state: inout ServicesState, _ size: Size) {
        state.cursor.setViewportHeight(Layout.tableViewportHeight(size))
        state.chooser?.cursor.setViewportHeight(max(1, Layout.tableViewportHeight(size) / 2))
        state.detail?.documentCursor.setViewportHeight(max(1, (size.height - 16) / 2))
    }

    static func openDetail(_ request: ServiceRequest, _ state: inout ServicesState) -> [Effect] {
        closeDetail(&state)
        state.detail = ServiceDetail(id: request.id, title: request.title)
        state.detail?.request = request
        return reloadDetail(request.id, &state)
    }

    /// Everything of an open request asked again; a new poll cycle follows the thread's answer.
    static func reloadDetail(_ id: UUID, _ state: inout ServicesState) -> [Effect] {
        guard var detail = state.detail, detail.id == id else { return [] }
        detail.pollToken += 1
        detail.isLoading = true
        detail.isThreadLoading = true
        state.detail = detail
        return [.services(.loadRequest(id: id, etag: nil)), .services(.loadThread(id: id, after: nil, etag: nil)), .services(.loadDocuments(id: id))]
    }

    /// Closing a request stops its poll: answers of its cycle carry a token no longer current.
    static func closeDetail(_ state: inout ServicesState) {
        state.detail = nil
    }

    static func startDraft(_ draft: ServiceDraft, _ state: inout ServicesState) -> [Effect] {
        state.draft = draft
        var chooser = ServiceChooser(purpose: .template)
        chooser.isLoading = state.templates == nil
        chooser.cursor = ListCursor(count: state.templates?.count ?? 0, viewportHeight: 12)
        state.chooser = chooser
        return state.templates == nil ? [.services(.loadTemplates)] : []
    }

    // MARK: answers

    static func update(_ state: inout ServicesState, _ message: ServicesMessage, _ shell: inout Shell) -> [Effect] {
        defer { fit(&state, shell.size) }
        switch message {
        case .listLoaded(let generation, let result):
            guard generation == state.generation else { return [] }
            state.isLoading = false
            switch result {
            case .success(let page):
                let selectedID = state.selected?.id
                state.requests = page.items
                state.total = page.total
                state.cursor.setCount(page.items.count)
                if let selectedID, let index = page.items.firstIndex(where: { $0.id == selectedID }) { state.cursor.select(index) }
                state.failure = nil
                state.isStale = false
                state.receivedAt = Date()
            case .failure(let failure):
                state.failure = failure
                state.isStale = !state.requests.isEmpty
                shell.message = .error("Could not load \(state.isDesk ? "the service desk" : "your requests"): \(failure.summary)")
            }
        case .requestLoaded(let id, let result):
            guard var detail = state.detail, detail.id == id else { return [] }
            detail.isLoading = false
            takeRequest(result, into: &detail, &state, &shell)
            state.detail = detail
        case .threadLoaded(let id, let after, let result):
            guard var detail = state.detail, detail.id == id else { return [] }
            detail.isThreadLoading = false
            let effects = takeThread(result, after: after, into: &detail, shell: &shell)
            state.detail = detail
            return effects + schedulePoll(&state)
        case .documentsLoaded(let id, let result):
            guard var detail = state.detail, detail.id == id else { return [] }
            takeDocuments(result, into: &detail, shell: &shell)
            state.detail = detail
        case .polled(let id, let token, let request, let after, let thread, let documents):
            guard var detail = state.detail, detail.id == id, detail.pollToken == token else { return [] }
            let before = (detail.request, detail.messages.count, detail.documents.count)
            takeRequest(request, into: &detail, &state, &shell)
            var effects = takeThread(thread, after: after, into: &detail, shell: &shell)
            takeDocuments(documents, into: &detail, shell: &shell)
            let changed = before.0 != detail.request || before.1 != detail.messages.count || before.2 != detail.documents.count
            detail.quietPolls = changed ? 0 : detail.quietPolls + 1
            detail.isStale = request.failure != nil || thread.failure != nil
            state.detail = detail
            if changed { effects += reloadList(&state) }
            // Away from the screen the poll rests; opening the screen again reloads and restarts it.
            return effects + (shell.screen == .services ? schedulePoll(&state) : [])
        case .templatesLoaded(let result):
            switch result {
            case .success(let templates):
                state.templates = templates
                if state.chooser?.purpose == .template {
                    state.chooser?.isLoading = false
                    state.chooser?.cursor.setCount(templates.count)
                }
            case .failure(let failure):
                if state.chooser?.purpose == .template { state.chooser = nil; state.draft = nil }
                shell.message = .error("Could not load the kinds of request: \(failure.summary)")
            }
        case .providersLoaded(let type, let result):
            switch result {
            case .success(let providers):
                state.providers[type] = providers
                if case .assign(_, let wanted) = state.chooser?.purpose, wanted == type {
                    state.chooser?.isLoading = false
                    state.chooser?.cursor.setCount(providers.count)
                }
                if var draft = state.draft, var form = draft.form, form.chosen("service_type", as: ServiceType.self) == type {
                    form = ServiceForms.withProviders(form, providers)
                    draft.form = form
                    state.draft = draft
                }
            case .failure(let failure):
                if case .assign = state.chooser?.purpose { state.chooser = nil }
                shell.message = .error("Could not load the providers: \(failure.summary)")
            }
        case .created(let result):
            return created(result, &state, &shell)
        case .updated(let result):
            switch result {
            case .success(let request):
                if state.detail?.id == request.id {
                    state.detail?.request = request
                    state.detail?.title = request.title
                    state.detail?.isUpdating = false
                }
                shell.message = .ok("“\(request.title)” is \(statusLabel(request.status)) now.")
                // The desk's change writes a note in the thread: the next poll comes at once.
                state.detail?.quietPolls = 0
                return reloadList(&state) + (state.detail?.id == request.id ? [.services(.loadThread(id: request.id, after: state.detail?.lastMessageID, etag: nil))] : [])
            case .failure(let failure):
                state.detail?.isUpdating = false
                shell.message = .error("Not changed: \(failure.summary)")
                if failure.status == 409, let id = state.detail?.id { return [.services(.loadRequest(id: id, etag: nil))] }
            }
        case .sent(let id, let result):
            guard state.detail?.id == id else { return [] }
            state.detail?.isSending = false
            switch result {
            case .success(let message):
                if state.detail?.messages.contains(where: { $0.id == message.id }) == false { state.detail?.messages.append(message) }
                state.detail?.compose = TextArea("")
                state.detail?.scrollBack = 0
                state.detail?.quietPolls = 0
                shell.message = nil
            case .failure(let failure):
                // The text stays in the box, to send again.
                shell.message = .error("Not sent: \(failure.summary)")
            }
        case .uploaded(let id, let result):
            guard state.detail?.id == id else { return [] }
            switch result {
            case .success(let document):
                guard var detail = state.detail else { return [] }
                detail.upload = nil
                detail.documents.insert(document, at: 0)
                detail.documentCursor.setCount(detail.documents.count)
                detail.documentCursor.select(0)
                detail.focus = .documents
                state.detail = detail
                shell.message = .ok("\(document.fileName) is attached.")
            case .failure(let failure):
                state.detail?.upload?.isSubmitting = false
                if case .problem(let problem) = failure, !problem.fieldErrors.isEmpty, var form = state.detail?.upload {
                    let unplaced = form.applyServerErrors(problem.fieldErrors)
                    state.detail?.upload = form
                    shell.message = .error("Not attached: \(unplaced.isEmpty ? "see the marked fields" : unplaced.joined(separator: "; "))")
                } else {
                    shell.message = .error("Not attached: \(failure.summary)")
                }
            }
        case .downloaded(let result):
            switch result {
            case .success(let path): shell.message = .ok("Saved to \(path).")
            case .failure(.file(let reason)): shell.message = .error("Not saved: \(reason).")
            case .failure(let failure): shell.message = .error("Not saved: \(failure.summary)")
            }
        case .markedRead:
            break
        }
        return []
    }

    private static func takeRequest(_ result: Result<Conditional<ServiceRequest>, RequestFailure>, into detail: inout ServiceDetail, _ state: inout ServicesState, _ shell: inout Shell) {
        switch result {
        case .success(.changed(let request, let etag)):
            detail.request = request
            detail.title = request.title
            detail.requestETag = etag
            detail.failure = nil
            if let index = state.requests.firstIndex(where: { $0.id == request.id }) { state.requests[index] = request }
        case .success(.notModified(let etag)):
            detail.requestETag = etag
        case .failure(let failure):
            detail.failure = failure
            detail.isStale = detail.request != nil
            if detail.request == nil { shell.message = .error("Could not load the request: \(failure.summary)") }
        }
    }

    /// New messages join the thread; the newest from the other side is marked read, since it is on screen.
    private static func takeThread(_ result: Result<Conditional<[ServiceCommunication]>, RequestFailure>, after: UUID?, into detail: inout ServiceDetail, shell: inout Shell) -> [Effect] {
        switch result {
        case .success(.changed(let messages, let etag)):
            if after == nil {
                detail.messages = messages
            } else if after == detail.lastMessageID || detail.messages.contains(where: { $0.id == after }) {
                let known = Set(detail.messages.map(\.id))
                detail.messages += messages.filter { !known.contains($0.id) }
            }
            detail.threadETag = etag
            detail.threadETagAfter = detail.lastMessageID
            detail.isStale = false
            guard let last = detail.messages.last(where: { isFromOtherSide($0, desk: shell.account?.userType == .admin) }), !last.isRead else { return [] }
            for index in detail.messages.indices where isFromOtherSide(detail.messages[index], desk: shell.account?.userType == .admin) {
                detail.messages[index].isRead = true
            }
            return [.services(.markRead(requestID: detail.id, communicationID: last.id))]
        case .success(.notModified(let etag)):
            detail.threadETag = etag
        case .failure(let failure):
            detail.isStale = !detail.messages.isEmpty
            if detail.messages.isEmpty { shell.message = .error("Could not load the conversation: \(failure.summary)") }
        }
        return []
    }

    private static func takeDocuments(_ result: Result<[ServiceDocument], RequestFailure>, into detail: inout ServiceDetail, shell: inout Shell) {
        switch result {
        case .success(let documents):
            let selected = detail.selectedDocument?.id
            detail.documents = documents
            detail.documentCursor.setCount(documents.count)
            if let selected, let index = documents.firstIndex(where: { $0.id == selected }) { detail.documentCursor.select(index) }
        case .failure:
            break
        }
    }

    /// The next poll of the open request, unless one is already on its way for this cycle.
    private static func schedulePoll(_ state: inout ServicesState) -> [Effect] {
        guard var detail = state.detail, !detail.isThreadLoading else { return [] }
        detail.pollToken += 1
        state.detail = detail
        let after = detail.lastMessageID
        return [.services(.poll(
            id: detail.id, token: detail.pollToken, pause: pollPause(quietPolls: detail.quietPolls),
            requestETag: detail.requestETag, after: after, threadETag: detail.threadETagAfter == after ? detail.threadETag : nil))]
    }

    private static func created(_ result: Result<ServiceRequest, RequestFailure>, _ state: inout ServicesState, _ shell: inout Shell) -> [Effect] {
        switch result {
        case .success(let request):
            state.draft = nil
            state.requests.insert(request, at: 0)
            state.cursor.setCount(state.requests.count)
            state.cursor.select(0)
            shell.message = .ok("Sent: the service desk reviews “\(request.title)” and assigns a provider.")
            return openDetail(request, &state) + reloadList(&state)
        case .failure(let failure):
            state.draft?.form?.isSubmitting = false
            if case .problem(let problem) = failure, !problem.fieldErrors.isEmpty, var form = state.draft?.form {
                let unplaced = form.applyServerErrors(problem.fieldErrors)
                state.draft?.form = form
                shell.message = .error("Not sent: \(unplaced.isEmpty ? "see the marked fields" : unplaced.joined(separator: "; "))")
            } else {
                shell.message = .error("Not sent: \(failure.summary)")
            }
            return []
        }
    }

    /// Whose messages the signed-in side reads: the desk reads the requester's, the requester everyone else's.
    static func isFromOtherSide(_ message: ServiceCommunication, desk: Bool) -> Bool {
        desk ? message.senderType == .user : message.senderType != .user
    }

    // MARK: the workflow

    /// The desk's next step for a request in `status`, and what the key does then.
    static func nextStep(_ status: ServiceStatus) -> (status: ServiceStatus, verb: String)? {
        switch status {
        case .submitted: (.inReview, "start reviewing")
        case .inReview: (.assigned, "assign the provider")
        case .assigned: (.inProgress, "start the work")
        case .inProgress: (.completed, "complete")
        case .completed, .cancelled: nil
        }
    }

    /// The requester may cancel before work starts.
    static func canCancel(_ status: ServiceStatus) -> Bool { [.submitted, .inReview, .assigned].contains(status) }

    static func statusLabel(_ status: ServiceStatus) -> String {
        switch status {
        case .submitted: "submitted"
        case .inReview: "in review"
        case .assigned: "assigned"
        case .inProgress: "in progress"
        case .completed: "completed"
        case .cancelled: "cancelled"
        }
    }

    static func typeLabel(_ type: ServiceType) -> String {
        switch type {
        case .legal: "legal"
        case .valuation: "valuation"
        case .dueDiligence: "due diligence"
        case .accounting: "accounting"
        case .finance: "finance"
        case .compliance: "compliance"
        case .other: "other"
        }
    }
}
