import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// How the `eaglehurst` executable starts the terminal client.
package struct TUIOptions: Sendable {
    /// The server's base URL as the client uses it (shown in the status bar and on the status screen).
    package var serverURL: URL
    /// True when the server runs inside this process.
    package var isEmbedded: Bool
    /// Where the demo's data lives when this is `eaglehurst --demo` (the status screen says so).
    package var demoDirectory: URL?
    package var themeName: String
    package var keymapName: String
    /// Lines for the first screen, e.g. the demo accounts.
    package var welcomeLines: [String]
    /// Where the user's `themes/` and `keymaps/` are looked for first; nil for the shipped ones only.
    package var configDirectory: String?
    /// Read for `NO_COLOR`, `TERM` and `COLORTERM`.
    package var environment: [String: String]
    /// Where `session.json` lives; nil keeps the session in memory only.
    package var stateDirectory: URL?
    /// What the session is filed under: by default the server URL. An embedded server's URL has a new
    /// port on every run, so its caller passes a name that stays the same (e.g. its data directory).
    package var sessionKey: String
    /// How listing photos are drawn (`pictures` in config.toml); `auto` looks at the terminal.
    package var pictures: PictureProtocol

    package init(
        serverURL: URL,
        isEmbedded: Bool,
        demoDirectory: URL? = nil,
        themeName: String = ConfigFiles.defaultThemeName,
        keymapName: String = ConfigFiles.defaultKeymapName,
        welcomeLines: [String] = [],
        configDirectory: String? = ConfigFiles.defaultConfigDirectory(environment: ProcessInfo.processInfo.environment),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        stateDirectory: URL? = SessionStore.defaultDirectory(environment: ProcessInfo.processInfo.environment),
        sessionKey: String? = nil,
        pictures: PictureProtocol = .auto
    ) {
        self.serverURL = serverURL
        self.isEmbedded = isEmbedded
        self.demoDirectory = demoDirectory
        self.themeName = themeName
        self.keymapName = keymapName
        self.welcomeLines = welcomeLines
        self.configDirectory = configDirectory
        self.environment = environment
        self.stateDirectory = stateDirectory
        self.sessionKey = sessionKey ?? serverURL.absoluteString
        self.pictures = pictures
    }

    /// The first state, with the theme and binding table loaded and any problem with them on the error line.
    func initialState(size: Size, storedSessionEmail: String? = nil) -> (state: AppState, theme: Theme) {
        let files = ConfigFiles(configDirectory: configDirectory)
        let (theme, themeProblem) = files.loadTheme(named: themeName)
        let (bindings, keymapProblem) = files.loadBindings(keymapNamed: keymapName)
        let problems = [themeProblem, keymapProblem].compactMap { $0 }
        var state = AppState(
            size: size, bindings: bindings, server: ServerInfo(url: serverURL, isEmbedded: isEmbedded, demoDirectory: demoDirectory?.path),
            welcomeLines: welcomeLines, message: problems.isEmpty ? nil : .error(problems.joined(separator: "  ·  ")),
            storedSessionEmail: storedSessionEmail
        )
        // A first start with nobody signed in opens on the listings: browsing needs no account. The
        // server status (and signing in) is Esc away; a stored session, or the demo's accounts to
        // sign in with, start on the status screen instead.
        if storedSessionEmail == nil, welcomeLines.isEmpty {
            state.screen = .listings
            if state.message == nil {
                let back = state.bindings.binding(for: .back, in: .listings)?.keys.first.map { "\($0)" } ?? ":status"
                state.message = .info("Browsing without an account. \(back): server status and sign in.")
            }
        }
        state.shell.pictureProtocol = pictures.resolved(environment)
        state.shell.hasDisplay = [environment["DISPLAY"], environment["WAYLAND_DISPLAY"]].contains { $0?.isEmpty == false }
        state.externalEditor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return (state, theme)
    }
}

/// Runs the terminal client against the server at `options.serverURL` until the user quits. Requests
/// go through `transport` (`CurlTransport()` in the app) with the session's token attached and renewed;
/// the session is kept in `options.stateDirectory` and resumed on the next start. The UI runs on a
/// thread of its own that owns every ncurses call; requests run as tasks and report back through the
/// inbox. Returns the process exit status (128 + the signal when SIGINT, SIGTERM, SIGHUP or SIGQUIT
/// ended it); throws when there is no usable terminal. The terminal is restored before this returns
/// or throws, and by the signal handlers on a crash.
package func runTUI(transport: any ClientTransport, options: TUIOptions) async throws -> Int32 {
    let store = options.stateDirectory.map(SessionStore.init(directory:))
    let refresher = SessionKeeper.refresher(client: Client(serverURL: options.serverURL, transport: transport))
    let keeper = SessionKeeper(server: options.sessionKey, store: store, refresh: refresher)
    let storedSessionEmail = await keeper.session?.email
    let runner = EffectRunner(serverURL: options.serverURL, transport: transport, session: keeper)
    return try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            let terminal: NcursesTerminal
            do {
                terminal = try NcursesTerminal(environment: options.environment, pictures: options.pictures)
            } catch {
                continuation.resume(throwing: error)
                return
            }
            var (state, theme) = options.initialState(size: terminal.size, storedSessionEmail: storedSessionEmail)
            let inbox = Inbox()
            UILoop.run(terminal: terminal, state: &state, theme: theme, inbox: inbox, shouldStop: { terminal.pendingQuitSignal != nil }) { effect in
                Task { inbox.post(await runner.perform(effect)) }
            }
            let signal = terminal.pendingQuitSignal
            // The terminal is given back before anyone hears that the UI is done: once the
            // continuation resumes, `main` may return and the process exit at any moment.
            terminal.restore()
            continuation.resume(returning: signal.map { 128 + $0 } ?? 0)
        }
        thread.name = "eaglehurst-ui"
        thread.start()
    }
}

/// The key bindings of a keymap as Markdown, for the README and `eaglehurst --keys`.
package func keyBindingsMarkdown(keymapName: String = ConfigFiles.defaultKeymapName, configDirectory: String? = nil) -> String {
    ConfigFiles(configDirectory: configDirectory).loadBindings(keymapNamed: keymapName).bindings.markdown()
}
