import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `create-admin` takes the password from: a prompt at the terminal, stdin or a file, never
/// the command line (`ps` shows every process's arguments to every user, and shells keep them in
/// their history).
enum PasswordInput {
    struct Failure: Error {
        let message: String
    }

    static let argvRefusal = "--password is gone: a password on the command line is visible in ps and shell history; use --password-stdin, --password-file or the prompt"

    static func read(stdin: Bool, file: String?) throws -> String {
        let password: String
        switch (stdin, file) {
        case (true, .some):
            throw Failure(message: "give the password one way: --password-stdin or --password-file, not both")
        case (true, nil):
            guard let line = readLine(strippingNewline: true) else {
                throw Failure(message: "--password-stdin: stdin ended before a line was read")
            }
            password = line
        case (false, let path?):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Failure(message: "--password-file: cannot read \(path)")
            }
            password = firstLine(of: String(decoding: data, as: UTF8.self))
        case (false, nil):
            password = try prompt()
        }
        guard !password.isEmpty else { throw Failure(message: "the password is empty") }
        return password
    }

    static func firstLine(of text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    /// Asks twice at the terminal with echo off, as getpass(3) did.
    static func prompt() throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            throw Failure(message: "stdin is not a terminal, so there is nobody to ask for the password; use --password-stdin or --password-file")
        }
        let first = try hiddenLine("Password for the new admin: ")
        let second = try hiddenLine("The same password again: ")
        guard first == second else { throw Failure(message: "the two passwords differ; nothing was created") }
        return first
    }

    /// Echo goes off before the prompt shows, so that nothing typed after it is echoed; TCSADRAIN, not
    /// getpass's TCSAFLUSH, so that what was typed ahead is kept rather than silently dropped.
    private static func hiddenLine(_ prompt: String) throws -> String {
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            throw Failure(message: "cannot turn the terminal's echo off (\(String(cString: strerror(errno))))")
        }
        var hidden = original
        hidden.c_lflag &= ~tcflag_t(ECHO)
        terminalToRestore = original
        signal(SIGINT, restoreTerminalAndExit)
        signal(SIGTERM, restoreTerminalAndExit)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &hidden)
        FileHandle.standardError.write(Data(prompt.utf8))
        let line = readLine(strippingNewline: true)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &original)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        FileHandle.standardError.write(Data("\n".utf8))
        guard let line else { throw Failure(message: "the terminal closed before a password was typed") }
        return line
    }
}

/// The terminal's settings while echo is off; a C signal handler can read only globals. Written
/// before the handlers are installed and only read by them.
nonisolated(unsafe) private var terminalToRestore = termios()

/// Ctrl-C at the prompt must not leave the shell without echo.
private func restoreTerminalAndExit(_ signal: Int32) {
    tcsetattr(STDIN_FILENO, TCSADRAIN, &terminalToRestore)
    _exit(128 + signal)
}
