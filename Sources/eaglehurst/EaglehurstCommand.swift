import ArgumentParser
import EaglehurstClient
import EaglehurstServer
import EaglehurstTUI
import Foundation
import Logging

@main
struct EaglehurstCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eaglehurst",
        abstract: "The Eaglehurst marketplace in your terminal.",
        discussion: """
        With no server configured, eaglehurst runs the Eaglehurst server inside this process on a \
        loopback port (SQLite in $XDG_DATA_HOME/eaglehurst, logs in its logs/ folder) and talks to it \
        over HTTP. --server, EAGLEHURST_SERVER or `server` in $XDG_CONFIG_HOME/eaglehurst/config.toml \
        use a remote server instead.

        --demo runs the embedded server in a data directory of its own: $EAGLEHURST_DATA_DIR/demo, \
        else $XDG_DATA_HOME/eaglehurst/demo, else ~/.local/share/eaglehurst/demo. It ignores the \
        server settings but LOG_LEVEL and LOG_FORMAT (DATABASE_URL, S3_*, SMTP_URL, STRIPE_*, …), so \
        the demo accounts never reach real data. --demo --reset deletes the demo's data and starts \
        it afresh.
        """,
        version: EaglehurstVersion.summary
    )

    @Option(help: "The server's base URL, e.g. https://eaglehurst.example.com (default: run the embedded server).")
    var server: String?

    @Flag(help: "Run a demo with demo accounts and data, in a data directory of its own (demo/ in the usual one), and show the accounts on the first screen.")
    var demo = false

    @Flag(help: "With --demo: delete the demo's data (and its saved sign-in) and start it afresh.")
    var reset = false

    @Option(help: "Theme name: a file in $XDG_CONFIG_HOME/eaglehurst/themes/ or a shipped one (dark, light, high-contrast).")
    var theme: String?

    @Option(help: "Keymap name: a file in $XDG_CONFIG_HOME/eaglehurst/keymaps/ or a shipped one (default, vim).")
    var keymap: String?

    @Flag(help: "Print the key bindings of the chosen keymap as Markdown and exit.")
    var keys = false

    func validate() throws {
        if reset, !demo {
            throw ValidationError("--reset starts the demo afresh and only goes with --demo (eaglehurst --demo --reset); your own data is never reset")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configDirectory = ConfigFiles.defaultConfigDirectory(environment: environment)
        let config: ClientConfig
        do {
            config = try ClientConfig.load(configDirectory: configDirectory)
        } catch {
            throw fail("\(error)")
        }
        let themeName = theme ?? config.theme ?? ConfigFiles.defaultThemeName
        let keymapName = keymap ?? config.keymap ?? ConfigFiles.defaultKeymapName
        if keys {
            print(keyBindingsMarkdown(keymapName: keymapName, configDirectory: configDirectory), terminator: "")
            return
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw fail("eaglehurst needs a terminal; run it in one (for scripts, use the HTTP API or eaglehurst-server)")
        }

        let remote = server ?? environment["EAGLEHURST_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? config.server
        if remote != nil, demo {
            throw fail("--demo fills the embedded server; for a remote server run `eaglehurst-server seed-demo` there")
        }

        let embedded: RunningServer?
        let serverURL: URL
        let sessionKey: String
        var welcome: [String] = []
        var demoDirectory: URL?
        if let remote {
            serverURL = try apiBaseURL(remote)
            sessionKey = serverURL.absoluteString
            embedded = nil
        } else {
            let settings: Settings
            do {
                settings = demo ? try DemoData.settings(environment: environment) : try Settings.fromEnvironment(environment)
            } catch {
                throw fail("\(error)")
            }
            if reset {
                do {
                    try DemoData.reset(settings.dataDirectory)
                } catch {
                    throw fail("could not empty the demo directory \(settings.dataDirectory.path): \(error)")
                }
                // The saved sign-in belongs to the accounts just deleted.
                if let state = SessionStore.defaultDirectory(environment: environment) {
                    try? SessionStore(directory: state).save(nil, server: Self.sessionKey(dataDirectory: settings.dataDirectory))
                }
            }
            let logPath = settings.dataDirectory.appendingPathComponent("logs/eaglehurst.log").path
            let factory = try FileLogHandler.factory(path: logPath, level: .info)
            LoggingSystem.bootstrap(factory)
            let running: RunningServer
            do {
                running = try await RunningServer.start(settings: settings, hostname: "127.0.0.1", port: 0)
            } catch {
                throw fail("the embedded server did not start: \(error) (details in \(logPath))")
            }
            if demo {
                let accounts = try await AccountBootstrap.seedDemo(on: running.app)
                demoDirectory = settings.dataDirectory
                welcome = ["Demo data is loaded. Sign in with one of these accounts:"]
                    + accounts.map { "  \($0.role.padding(toLength: 7, withPad: " ", startingAt: 0)) \($0.email)   password \($0.password)" }
            }
            embedded = running
            serverURL = running.baseURL
            sessionKey = Self.sessionKey(dataDirectory: settings.dataDirectory)
        }

        let options = TUIOptions(
            serverURL: serverURL, isEmbedded: embedded != nil, demoDirectory: demoDirectory, themeName: themeName, keymapName: keymapName,
            welcomeLines: welcome, configDirectory: configDirectory, environment: environment, sessionKey: sessionKey,
            pictures: config.pictures ?? .auto)
        let status: Int32
        do {
            status = try await runTUI(transport: CurlTransport(), options: options)
        } catch {
            try? await embedded?.shutdown()
            throw fail("\(error)")
        }
        try? await embedded?.shutdown()
        if status != 0 { throw ExitCode(status) }
    }

    /// What an embedded server's saved sign-in is filed under: it gets a new port each run, so its
    /// sessions belong to its data directory (the demo's are apart from the real one's).
    static func sessionKey(dataDirectory: URL) -> String {
        "embedded:\(dataDirectory.path)"
    }

    /// Accepts `https://host` or `https://host/api/v1` and answers the API base URL.
    func apiBaseURL(_ raw: String) throws -> URL {
        guard var components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), components.host?.isEmpty == false else {
            throw fail("'\(raw)' is not a server URL; write it like https://eaglehurst.example.com")
        }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if !path.hasSuffix("/api/v1") { path += "/api/v1" }
        components.path = path
        return components.url!
    }

    func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("eaglehurst: \(message)\n".utf8))
        return ExitCode(1)
    }
}
