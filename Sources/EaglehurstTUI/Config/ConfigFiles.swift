import Foundation

/// Finds theme and keymap files: the user's `$XDG_CONFIG_HOME/eaglehurst/{themes,keymaps}/NAME.toml`
/// first, then the copies shipped inside the binary (`ShippedFiles`, generated from the repository's
/// `themes/` and `keymaps/`), so an installed `eaglehurst` needs no files beside it.
package struct ConfigFiles: Sendable {
    package var configDirectory: String?

    package init(configDirectory: String?) {
        self.configDirectory = configDirectory
    }

    /// `$XDG_CONFIG_HOME/eaglehurst`, or `~/.config/eaglehurst` when that variable is unset.
    package static func defaultConfigDirectory(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/eaglehurst" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/eaglehurst" }
        return nil
    }

    package static let defaultThemeName = "dark"
    package static let defaultKeymapName = "default"

    enum Kind: String { case themes, keymaps }

    struct Source {
        var text: String
        /// How messages name the file: the user's full path, or `themes/dark.toml` for a shipped one.
        var displayName: String
    }

    func source(_ kind: Kind, named name: String) -> Source? {
        guard ConfigFiles.isPlainName(name) else { return nil }
        if let configDirectory {
            let path = "\(configDirectory)/\(kind.rawValue)/\(name).toml"
            if let data = FileManager.default.contents(atPath: path) {
                return Source(text: String(decoding: data, as: UTF8.self), displayName: path)
            }
        }
        let shipped = kind == .themes ? ShippedFiles.themes : ShippedFiles.keymaps
        return shipped[name].map { Source(text: $0, displayName: "\(kind.rawValue)/\(name).toml") }
    }

    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    private func notFound(_ kind: Kind, _ name: String) -> String {
        let shipped = (kind == .themes ? ShippedFiles.themes : ShippedFiles.keymaps).keys.sorted().joined(separator: ", ")
        let userPlace = configDirectory.map { " or \($0)/\(kind.rawValue)/" } ?? ""
        return "no \(kind == .themes ? "theme" : "keymap") named '\(name)' (shipped: \(shipped)\(userPlace))"
    }

    /// The named theme, or the default theme and one message saying what was wrong and where.
    package func loadTheme(named name: String) -> (theme: Theme, problem: String?) {
        guard let source = source(.themes, named: name) else {
            return (shippedDefaultTheme(), "\(notFound(.themes, name)); using the \(ConfigFiles.defaultThemeName) theme")
        }
        do {
            return (try Theme.parse(source.text, file: source.displayName, fallbackName: name), nil)
        } catch {
            return (shippedDefaultTheme(), "\(error); using the \(ConfigFiles.defaultThemeName) theme")
        }
    }

    /// The named keymap laid over the shipped default, or the default alone and one message.
    package func loadBindings(keymapNamed name: String) -> (bindings: BindingTable, problem: String?) {
        guard let source = source(.keymaps, named: name) else {
            return (shippedDefaultBindings(), "\(notFound(.keymaps, name)); using the default keys")
        }
        do {
            let keymap = try Keymap.parse(source.text, file: source.displayName)
            return (try keymap.overriding(shippedDefaultKeymap()).bindingTable(), nil)
        } catch {
            return (shippedDefaultBindings(), "\(error); using the default keys")
        }
    }

    func shippedDefaultTheme() -> Theme {
        // Tests prove the shipped files parse; the plain fallbacks keep a broken build usable, not pretty.
        (try? Theme.parse(ShippedFiles.themes[ConfigFiles.defaultThemeName] ?? "", file: "themes/dark.toml", fallbackName: "dark"))
            ?? Theme(name: "plain", specs: [:])
    }

    func shippedDefaultKeymap() -> Keymap {
        (try? Keymap.parse(ShippedFiles.keymaps[ConfigFiles.defaultKeymapName] ?? "", file: Keymap.shippedDefaultFile))
            ?? Keymap.empty
    }

    func shippedDefaultBindings() -> BindingTable {
        (try? shippedDefaultKeymap().bindingTable()) ?? BindingTable(bindings: BindingTable.specs)
    }
}
