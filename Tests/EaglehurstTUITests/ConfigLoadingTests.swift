@testable import EaglehurstTUI
import Foundation
import XCTest

final class ConfigLoadingTests: XCTestCase {
    var configDirectory: URL!

    override func setUpWithError() throws {
        configDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-tui-\(UUID().uuidString)")
        for folder in ["themes", "keymaps"] {
            try FileManager.default.createDirectory(at: configDirectory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: configDirectory)
    }

    private func write(_ text: String, to path: String) throws {
        try text.write(to: configDirectory.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    private var files: ConfigFiles { ConfigFiles(configDirectory: configDirectory.path) }

    // MARK: themes

    func testStylesStackFromTheBackgroundThroughTheirParents() throws {
        let theme = try Theme.parse("""
        [app.background]
        fg = "white"
        bg = "#000000"
        [list.row]
        fg = "bright-black"
        [list.selected]
        bg = "blue"
        bold = true
        """, file: "t.toml", fallbackName: "t")
        XCTAssertEqual(theme[.listSelected], Style(foreground: .ansi(8), background: .ansi(4), bold: true, standsOut: true))
        XCTAssertEqual(theme[.listRow], Style(foreground: .ansi(8), background: .rgb(0, 0, 0)))
        XCTAssertEqual(theme[.statusBar].background, .rgb(0, 0, 0), "unset styles inherit the background")
    }

    func testAUserThemeIsFoundBeforeTheShippedOne() throws {
        try write("name = \"mine\"\n[title]\nfg = \"red\"\n", to: "themes/dark.toml")
        let loaded = files.loadTheme(named: "dark")
        XCTAssertNil(loaded.problem)
        XCTAssertEqual(loaded.theme.name, "mine")
        XCTAssertEqual(loaded.theme[.title].foreground, .ansi(1))
    }

    func testABrokenThemeGivesOneMessageWithFileAndLineAndTheDefaultLoads() throws {
        try write("[title]\nfg = \"#12345\"\n", to: "themes/ocean.toml")
        let loaded = files.loadTheme(named: "ocean")
        let path = configDirectory.appendingPathComponent("themes/ocean.toml").path
        XCTAssertEqual(loaded.problem, "\(path):2: '#12345' is not a colour (use a name such as bright-blue, default, or #rrggbb); using the dark theme")
        XCTAssertEqual(loaded.theme.name, "dark")
    }

    func testUnknownStylesAndKeysAreReported() {
        XCTAssertThrowsError(try Theme.parse("\n[lisst.selected]\nfg = \"red\"", file: "t.toml", fallbackName: "t")) { error in
            XCTAssertEqual(error as? ConfigProblem, ConfigProblem(file: "t.toml", line: 2, message: "unknown style [lisst.selected]"))
        }
        XCTAssertThrowsError(try Theme.parse("[title]\ncolour = \"red\"", file: "t.toml", fallbackName: "t")) { error in
            XCTAssertEqual((error as? ConfigProblem)?.line, 2)
        }
        XCTAssertThrowsError(try Theme.parse("[title]\nbold = \"yes\"", file: "t.toml", fallbackName: "t")) { error in
            XCTAssertEqual((error as? ConfigProblem)?.message, "bold must be true or false, found a string")
        }
    }

    func testAMissingThemeSaysWhereItLookedAndFallsBack() {
        let loaded = files.loadTheme(named: "neon")
        XCTAssertEqual(loaded.theme.name, "dark")
        XCTAssertEqual(loaded.problem, "no theme named 'neon' (shipped: dark, high-contrast, light or \(configDirectory.path)/themes/); using the dark theme")
    }

    func testANameThatIsAPathIsNotFollowed() throws {
        try write("[title]\nfg = \"red\"\n", to: "evil.toml")
        XCTAssertNotNil(files.loadTheme(named: "../evil").problem)
    }

    // MARK: keymaps

    func testKeyNotation() throws {
        XCTAssertEqual(try KeySequence(notation: "gg").keys, [.character("g"), .character("g")])
        XCTAssertEqual(try KeySequence(notation: "G").keys, [.character("G")])
        XCTAssertEqual(try KeySequence(notation: "<c-r>").keys, [.control("r")])
        XCTAssertEqual(try KeySequence(notation: "<Enter>").keys, [.enter])
        XCTAssertEqual(try KeySequence(notation: "<pgdown><f1>").keys, [.pageDown, .function(1)])
        XCTAssertEqual(try KeySequence(notation: "<lt>").description, "<lt>")
        XCTAssertEqual(try KeySequence(notation: "<s-tab>").description, "<s-tab>")
        XCTAssertThrowsError(try KeySequence(notation: "<hyper-x>"))
        XCTAssertThrowsError(try KeySequence(notation: "a b"))
    }

    func testAUserKeymapOverridesOnlyTheActionsItNames() throws {
        try write("[status]\nrefresh = \"R\"\n", to: "keymaps/mine.toml")
        let loaded = files.loadBindings(keymapNamed: "mine")
        XCTAssertNil(loaded.problem)
        XCTAssertEqual(loaded.bindings.binding(for: .refresh, in: .status)?.keys.map(\.description), ["R"])
        XCTAssertEqual(loaded.bindings.binding(for: .quit, in: .global)?.keys.map(\.description), ["q", "<c-c>"])
    }

    func testTheVimKeymapAddsVimMovement() {
        let table = ConfigFiles(configDirectory: nil).loadBindings(keymapNamed: "vim").bindings
        XCTAssertEqual(table.binding(for: .top, in: .help)?.keys.map(\.description), ["gg", "<home>"])
        XCTAssertEqual(table.binding(for: .bottom, in: .help)?.keys.map(\.description), ["G", "<end>"])
    }

    func testTwoActionsOnOneKeyInOneContextIsAConflictAtTheUsersLine() throws {
        try write("# mine\n[status]\n\nsign_in = \"r\"\n", to: "keymaps/clash.toml")
        let loaded = files.loadBindings(keymapNamed: "clash")
        let path = configDirectory.appendingPathComponent("keymaps/clash.toml").path
        XCTAssertEqual(loaded.problem, "\(path):4: r is bound to both refresh and sign_in in [status]; using the default keys")
        XCTAssertEqual(loaded.bindings.binding(for: .signIn, in: .status)?.keys.map(\.description), ["s", "<enter>"])
    }

    func testAScreenKeyThatShadowsAGlobalKeyIsAConflict() throws {
        try write("[status]\nrefresh = \"q\"\n", to: "keymaps/shadow.toml")
        let problem = files.loadBindings(keymapNamed: "shadow").problem
        XCTAssertEqual(problem?.hasSuffix(":2: q is bound to both refresh and quit in [status] and [global]; using the default keys"), true, problem ?? "")
    }

    func testAKeyThatStartsAnotherIsAConflict() throws {
        try write("[help]\ntop = \"g\"\nbottom = \"gg\"\n", to: "keymaps/prefix.toml")
        let problem = files.loadBindings(keymapNamed: "prefix").problem
        XCTAssertEqual(problem?.hasSuffix(":3: g (top) hides gg (bottom) in [help]; using the default keys"), true, problem ?? "")
    }

    func testTheSameKeyInContextsThatAreNeverLiveTogetherIsFine() throws {
        try write("[help]\nclose = \"x\"\n[confirm]\ncancel = \"x\"\n", to: "keymaps/apart.toml")
        XCTAssertNil(files.loadBindings(keymapNamed: "apart").problem)
    }

    func testUnknownActionsSectionsAndKeysAreReportedWithTheirLine() throws {
        try write("[status]\nrefresh = \"r\"\nexplode = \"x\"\n", to: "keymaps/a.toml")
        XCTAssertEqual(files.loadBindings(keymapNamed: "a").problem?.contains("a.toml:3: unknown action 'explode' in [status]"), true)
        try write("[stauts]\n", to: "keymaps/b.toml")
        XCTAssertEqual(files.loadBindings(keymapNamed: "b").problem?.contains("b.toml:1: unknown section [stauts]"), true)
        try write("[status]\nrefresh = \"<c-?>\"\n", to: "keymaps/c.toml")
        XCTAssertEqual(files.loadBindings(keymapNamed: "c").problem?.contains("c.toml:2: unknown key <c-?> in '<c-?>' for refresh"), true)
        try write("[status]\nrefresh = true\n", to: "keymaps/d.toml")
        XCTAssertEqual(files.loadBindings(keymapNamed: "d").problem?.contains("d.toml:2: refresh must be a key or a list of keys, found a boolean"), true)
    }

    func testMarkdownDocsComeFromTheBindingTable() {
        let markdown = keyBindingsMarkdown(keymapName: "default")
        XCTAssertTrue(markdown.contains("## Everywhere"))
        XCTAssertTrue(markdown.contains("| `?`, `<f1>` | `help` | show all keys |"))
        XCTAssertTrue(markdown.contains("| `r`, `<c-r>`, `<f5>` | `refresh` | check the server again |"))
        XCTAssertEqual(markdown.components(separatedBy: "\n| `").count - 1, BindingTable.specs.count)
    }
}
