import EaglehurstAPI
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    /// Serves the picture behind every `avatar_url`, to signed-in users (it appears beside names in
    /// connections and threads). The stored bytes are checked again for their type on the way out.
    func usersGetAvatar(_ input: Operations.UsersGetAvatar.Input) async throws -> Operations.UsersGetAvatar.Output {
        _ = try await auth.user(.signedIn)
        let db = try RequestContext.request.db
        guard let owner = try await User.find(input.path.userId, on: db), !owner.isSuspended,
              let key = owner.avatarPath.flatMap(FileKey.init(rawValue:)),
              let data = try await app.fileStore.get(key) else {
            throw Problem.notFound("A picture of user \(input.path.userId)")
        }
        let body = HTTPBody(data)
        switch DetectedFileType.detect(data) {
        case .png: return .ok(.init(body: .png(body)))
        case .jpeg: return .ok(.init(body: .jpeg(body)))
        case .webp: return .ok(.init(body: .imageWebp(body)))
        case .gif: return .ok(.init(body: .imageGif(body)))
        default:
            app.logger.error("stored avatar is not an image", metadata: ["user": "\(input.path.userId)"])
            throw Problem.notFound("A picture of user \(input.path.userId)")
        }
    }
}
