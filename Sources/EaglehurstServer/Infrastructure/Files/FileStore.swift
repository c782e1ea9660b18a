import Foundation
import Vapor

/// Where uploaded files live. The server chooses every key (`FileKey.make(in:)`); a name sent by a
/// client is kept as metadata only, so no upload can choose or escape its path.
public protocol FileStore: Sendable {
    func put(_ data: Data, at key: FileKey) async throws
    /// Stores the bytes of a local file (an upload's spool) without reading it whole into memory:
    /// the local store links or copies it into place, S3 sends it in parts read one at a time.
    /// The file is left where it is.
    func put(contentsOf file: URL, at key: FileKey) async throws
    /// nil when nothing is stored under the key.
    func get(_ key: FileKey) async throws -> Data?
    /// Deleting a key that holds nothing is not an error.
    func delete(_ key: FileKey) async throws
}

/// A storage key: `<area>/<uuid>`, made of lower-case letters, digits, `-` and one `/`.
public struct FileKey: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Reads a key stored earlier (e.g. in `users.avatar_path`); nil when it is not a key this
    /// server could have made.
    public init?(rawValue: String) {
        let parts = rawValue.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(Self.isSafeComponent) else { return nil }
        self.rawValue = rawValue
    }

    /// A new, unguessable key in `area` (e.g. `avatars`, `kyc`).
    public static func make(in area: String) -> FileKey {
        precondition(isSafeComponent(Substring(area)), "file area '\(area)' must be lower-case letters, digits or '-'")
        return FileKey(rawValue: "\(area)/\(UUID().uuidString.lowercased())")!
    }

    public var description: String { rawValue }

    private static func isSafeComponent(_ component: Substring) -> Bool {
        !component.isEmpty && component.count <= 64
            && component.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

struct FileStoreKey: StorageKey { typealias Value = any FileStore }
struct FileURLSignerKey: StorageKey { typealias Value = FileURLSigner }

extension Application {
    var fileStore: any FileStore {
        guard let store = storage[FileStoreKey.self] else { fatalError("configure(_:settings:) was not called") }
        return store
    }

    var fileURLSigner: FileURLSigner {
        guard let signer = storage[FileURLSignerKey.self] else { fatalError("configure(_:settings:) was not called") }
        return signer
    }

    /// Signed URLs as of now, for the DTOs of one answer.
    var fileLinks: FileLinks { FileLinks(signer: fileURLSigner, now: serverEnvironment.now()) }
}
