/// Every environment variable the server reads (`Settings.swift`), with its default and what it is
/// for, in the order an operator meets them: what `eaglehurst-server serve --help` prints.
/// `ServeHelpTests` fails when `Settings.swift` reads a variable this list does not name, or the
/// other way round.
public enum SettingsReference {
    public struct Entry: Sendable {
        public let name: String
        /// What applies when the variable is unset, as an operator would write it.
        public let defaultValue: String
        public let purpose: String
    }

    public static let entries: [Entry] = [
        Entry(name: "HOST", defaultValue: "127.0.0.1", purpose: "Address serve listens on (0.0.0.0: every interface); --hostname wins."),
        Entry(name: "PORT", defaultValue: "8000", purpose: "Port serve listens on (0 picks a free one); --port wins."),
        Entry(name: "LOG_LEVEL", defaultValue: "info", purpose: "trace, debug, info, notice, warning, error or critical; --log-level wins."),
        Entry(name: "LOG_FORMAT", defaultValue: "text", purpose: "text, or json for one JSON object per log line."),
        Entry(name: "SHUTDOWN_GRACE_SECONDS", defaultValue: "25", purpose: "On SIGTERM/SIGINT, how long requests in flight may take to finish."),
        Entry(name: "EAGLEHURST_DATA_DIR", defaultValue: "$XDG_DATA_HOME/eaglehurst",
              purpose: "SQLite file, uploads, outbox and the generated signing key."),
        Entry(name: "XDG_DATA_HOME", defaultValue: "$HOME/.local/share", purpose: "Where the data directory goes when EAGLEHURST_DATA_DIR is unset."),
        Entry(name: "HOME", defaultValue: "set at login", purpose: "Without XDG_DATA_HOME: data in $HOME/.local/share/eaglehurst."),
        Entry(name: "DATABASE_URL", defaultValue: "SQLite in the data directory",
              purpose: "postgres://user:password@host:5432/name, or sqlite:///path/file.sqlite."),
        Entry(name: "DATABASE_POOL_SIZE", defaultValue: "8", purpose: "PostgreSQL connections per event loop, 1-64."),
        Entry(name: "JWT_SECRET_KEY", defaultValue: "generated, kept in the data directory",
              purpose: "Token signing secret, at least 32 bytes; the same on every server."),
        Entry(name: "BCRYPT_COST", defaultValue: "12", purpose: "bcrypt work factor for passwords, 4-16."),
        Entry(name: "EMAIL_VERIFICATION_REQUIRED", defaultValue: "true", purpose: "Whether an account must verify its email before signing in."),
        Entry(name: "CORS_ALLOWED_ORIGIN", defaultValue: "*", purpose: "The origin browsers may call the API from."),
        Entry(name: "RATE_LIMIT_ENABLED", defaultValue: "true", purpose: "false turns every request and sign-in limit off."),
        Entry(name: "RATE_LIMIT_PER_ADDRESS", defaultValue: "1200/60", purpose: "Requests/seconds per client address, or off."),
        Entry(name: "RATE_LIMIT_PER_USER", defaultValue: "600/60", purpose: "Requests/seconds per signed-in user, or off."),
        Entry(name: "TRUSTED_PROXIES", defaultValue: "(none)", purpose: "Comma-separated proxy addresses whose X-Forwarded-For is believed."),
        Entry(name: "SMTP_URL", defaultValue: "(unset: mail goes to <data dir>/outbox)", purpose: "smtp://user:password@host:port or smtps://... for outgoing mail."),
        Entry(name: "MAIL_FROM", defaultValue: "no-reply@eaglehurst.local", purpose: "Sender address of the server's mail."),
        Entry(name: "JOB_WORKER", defaultValue: "true", purpose: "false: only queue background jobs and let another server run them."),
        Entry(name: "STRIPE_SECRET_KEY", defaultValue: "(unset: local test gateway)", purpose: "sk_... or rk_...: take payments through Stripe."),
        Entry(name: "STRIPE_PUBLISHABLE_KEY", defaultValue: "(unset)", purpose: "pk_...: told to clients so they can tokenize cards."),
        Entry(name: "STRIPE_WEBHOOK_SECRET", defaultValue: "(unset: webhooks refused)", purpose: "Secret Stripe signs webhook events with."),
        Entry(name: "STRIPE_API_BASE", defaultValue: "https://api.stripe.com", purpose: "Where Stripe's API is, e.g. a localstripe."),
        Entry(name: "SUBSCRIPTION_RENEWAL_INTERVAL", defaultValue: "300", purpose: "Seconds between subscription renewal runs; 0 turns them off."),
        Entry(name: "METRICS_ENABLED", defaultValue: "true", purpose: "Whether GET /metrics answers in Prometheus text format."),
        Entry(name: "METRICS_ROLLUP_INTERVAL", defaultValue: "3600", purpose: "Seconds between daily platform metrics roll-ups; 0 turns them off."),
        Entry(name: "ANALYTICS_TODAY_CACHE_MS", defaultValue: "1000", purpose: "How long admin analytics share one computation of today's figures."),
        Entry(name: "ENCRYPTION_KEY", defaultValue: "(unset: stored as uploaded)",
              purpose: "32 bytes (64 hex digits or base64) encrypting KYC and service files."),
        Entry(name: "MAX_IMAGE_PIXELS", defaultValue: "40000000", purpose: "Most pixels an uploaded image may declare, all frames counted."),
        Entry(name: "S3_ENDPOINT", defaultValue: "(unset: files on local disk)", purpose: "S3-compatible endpoint for uploaded files, e.g. http://127.0.0.1:9000."),
        Entry(name: "S3_BUCKET", defaultValue: "(unset)", purpose: "The bucket; set with S3_ENDPOINT and the key pair."),
        Entry(name: "S3_REGION", defaultValue: "us-east-1", purpose: "The bucket's region."),
        Entry(name: "S3_CREATE_BUCKET", defaultValue: "false", purpose: "Create a missing bucket at start instead of refusing to start."),
        Entry(name: "AWS_ACCESS_KEY_ID", defaultValue: "(unset)", purpose: "Access key id of the bucket's credentials."),
        Entry(name: "AWS_SECRET_ACCESS_KEY", defaultValue: "(unset)", purpose: "Secret of the bucket's credentials."),
    ]

    /// Two lines a variable: its name and default, then what it is for.
    public static var helpText: String {
        entries.map { "  \($0.name) (default: \($0.defaultValue))\n      \($0.purpose)" }.joined(separator: "\n")
    }
}
