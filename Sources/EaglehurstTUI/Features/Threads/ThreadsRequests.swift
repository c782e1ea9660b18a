import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// The threads, notifications and poll requests. Polls send the ETag they were last given, so an
/// unchanged thread or list costs the server a 304.
extension EffectRunner {
    /// Messages a thread shows when opened: the newest page, and the one before when it is short.
    static let threadPageSize = 100

    func runConversations(_ effect: ConversationsEffect) async -> ConversationsMessage {
        switch effect {
        case .wait(let pause, let token):
            try? await Task.sleep(for: pause)
            return .pollDue(token: token)
        case .poll(let request, let token):
            return .polled(token: token, await poll(request))
        case .loadThread(let id):
            return .threadLoaded(id, await loadThread(id))
        case .send(let id, let content):
            return .messageSent(id, await send(id, content: content))
        case .markRead(let id, let message):
            return .markedRead(id, await markRead(id, message: message))
        case .respond(let id, let accept, let message):
            return .connectionWritten(accept ? .accepted : .rejected, await respond(id, accept: accept, message: message))
        case .block(let id):
            return .connectionWritten(.blocked, await block(id))
        case .requestConnection(let listingID, let message):
            let result = await requestConnection(listingID: listingID, message: message)
            // The listing now shows the buyer as connected (and, once accepted, its confidential fields).
            if case .success = result { await cache.invalidate(CacheKey(.listing, listingID.uuidString)) }
            return .connectionWritten(.requested, result)
        case .loadUsage:
            return .usageLoaded(await usage())
        case .loadNotes(let id):
            return .notesLoaded(id, await notes(id))
        case .saveNotes(let id, let text):
            return .notesSaved(id, await saveNotes(id, text: text))
        case .markNotificationRead(let id):
            return .notificationRead(id, await markNotificationRead(id))
        case .markAllNotificationsRead:
            return .allNotificationsRead(await markAllNotificationsRead())
        case .loadPreferences:
            return .preferencesLoaded(await preferences())
        case .setPreference(let type, let email, let push):
            return .preferencesLoaded(await setPreference(type, email: email, push: push))
        }
    }

    // MARK: the poll

    /// The newest messages of a thread: the last page, and the one before it so a short last page
    /// still shows some of the conversation.
    func loadThread(_ id: UUID) async -> Result<ThreadAnswer, RequestFailure> {
        await attempt {
            func page(_ number: Int) async throws -> Result<(Components.Schemas.MessagePage, String?), RequestFailure> {
                switch try await client.connectionsGetMessages(path: .init(connectionId: id), query: .init(page: number, perPage: Self.threadPageSize)) {
                case .ok(let ok): return .success((try ok.body.json, ok.headers.eTag))
                case .notModified: return .failure(.unexpected("304 Not Modified to a request without an ETag"))
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the thread"))
                }
            }
            let (first, firstTag) = try await page(1).get()
            guard first.total > first.items.count else { return .success(ThreadAnswer(messages: first.items, etag: firstTag)) }
            let last = (first.total + Self.threadPageSize - 1) / Self.threadPageSize
            let before = last - 1 > 1 ? try await page(last - 1).get().0.items : first.items
            let (newest, tag) = try await page(last).get()
            let earlier = max(0, (last - 2) * Self.threadPageSize)
            return .success(ThreadAnswer(messages: before + newest.items, earlier: earlier, etag: tag))
        }
    }

    // MARK: writes

    func send(_ id: UUID, content: String) async -> Result<ThreadMessage, RequestFailure> {
        await attempt {
            switch try await client.connectionsSendMessage(path: .init(connectionId: id), body: .json(.init(content: content))) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "sending the message"))
            }
        }
    }

    func markRead(_ id: UUID, message: UUID) async -> RequestFailure? {
        let result: Result<Void, RequestFailure> = await attempt {
            switch try await client.connectionsMarkMessageRead(path: .init(connectionId: id, messageId: message)) {
            case .noContent: return .success(())
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "marking read"))
            }
        }
        return result.failure
    }

    func respond(_ id: UUID, accept: Bool, message: String?) async -> Result<Conversation, RequestFailure> {
        await attempt {
            switch try await client.connectionsRespond(path: .init(connectionId: id), body: .json(.init(status: accept ? .accepted : .rejected, message: message))) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the answer"))
            }
        }
    }

    func block(_ id: UUID) async -> Result<Conversation, RequestFailure> {
        await attempt {
            switch try await client.connectionsBlock(path: .init(connectionId: id), body: .json(.init())) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "blocking"))
            }
        }
    }

    func requestConnection(listingID: UUID, message: String) async -> Result<Conversation, RequestFailure> {
        await attempt {
            switch try await client.connectionsCreate(body: .json(.init(listingId: listingID, message: message))) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the connection request"))
            }
        }
    }

    func usage() async -> Result<PlanUsage, RequestFailure> {
        await attempt {
            switch try await client.subscriptionsUsage() {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your plan's usage"))
            }
        }
    }

    func notes(_ id: UUID) async -> Result<String, RequestFailure> {
        await attempt {
            switch try await client.connectionsGetNotes(path: .init(connectionId: id)) {
            case .ok(let ok): return .success(try ok.body.json.notes)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your notes"))
            }
        }
    }

    func saveNotes(_ id: UUID, text: String) async -> Result<String, RequestFailure> {
        await attempt {
            switch try await client.connectionsUpdateNotes(path: .init(connectionId: id), body: .json(.init(notes: text))) {
            case .ok(let ok): return .success(try ok.body.json.notes)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "saving your notes"))
            }
        }
    }

}
