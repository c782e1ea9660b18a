import Foundation

/// Where `eaglehurst --demo` keeps its data and the settings it runs with. The demo accounts'
/// passwords are published, so the demo has a directory of its own that the normal server never
/// opens, and nothing in the environment can point it at a real database, bucket, mail server or
/// payment account.
public enum DemoData {
    /// The variables the demo still reads: how it logs. Every other setting takes its default, so
    /// `DATABASE_URL`, `S3_*`, `SMTP_URL`, `STRIPE_*`, `JWT_SECRET_KEY` and `ENCRYPTION_KEY`, which
    /// belong to a real deployment, never reach the demo (an allowlist, so a setting added later is
    /// left out until someone decides the demo should have it).
    static let passedThrough = ["LOG_LEVEL", "LOG_FORMAT"]

    /// `demo/` in the normal data directory (`$EAGLEHURST_DATA_DIR`, else `$XDG_DATA_HOME/eaglehurst`,
    /// else `~/.local/share/eaglehurst`). The normal server keeps its SQLite file, `files/`,
    /// `uploads/`, `outbox/` and `logs/` there and never looks inside `demo/`; following
    /// `EAGLEHURST_DATA_DIR` keeps a demo started with it (as the end-to-end tests do) inside it too.
    public static func directory(environment: [String: String]) throws -> URL {
        try Settings.dataDirectory(environment).appendingPathComponent("demo", isDirectory: true)
    }

    /// The demo server's settings: SQLite and local files in `directory(environment:)`, defaults for
    /// the rest.
    public static func settings(environment: [String: String]) throws -> Settings {
        var demo = ["EAGLEHURST_DATA_DIR": try directory(environment: environment).path]
        for name in passedThrough {
            if let value = environment[name] { demo[name] = value }
        }
        return try Settings.fromEnvironment(demo)
    }

    /// Empties the demo directory, so the next start seeds a new demo. The directory itself stays
    /// (it may be a mount point or have permissions someone chose); a missing one is nothing to do.
    public static func reset(_ directory: URL) throws {
        let files = FileManager.default
        guard files.fileExists(atPath: directory.path) else { return }
        for entry in try files.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil, options: []) {
            try files.removeItem(at: entry)
        }
    }
}
