import EaglehurstClient
import OpenAPIRuntime
import EaglehurstAPI
import Foundation

extension EffectRunner {
    func poll(_ request: PollRequest) async -> PollResult {
        async let notifications = notificationsPage(perPage: request.notificationsPerPage, unreadOnly: request.notificationsUnreadOnly, etag: request.notificationsETag)
        async let conversations = conversationsIfAsked(request)
        async let thread = threadIfAsked(request)
        return PollResult(notifications: await notifications, conversations: await conversations, thread: await thread)
    }

    func notificationsPage(perPage: Int, unreadOnly: Bool, etag: String?) async -> Result<NotificationsAnswer, RequestFailure> {
        await attempt {
            switch try await client.notificationsList(query: .init(unreadOnly: unreadOnly, page: 1, perPage: perPage), headers: .init(ifNoneMatch: etag)) {
            case .ok(let ok):
                let page = try ok.body.json
                return .success(NotificationsAnswer(items: page.items, total: page.total, unread: page.unreadCount, etag: ok.headers.eTag))
            case .notModified(let notModified):
                return .success(NotificationsAnswer(items: nil, total: 0, unread: nil, etag: notModified.headers.eTag ?? etag))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "notifications"))
            }
        }
    }

    func conversationsPage(_ filter: ConversationFilter, etag: String?) async -> Result<ConversationsAnswer, RequestFailure> {
        await attempt {
            switch try await client.connectionsList(query: .init(status: filter.status, page: 1, perPage: Self.threadPageSize), headers: .init(ifNoneMatch: etag)) {
            case .ok(let ok):
                let page = try ok.body.json
                return .success(ConversationsAnswer(items: page.items, total: page.total, unreadMessages: page.unreadTotal, etag: ok.headers.eTag))
            case .notModified(let notModified):
                return .success(ConversationsAnswer(items: nil, total: 0, etag: notModified.headers.eTag ?? etag))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "connections"))
            }
        }
    }

    /// Messages after `after`, or nothing (304) when the thread has not changed since `etag`.
    func threadNews(_ id: UUID, after: UUID?, etag: String?) async -> Result<ThreadAnswer, RequestFailure> {
        await attempt {
            let response = try await client.connectionsGetMessages(
                path: .init(connectionId: id), query: .init(after: after, page: 1, perPage: Self.threadPageSize), headers: .init(ifNoneMatch: etag))
            switch response {
            case .ok(let ok): return .success(ThreadAnswer(messages: try ok.body.json.items, etag: ok.headers.eTag))
            case .notModified(let notModified): return .success(ThreadAnswer(messages: nil, etag: notModified.headers.eTag ?? etag))
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the thread"))
            }
        }
    }

    func conversationsIfAsked(_ request: PollRequest) async -> Result<ConversationsAnswer, RequestFailure>? {
        guard let asked = request.conversations else { return nil }
        return await conversationsPage(asked.filter, etag: asked.etag)
    }

    func threadIfAsked(_ request: PollRequest) async -> ThreadPoll? {
        guard let asked = request.thread else { return nil }
        let answer = await threadNews(asked.id, after: asked.after, etag: asked.etag)
        return ThreadPoll(id: asked.id, after: asked.after, askedWithETag: asked.etag != nil, answer: answer)
    }
}
