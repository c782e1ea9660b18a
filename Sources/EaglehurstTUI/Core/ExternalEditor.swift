import Foundation

/// Runs the user's `$EDITOR` on a temporary copy of some text, with the terminal handed over, and
/// reads the text back.
enum ExternalEditor {
    static func edit(_ text: String, command: String, terminal: some Terminal) -> Result<String, RequestFailure> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-\(UUID().uuidString)")
        let file = directory.appendingPathComponent("description.txt")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data(text.utf8).write(to: file)
        } catch {
            return .failure(.file("a temporary file for the editor: \(error.localizedDescription)"))
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The command may carry arguments (`code --wait`); the file goes last, quoted by the shell.
        process.arguments = ["-c", "\(command) \"$1\"", "eaglehurst-editor", file.path]
        terminal.suspend()
        defer { terminal.resume() }
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(.unexpected("\(command): \(error.localizedDescription)"))
        }
        guard process.terminationStatus == 0 else {
            return .failure(.unexpected("\(command) exited with status \(process.terminationStatus); the text is unchanged"))
        }
        guard let data = try? Data(contentsOf: file) else { return .failure(.file(file.path)) }
        var edited = String(decoding: data, as: UTF8.self)
        // Editors end the file with a newline the text did not have.
        while edited.hasSuffix("\n") { edited.removeLast() }
        return .success(edited)
    }
}
