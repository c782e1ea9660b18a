import EaglehurstTUI
import Foundation

/// `$XDG_CONFIG_HOME/eaglehurst/config.toml`: which server, theme and keymap to use.
///
/// ```toml
/// server = "https://eaglehurst.example.com"   # omit to run the embedded server
/// theme = "dark"
/// keymap = "vim"
/// pictures = "auto"   # auto, kitty, sixel, half-block or off
/// ```
struct ClientConfig: Equatable {
    var server: String?
    var theme: String?
    var keymap: String?
    var pictures: PictureProtocol?

    static let keys: Set<String> = ["server", "theme", "keymap", "pictures"]

    /// Reads the file if it exists. A broken file is a problem naming the file and line.
    static func load(configDirectory: String?) throws(ConfigProblem) -> ClientConfig {
        guard let configDirectory else { return ClientConfig() }
        let path = (configDirectory as NSString).appendingPathComponent("config.toml")
        guard let data = FileManager.default.contents(atPath: path) else { return ClientConfig() }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws(ConfigProblem) -> ClientConfig {
        let document = try TOMLDocument.parse(text, file: file)
        var config = ClientConfig()
        for table in document.tables {
            if !table.name.isEmpty {
                throw ConfigProblem(file: file, line: table.line, message: "unknown section [\(table.name)]; config.toml has only top-level keys (server, theme, keymap, pictures)")
            }
            for entry in table.entries {
                guard keys.contains(entry.key) else {
                    throw ConfigProblem(file: file, line: entry.line, message: "unknown key '\(entry.key)'; expected one of server, theme, keymap, pictures")
                }
                guard case .string(let value) = entry.value else {
                    throw ConfigProblem(file: file, line: entry.line, message: "'\(entry.key)' must be a quoted string")
                }
                switch entry.key {
                case "server": config.server = value
                case "theme": config.theme = value
                case "pictures":
                    guard let mode = PictureProtocol(rawValue: value) else {
                        let choices = PictureProtocol.allCases.map(\.rawValue).joined(separator: ", ")
                        throw ConfigProblem(file: file, line: entry.line, message: "pictures = \"\(value)\" is not a way to show pictures; expected one of \(choices)")
                    }
                    config.pictures = mode
                default: config.keymap = value
                }
            }
        }
        return config
    }
}
