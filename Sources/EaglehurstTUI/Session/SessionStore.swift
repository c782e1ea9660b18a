import Foundation

/// The tokens of one signed-in session. Its description hides the tokens, so printing or logging a
/// session by mistake does not leak it.
package struct StoredSession: Codable, Equatable, Sendable, CustomStringConvertible {
    package var email: String
    package var accessToken: String
    package var refreshToken: String

    package init(email: String, accessToken: String, refreshToken: String) {
        self.email = email
        self.accessToken = accessToken
        self.refreshToken = refreshToken
    }

    package var description: String { "session of \(email) (tokens hidden)" }

    enum CodingKeys: String, CodingKey {
        case email, accessToken = "access_token", refreshToken = "refresh_token"
    }
}

/// `session.json` in `$XDG_STATE_HOME/eaglehurst/`: one session per server, so a token issued by one
/// server is never sent to another. The directory is 0700 and the file 0600, written whole and renamed
/// into place so a crash never leaves half a file.
package struct SessionStore: Sendable {
    package let directory: URL
    package var file: URL { directory.appendingPathComponent("session.json") }

    package init(directory: URL) {
        self.directory = directory
    }

    /// `$XDG_STATE_HOME/eaglehurst`, or `~/.local/state/eaglehurst` when that variable is unset.
    package static func defaultDirectory(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("eaglehurst")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home).appendingPathComponent(".local/state/eaglehurst")
        }
        return nil
    }

    private struct Contents: Codable {
        var sessions: [String: StoredSession] = [:]
    }

    package func load(server: String) -> StoredSession? {
        read().sessions[server]
    }

    /// Stores the session for `server`, or removes it when nil; the other servers' sessions stay.
    package func save(_ session: StoredSession?, server: String) throws {
        var contents = read()
        contents.sessions[server] = session
        try persist(contents)
    }

    private func read() -> Contents {
        guard let data = FileManager.default.contents(atPath: file.path) else { return Contents() }
        return (try? JSONDecoder().decode(Contents.self, from: data)) ?? Contents()
    }

    private func persist(_ contents: Contents) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(directory.path, 0o700) == 0 else { throw SessionStoreError(path: directory.path, errno: errno) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(contents)
        let temporary = directory.appendingPathComponent(".session.json.\(getpid()).tmp").path
        unlink(temporary)
        // Created 0600 from the start (and again with fchmod, whatever the umask), never readable by others.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw SessionStoreError(path: temporary, errno: errno) }
        var failure: Int32 = 0
        if fchmod(fd, 0o600) != 0 { failure = errno }
        if failure == 0 {
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written != data.count { failure = written < 0 ? errno : EIO }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, file.path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw SessionStoreError(path: file.path, errno: failure)
        }
    }
}

package struct SessionStoreError: Error, Equatable, CustomStringConvertible {
    package var path: String
    package var errno: Int32

    package var description: String { "could not save the session in \(path): \(String(cString: strerror(errno)))" }
}
