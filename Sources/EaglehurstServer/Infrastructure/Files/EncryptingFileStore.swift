import Crypto
import Foundation
import Vapor

/// Encrypts identity (KYC) and service documents at rest with AES-256-GCM when `ENCRYPTION_KEY`
/// is set, on whatever store it wraps (local disk or S3).
///
/// A stored file is self-describing:
/// ```
/// "EHENC" | version 0x01 | key fingerprint (8 bytes) | nonce (12 bytes) | ciphertext | tag (16 bytes)
/// ```
/// The storage key and the header are authenticated with it, so a file cannot be moved to
/// another document's key. A file without the magic was written before a key was set and is read
/// as it is; an encrypted file is never served as bytes unless it decrypts, so a wrong or missing
/// key is a clear 503, not garbage. Other areas (avatars, listing photos) pass through untouched.
struct EncryptingFileStore: FileStore {
    static let encryptedAreas: Set<String> = ["kyc", "services"]
    static let magic = Data("EHENC".utf8)
    static let version: UInt8 = 1
    static let headerCount = magic.count + 1 + 8
    static let nonceCount = 12
    static let tagCount = 16

    let base: any FileStore
    let key: FileEncryptionKey?

    func put(_ data: Data, at key: FileKey) async throws {
        guard let encryptionKey = self.key, Self.encrypts(key) else { return try await base.put(data, at: key) }
        try await base.put(try Self.seal(data, at: key, with: encryptionKey), at: key)
    }

    /// An encrypted document is sealed in one piece (AES-GCM over the whole file), so it is read
    /// into memory; documents are at most 10 MB. Everything else streams through to the store.
    func put(contentsOf file: URL, at key: FileKey) async throws {
        guard let encryptionKey = self.key, Self.encrypts(key) else { return try await base.put(contentsOf: file, at: key) }
        try await base.put(try Self.seal(Data(contentsOf: file), at: key, with: encryptionKey), at: key)
    }

    func get(_ key: FileKey) async throws -> Data? {
        guard let stored = try await base.get(key) else { return nil }
        return try Self.open(stored, at: key, with: self.key)
    }

    func delete(_ key: FileKey) async throws {
        try await base.delete(key)
    }

    static func encrypts(_ key: FileKey) -> Bool {
        encryptedAreas.contains(String(key.rawValue.prefix { $0 != "/" }))
    }

    static func seal(_ plaintext: Data, at fileKey: FileKey, with key: FileEncryptionKey) throws -> Data {
        let header = magic + Data([version]) + key.fingerprint
        let box = try AES.GCM.seal(plaintext, using: key.symmetricKey, nonce: AES.GCM.Nonce(), authenticating: header + Data(fileKey.rawValue.utf8))
        return header + Data(box.nonce) + box.ciphertext + box.tag
    }

    /// The plaintext of a stored file: as it is when it carries no magic, decrypted when it does.
    static func open(_ stored: Data, at fileKey: FileKey, with key: FileEncryptionKey?) throws -> Data {
        guard stored.starts(with: magic) else { return stored }
        guard stored.count >= headerCount + nonceCount + tagCount, stored[stored.startIndex + magic.count] == version else {
            throw FileEncryptionError.unreadable(fileKey)
        }
        let fingerprint = stored.subdata(in: (stored.startIndex + magic.count + 1)..<(stored.startIndex + headerCount))
        guard let key else { throw FileEncryptionError.noKey(fingerprint: fingerprint) }
        guard key.fingerprint == fingerprint else { throw FileEncryptionError.otherKey(stored: fingerprint, configured: key.fingerprint) }
        let body = stored.dropFirst(headerCount)
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: body.prefix(nonceCount)),
                ciphertext: body.dropFirst(nonceCount).dropLast(tagCount), tag: body.suffix(tagCount))
            return try AES.GCM.open(box, using: key.symmetricKey, authenticating: stored.prefix(headerCount) + Data(fileKey.rawValue.utf8))
        } catch {
            throw FileEncryptionError.unreadable(fileKey)
        }
    }

    // MARK: the start-up check

    /// Where the store remembers which key its documents are written with: a small file encrypted
    /// with that key (and holding nothing secret), written the first time a key is set.
    static let canaryKey = FileKey(rawValue: "system/encryption-canary")!
    static let canaryText = Data("eaglehurst encryption canary".utf8)

    /// Fails start-up when the configured key is not the one the store's documents were
    /// encrypted with (or no key is set but they were encrypted), so a wrong key never reaches a
    /// reader. The first start with a key records it.
    static func checkKey(_ key: FileEncryptionKey?, on base: any FileStore) async throws {
        guard let stored = try await base.get(canaryKey) else {
            if let key { try await base.put(try seal(canaryText, at: canaryKey, with: key), at: canaryKey) }
            return
        }
        do {
            guard try open(stored, at: canaryKey, with: key) == canaryText else { throw FileEncryptionError.unreadable(canaryKey) }
        } catch let error as FileEncryptionError {
            throw SettingsError(variable: "ENCRYPTION_KEY", problem: error.startupProblem)
        }
    }
}

/// A 256-bit key read from `ENCRYPTION_KEY`, with the fingerprint stored beside what it encrypts.
public struct FileEncryptionKey: Sendable, Equatable {
    public let bytes: Data

    /// 32 bytes, written as 64 hex digits or in base64 (`openssl rand -base64 32`).
    public init?(text: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count == 64, text.allSatisfy(\.isHexDigit) {
            var bytes = Data()
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                bytes.append(UInt8(text[index..<next], radix: 16)!)
                index = next
            }
            self.bytes = bytes
        } else if let decoded = Data(base64Encoded: text), decoded.count == 32 {
            bytes = decoded
        } else {
            return nil
        }
    }

    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    /// Names the key without revealing it: the first 8 bytes of a hash of it.
    var fingerprint: Data { Data(SHA256.hash(data: Data("eaglehurst-file-key:".utf8) + bytes).prefix(8)) }
}

enum FileEncryptionError: Error, Equatable {
    case noKey(fingerprint: Data)
    case otherKey(stored: Data, configured: Data)
    case unreadable(FileKey)

    static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    var startupProblem: String {
        switch self {
        case .noKey(let fingerprint):
            "is not set, but the file store holds documents encrypted with key \(Self.hex(fingerprint)); set ENCRYPTION_KEY to the key they were written with"
        case .otherKey(let stored, let configured):
            "differs from the key the stored documents were written with (key \(Self.hex(configured)), documents \(Self.hex(stored))); set ENCRYPTION_KEY to the key they were written with"
        case .unreadable(let key):
            "cannot decrypt \(key), which the store keeps to check the key; it is damaged or was written with another key"
        }
    }
}

extension FileEncryptionError {
    /// The answer to a reader of such a document: the server cannot read the document right now; the caller cannot fix it, an operator can.
    var problem: Problem {
        let detail = switch self {
        case .noKey: "Documents cannot be decrypted: ENCRYPTION_KEY is not set, but the document was encrypted. An operator must set the key it was written with."
        case .otherKey: "Documents cannot be decrypted: ENCRYPTION_KEY differs from the one they were written with. An operator must set the key they were written with."
        case .unreadable: "The document cannot be decrypted: its stored file is damaged."
        }
        return Problem(.serviceUnavailable, slug: "documents-cannot-be-decrypted", title: "The document cannot be decrypted", detail: detail)
    }
}
