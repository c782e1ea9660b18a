import ArgumentParser
import EaglehurstServer
import Foundation
import Logging

@main
struct EaglehurstServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eaglehurst-server",
        abstract: "The Eaglehurst marketplace API server.",
        discussion: """
        Settings come from the environment: `eaglehurst-server serve --help` lists every variable with \
        its default. DATABASE_URL unset keeps SQLite in the data directory (EAGLEHURST_DATA_DIR, default \
        $XDG_DATA_HOME/eaglehurst); postgres://… uses PostgreSQL. HOST, PORT and LOG_LEVEL stand in \
        for serve's flags. A load balancer checks GET /api/v1/health/ready (503 with the reason while \
        migrations are pending, the database is unreachable, the search index loads or the server \
        drains); GET /api/v1/health/live only says the process answers. On SIGTERM or SIGINT serve \
        drains: no new connections, requests in flight get SHUTDOWN_GRACE_SECONDS (default 25) to \
        finish, then it exits 0.
        """,
        version: EaglehurstVersion.summary,
        subcommands: [Serve.self, Migrate.self, CreateAdmin.self, SeedDemo.self, Rollup.self, SearchCosts.self],
        defaultSubcommand: Serve.self
    )
}

/// Reads the settings, or stops with the one line that says what to fix.
func loadSettings() throws -> Settings {
    do {
        return try Settings.fromEnvironment()
    } catch let error as SettingsError {
        FileHandle.standardError.write(Data("eaglehurst-server: \(error)\n".utf8))
        throw ExitCode(78)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate the database and serve the API until SIGTERM or SIGINT, then drain and exit.",
        discussion: "Settings (environment variables; a flag wins over its variable):\n" + SettingsReference.helpText)

    @Option(help: "The address to listen on (default: HOST, else 127.0.0.1).") var hostname: String?
    @Option(help: "The port to listen on, 0 picks a free one (default: PORT, else 8000).") var port: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: LOG_LEVEL, else info).")
    var logLevel: Logger.Level?

    func run() async throws {
        let settings = try loadSettings()
        let serving: ServeSettings
        do {
            serving = try ServeSettings.fromEnvironment(hostname: hostname, port: port, logLevel: logLevel)
        } catch let error as SettingsError {
            FileHandle.standardError.write(Data("eaglehurst-server: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let level = serving.logLevel
        LoggingSystem.bootstrap { label in
            if settings.logFormat == .json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let server = try await RunningServer.start(settings: settings, hostname: serving.hostname, port: serving.port, logLevel: level)
        server.warmSearchIndex()
        server.app.logger.notice("Eaglehurst \(EaglehurstVersion.current) serving \(server.baseURL) on \(settings.database.engineName)")
        await waitForTerminationSignal()
        try await server.drain(grace: .seconds(serving.shutdownGraceSeconds))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run pending database migrations and exit.")

    func run() async throws {
        let settings = try loadSettings()
        try await withMigratedApplication(settings: settings) { _ in }
        print("Database migrated (\(settings.database.engineName)).")
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an administrator account (admins are never created through the API).",
        discussion: """
        The password is asked for at the terminal (twice, not shown), or read from the first line of \
        stdin (--password-stdin) or of a file (--password-file); never from the command line, where \
        ps and the shell's history would show it.
        """)

    @Option(help: "The admin's email address.") var email: String
    @Flag(help: "Read the password from the first line of stdin.") var passwordStdin = false
    @Option(help: "Read the password from the first line of this file.") var passwordFile: String?
    @Option(help: .hidden) var password: String?
    @Option(help: "First name.") var firstName = "Admin"
    @Option(help: "Last name.") var lastName = "User"

    func run() async throws {
        if password != nil {
            FileHandle.standardError.write(Data("eaglehurst-server: \(PasswordInput.argvRefusal)\n".utf8))
            throw ExitCode(64)
        }
        let secret: String
        do {
            secret = try PasswordInput.read(stdin: passwordStdin, file: passwordFile)
        } catch let error as PasswordInput.Failure {
            FileHandle.standardError.write(Data("eaglehurst-server: \(error.message)\n".utf8))
            throw ExitCode(64)
        }
        let settings = try loadSettings()
        do {
            let outcome = try await withMigratedApplication(settings: settings) { app in
                try await AccountBootstrap.createAdmin(on: app, email: email, password: secret, firstName: firstName, lastName: lastName)
            }
            switch outcome {
            case .created: print("Admin \(email.lowercased()) created.")
            case .alreadyExists:
                FileHandle.standardError.write(Data("eaglehurst-server: an account with the email \(email.lowercased()) already exists.\n".utf8))
                throw ExitCode(1)
            }
        } catch let error as BootstrapError {
            throw ValidationError(error.message)
        }
    }
}

struct SeedDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fill the database with demo accounts and data (idempotent).")

    func run() async throws {
        let settings = try loadSettings()
        let accounts = try await withMigratedApplication(settings: settings) { app in
            try await AccountBootstrap.seedDemo(on: app)
        }
        print("Demo data ready. Accounts:")
        for account in accounts {
            print("  \(account.role.padding(toLength: 7, withPad: " ", startingAt: 0)) \(account.email)  password \(account.password)")
        }
    }
}

struct Rollup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute the daily platform metrics of past days (backfill); safe to run again and beside running servers.")

    @Option(help: "First day, YYYY-MM-DD (UTC).") var from: String
    @Option(help: "Last day, YYYY-MM-DD (default: yesterday; today is never stored, it is computed live).") var to: String?

    func run() async throws {
        let settings = try loadSettings()
        do {
            let days = try await withMigratedApplication(settings: settings) { app in
                try await PlatformMetricsBackfill.run(on: app, from: from, to: to)
            }
            print("Platform metrics stored for \(days) day\(days == 1 ? "" : "s").")
        } catch let error as PlatformMetricsBackfill.BackfillError {
            throw ValidationError(error.description)
        }
    }
}

struct SearchCosts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-costs",
        abstract: "Time listing searches inside the index, without HTTP (a benchmark tool): loads the index and reports per kind.")

    @Option(help: "A file of queries, one a line: kind<TAB>query string as GET /api/v1/listings takes it.") var queries: String
    @Option(help: "How many times each query is answered.") var rounds = 3

    func run() async throws {
        let settings = try loadSettings()
        guard let text = try? String(contentsOfFile: queries, encoding: .utf8) else { throw ValidationError("cannot read \(queries)") }
        let lines = text.split(separator: "\n").map(String.init)
        let report = try await withMigratedApplication(settings: settings) { app in
            try await ListingSearchCosts.report(on: app, lines: lines, rounds: rounds)
        }
        print(report, terminator: "")
    }
}

/// Suspends until SIGINT or SIGTERM arrives. A second one (Ctrl-C twice) ends the process at once,
/// without waiting for the drain.
func waitForTerminationSignal() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let once = SignalOnce(continuation)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: SignalOnce.queue)
            source.setEventHandler { once.fire() }
            source.resume()
            SignalOnce.keep(source)
        }
    }
}

/// Resumes the waiting continuation once, whichever signal comes first.
final class SignalOnce: @unchecked Sendable {
    /// Every signal source delivers on this serial queue, which is what makes the mutable state safe.
    static let queue = DispatchQueue(label: "eaglehurst.signals")
    private var continuation: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func fire() {
        guard let continuation else {
            FileHandle.standardError.write(Data("eaglehurst-server: second signal; stopping without waiting for requests in flight\n".utf8))
            _exit(1)
        }
        continuation.resume()
        self.continuation = nil
    }

    static func keep(_ source: any DispatchSourceSignal) { queue.sync { sources.append(source) } }
}
