import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program the tests start (psql, tmux, kill, the Python servers for SMTP, S3 and TLS), started
/// with `posix_spawn` and reaped with `waitpid`.
///
/// Not Foundation's `Process`: on Linux it learns that a child exited when a socket it hands the
/// child closes, so any process that inherited that socket (a tmux server started meanwhile keeps
/// every descriptor it was given) makes `waitUntilExit()` wait forever, and the test run with it.
/// A child here gets only its stdin, stdout and stderr; every other descriptor of the test process
/// is closed in it, and the pipes to it are close-on-exec on this side.
///
/// A child also starts with no signal blocked and every signal at its default action. A test's
/// thread (an async test runs on one of the runtime's) blocks most signals, and a child inherits
/// that mask: a tmux server started so never saw its pane's SIGCHLD, so `kill-server` left it
/// running after the tests, holding whatever it had inherited.
public final class ChildProcess: @unchecked Sendable {
    /// Where a child's stdin comes from or its stdout and stderr go.
    public enum Stream {
        case null
        case pipe
        case file(String)
    }

    public let pid: pid_t
    // `lock` guards the three below.
    private let lock = NSLock()
    private var input: Int32
    private var output: Int32
    private var status: Int32?

    /// Starts `arguments` through `/usr/bin/env` (so it is found on PATH), with `environment` or
    /// this process's. stderr goes where stdout goes unless given.
    public init(
        _ arguments: [String], environment: [String: String]? = nil,
        stdin: Stream = .null, stdout: Stream = .null, stderr: Stream? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }
        func wire(_ stream: Stream, to target: Int32, readable: Bool) throws -> Int32 {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", readable ? O_RDONLY : O_WRONLY, 0)
                return -1
            case .file(let path):
                posix_spawn_file_actions_addopen(
                    &actions, target, path, readable ? O_RDONLY : (O_WRONLY | O_CREAT | O_TRUNC), 0o600)
                return -1
            case .pipe:
                let (read, write) = try Self.closeOnExecPipe()
                let (mine, theirs) = readable ? (write, read) : (read, write)
                parentEnds.append(mine)
                childEnds.append(theirs)
                posix_spawn_file_actions_adddup2(&actions, theirs, target)
                return mine
            }
        }
        do {
            input = try wire(stdin, to: 0, readable: true)
            output = try wire(stdout, to: 1, readable: false)
            if let stderr {
                if case .pipe = stderr { throw TestSupportError("stderr cannot be a pipe of its own; send it with stdout") }
                _ = try wire(stderr, to: 2, readable: false)
            } else {
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            }
            try Self.closeEverythingElse(&actions)
        } catch {
            parentEnds.forEach { close($0) }
            throw error
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, env)
        guard spawned == 0 else {
            parentEnds.forEach { close($0) }
            throw TestSupportError("could not start \(arguments.first ?? "?"): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
    }

    deinit {
        if input >= 0 { close(input) }
        if output >= 0 { close(output) }
    }

    /// Runs a program to its end (at most `timeout`, then it is killed and this throws) and gives its
    /// exit status (128 + the signal when one ended it) and what it wrote to stdout and stderr.
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil,
        timeout: TimeInterval = 120
    ) throws -> (status: Int32, output: String) {
        let dir = FileManager.default.temporaryDirectory
        let outputPath = dir.appendingPathComponent("eh-child-\(UUID().uuidString).out").path
        let inputPath = dir.appendingPathComponent("eh-child-\(UUID().uuidString).in").path
        defer {
            unlink(outputPath)
            unlink(inputPath)
        }
        FileManager.default.createFile(atPath: inputPath, contents: Data((stdin ?? "").utf8))
        let child = try ChildProcess(arguments, environment: environment, stdin: .file(inputPath), stdout: .file(outputPath))
        guard let status = child.wait(timeout: timeout) else {
            child.kill()
            throw TestSupportError("\(arguments.joined(separator: " ")) did not end within \(Int(timeout)) s; killed")
        }
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// The first line the child writes to its stdout pipe, without the newline; what there was
    /// when it closed stdout or `timeout` passed.
    public func firstLine(timeout: TimeInterval = 60) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var line = Data()
        lock.lock()
        let fd = output
        lock.unlock()
        guard fd >= 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !line.contains(UInt8(ascii: "\n")) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            line.append(contentsOf: buffer[..<count])
        }
        let text = String(decoding: line.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Closes the child's stdin (the Python servers exit when it closes).
    public func closeInput() {
        lock.lock()
        defer { lock.unlock() }
        if input >= 0 { close(input) }
        input = -1
    }

    /// Its exit status once it has ended, waiting at most `timeout`; nil while it still runs.
    @discardableResult
    public func wait(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: TimeInterval = 0.001
        while true {
            if let status = reap(blocking: false) { return status }
            guard Date() < deadline else { return nil }
            Thread.sleep(forTimeInterval: pause)
            pause = min(pause * 2, 0.05)
        }
    }

    /// SIGKILL, then reaped.
    public func kill() {
        guard reap(blocking: false) == nil else { return }
        _ = Glibc.kill(pid, SIGKILL)
        _ = reap(blocking: true)
    }

    /// Asks it to end by closing its stdin; kills it when it has not ended within `grace`.
    public func stop(grace: TimeInterval = 10) {
        closeInput()
        if wait(timeout: grace) == nil { kill() }
    }

    private func reap(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &raw, blocking ? 0 : WNOHANG) } while result == -1 && errno == EINTR
        if result == pid {
            status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        } else if result == -1 {
            // Not our child any more (already reaped elsewhere): it has ended.
            status = -1
        }
        return status
    }

    private static func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw TestSupportError("pipe failed: \(String(cString: strerror(errno)))") }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not declare.
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// Every descriptor above stderr closed in the child.
    private static func closeEverythingElse(_ actions: inout posix_spawn_file_actions_t) throws {
        if let addCloseFrom {
            guard addCloseFrom(&actions, 3) == 0 else { throw TestSupportError("posix_spawn_file_actions_addclosefrom_np failed") }
            return
        }
        // An older C library: close what is open now (descriptors are close-on-exec on our side anyway).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in open where fd > 2 && fcntl(fd, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}
