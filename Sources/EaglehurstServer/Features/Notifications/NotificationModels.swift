import Fluent
import Foundation

final class Notification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: String
    @Field(key: "title") var title: String
    @Field(key: "message") var message: String
    @Field(key: "is_read") var isRead: Bool
    @OptionalField(key: "action_url") var actionURL: String?
    @OptionalField(key: "read_at") var readAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Parent(key: "user_id") var user: User

    init() {}
}

final class NotificationPreference: Model, @unchecked Sendable {
    static let schema = "notification_preferences"

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: String
    @Field(key: "email_enabled") var emailEnabled: Bool
    @Field(key: "push_enabled") var pushEnabled: Bool
    @Parent(key: "user_id") var user: User

    init() {}
}

/// One delivery attempt of a notification on one channel (in_app, email, push).
final class NotificationLog: Model, @unchecked Sendable {
    static let schema = "notification_logs"

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: String
    @Field(key: "delivery_status") var deliveryStatus: String
    @OptionalField(key: "detail") var detail: String?
    @Field(key: "created_at") var createdAt: Date
    @Parent(key: "notification_id") var notification: Notification

    init() {}

    init(notificationID: UUID, channel: String, status: String, detail: String?, at: Date) {
        self.$notification.id = notificationID
        self.channel = channel
        self.deliveryStatus = status
        self.detail = detail
        self.createdAt = at
    }
}

final class PushDevice: Model, @unchecked Sendable {
    static let schema = "push_devices"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "platform") var platform: String
    @Field(key: "is_active") var isActive: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Parent(key: "user_id") var user: User

    init() {}
}

/// A mail template; `{{name}}` in the subject and body is replaced by the variable `name`.
final class EmailTemplate: Model, @unchecked Sendable {
    static let schema = "email_templates"

    @ID(key: .id) var id: UUID?
    @Field(key: "template_name") var templateName: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "variables") var variables: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String, subject: String, body: String, variables: [String]) {
        self.templateName = name
        self.subject = subject
        self.body = body
        self.variables = variables.joined(separator: ",")
    }

    func render(_ values: [String: String]) -> (subject: String, body: String) {
        var subject = self.subject
        var body = self.body
        for (key, value) in values {
            subject = subject.replacingOccurrences(of: "{{\(key)}}", with: value)
            body = body.replacingOccurrences(of: "{{\(key)}}", with: value)
        }
        return (subject, body)
    }

    /// Every notification mail has the same shape: a greeting, what happened, where to look.
    /// (A function: each migration run needs new model instances.)
    static func defaults() -> [EmailTemplate] {
        [
        "connection_request", "connection_accepted", "connection_rejected", "new_message",
        "listing_approved", "listing_rejected", "listing_pending_review",
    ].map { name in
        EmailTemplate(
            name: name, subject: "Eaglehurst: {{title}}",
            body: """
            Hello {{first_name}},

            {{message}}

            Open Eaglehurst to see it ({{action_url}}).
            You can change which mails you get under notification preferences.

            — Eaglehurst
            """,
            variables: ["first_name", "title", "message", "action_url"])
        }
    }
}
