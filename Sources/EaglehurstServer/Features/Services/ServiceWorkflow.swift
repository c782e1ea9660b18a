import Foundation

/// Who may move a service request from which status to which, as plain Swift the tests call
/// directly. The requester edits and cancels; the admin desk reviews, assigns, starts and completes.
enum ServiceWorkflow {
    typealias Status = ServiceRequest.Status

    enum Actor: Equatable {
        case requester, admin
    }

    enum Refusal: Error, Equatable {
        /// The actor may never make this move (403).
        case notYours(String)
        /// The move does not fit the request's status now (409).
        case wrongState(String)
    }

    /// The statuses in which the requester may still change the text, urgency and preferred provider.
    static let editable: Set<Status> = [.submitted, .inReview]
    /// Cancelling is possible until work starts.
    static let cancellable: Set<Status> = [.submitted, .inReview, .assigned]
    /// Open work whose provider the desk may change.
    static let reassignable: Set<Status> = [.assigned, .inProgress]
    static let open: Set<Status> = [.submitted, .inReview, .assigned, .inProgress]

    /// The desk's steps forward: each status and the one after it.
    static let deskSteps: [Status: Status] = [.submitted: .inReview, .inReview: .assigned, .assigned: .inProgress, .inProgress: .completed]

    /// Checks a move from `current` to `target`; `hasProvider` says whether the request will have a
    /// provider once the change is made (assigning needs one).
    static func check(_ current: Status, to target: Status, by actor: Actor, hasProvider: Bool) throws(Refusal) {
        if current == target { throw .wrongState("The request is already \(current.rawValue).") }
        switch actor {
        case .requester:
            guard target == .cancelled else {
                throw .notYours("The service desk moves a request to \(target.rawValue); you may cancel it before work starts.")
            }
            guard cancellable.contains(current) else {
                throw .wrongState("A request that is \(current.rawValue) can no longer be cancelled; write to the desk in its thread instead.")
            }
        case .admin:
            guard target != .cancelled else {
                throw .notYours("Only the requester cancels a request; ask them in its thread.")
            }
            guard deskSteps[current] == target else {
                let next = deskSteps[current].map { "its next step is \($0.rawValue)" } ?? "it is closed"
                throw .wrongState("A \(current.rawValue) request cannot move to \(target.rawValue); \(next).")
            }
            if target == .assigned, !hasProvider {
                throw .wrongState("Choose a provider (provider_id) to assign the request to.")
            }
        }
    }
}
