import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files on local disk under one root (`<data dir>/files/` by default).
///
/// A write goes to a temporary file created with mode 0600 in the target folder, is flushed and is
/// then renamed into place, so a reader sees the whole file or none of it.
public struct LocalFileStore: FileStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func put(_ data: Data, at key: FileKey) async throws {
        try place(at: key) { temporary in
            let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw Self.failure("open", temporary) }
            defer { close(descriptor) }
            try Self.writeAll(data, to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else { throw Self.failure("fsync", temporary) }
        }
    }

    /// A hard link to `file` when it is on the same file system (an upload's spool is, by
    /// default), a copy otherwise; flushed either way.
    public func put(contentsOf file: URL, at key: FileKey) async throws {
        try place(at: key) { temporary in
            if link(file.path, temporary.path) != 0 {
                guard errno == EXDEV || errno == EPERM || errno == EMLINK else { throw Self.failure("link", temporary) }
                try Self.copy(file, to: temporary)
            }
            let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Self.failure("open", temporary) }
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw Self.failure("fsync", temporary) }
        }
    }

    /// Has `make` write the file under a temporary name in the key's folder, then renames it into
    /// place; the temporary file is removed when anything fails.
    private func place(at key: FileKey, _ make: (URL) throws -> Void) throws {
        let target = url(for: key)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder.appendingPathComponent(".\(UUID().uuidString.lowercased()).partial")
        do {
            try make(temporary)
        } catch {
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, target.path) == 0 else {
            let error = Self.failure("rename", target)
            unlink(temporary.path)
            throw error
        }
    }

    /// Copies in 1 MiB pieces into a new file of mode 0600.
    private static func copy(_ source: URL, to target: URL) throws {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw failure("open", source) }
        defer { close(input) }
        let output = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw failure("open", target) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", source)
            }
            if count == 0 { return }
            try writeAll(Data(buffer[0..<count]), to: output, path: target)
        }
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: URL) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", path)
                }
                offset += written
            }
        }
    }

    public func get(_ key: FileKey) async throws -> Data? {
        let target = url(for: key)
        guard FileManager.default.fileExists(atPath: target.path) else { return nil }
        return try Data(contentsOf: target)
    }

    public func delete(_ key: FileKey) async throws {
        guard unlink(url(for: key).path) == 0 || errno == ENOENT else {
            throw Self.failure("unlink", url(for: key))
        }
    }

    /// Keys are `<area>/<uuid>` of safe characters (see `FileKey`), so the path stays under `root`.
    func url(for key: FileKey) -> URL {
        root.appendingPathComponent(key.rawValue, isDirectory: false)
    }

    private static func failure(_ call: String, _ url: URL) -> any Error {
        let code = errno
        return CocoaError(.fileWriteUnknown, userInfo: [
            NSFilePathErrorKey: url.path,
            NSLocalizedDescriptionKey: "\(call) \(url.path): \(String(cString: strerror(code)))",
        ])
    }
}
