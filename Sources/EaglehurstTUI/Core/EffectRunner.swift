import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// Performs effects against the server, off the UI loop, and turns each outcome into a message.
package struct EffectRunner: Sendable {
    let client: Client
    let session: SessionKeeper
    /// Listings and pages the server gave, revalidated with their ETags; emptied when the user changes.
    package let cache: ModelCache
    /// Photos and documents fetched by signed URL.
    package let files: FileCache
    /// How long typing must pause before the search line searches.
    let searchPause: Duration
    /// The bare transport, for a payment gateway's own tokenizer (Stripe's): card details go there
    /// without this server's session or middlewares.
    let transport: (any ClientTransport)?

    /// `client` must carry `SessionMiddleware(keeper: session)` for signed-in requests to work;
    /// `init(serverURL:transport:session:)` builds such a client.
    package init(client: Client, session: SessionKeeper, cache: ModelCache = ModelCache(), files: FileCache = FileCache(), searchPause: Duration = .milliseconds(250), transport: (any ClientTransport)? = nil) {
        self.client = client
        self.session = session
        self.cache = cache
        self.files = files
        self.searchPause = searchPause
        self.transport = transport
    }

    /// The runner the app uses: its requests carry the session's token, renewed when the server says 401.
    package init(serverURL: URL, transport: any ClientTransport, session: SessionKeeper, cache: ModelCache = ModelCache(), searchPause: Duration = .milliseconds(250)) {
        let client = Client(
            serverURL: serverURL, transport: transport,
            middlewares: [ResponseNotesMiddleware(), ConditionalRequestMiddleware(), SessionMiddleware(keeper: session)]
        )
        self.init(client: client, session: session, cache: cache, searchPause: searchPause, transport: transport)
    }

    package func perform(_ effect: Effect) async -> Message {
        await ResponseNotes.$current.withValue(ResponseNotes()) {
            await run(effect)
        }
    }

    private func run(_ effect: Effect) async -> Message {
        switch effect {
        case .status(let effect): .status(await runStatus(effect))
        case .account(let effect): .account(await runAccount(effect))
        case .profile(let effect): .profile(await runProfile(effect))
        case .browse(let effect): .browse(await runBrowse(effect))
        case .saved(let effect): .saved(await runSaved(effect))
        case .seller(let effect): await runSeller(effect)
        case .admin(let effect): await runAdmin(effect)
        case .listings(let effect): .listings(await runListings(effect))
        case .conversations(let effect): .conversations(await runConversations(effect))
        case .subscriptions(let effect): .subscriptions(await runSubscriptions(effect))
        case .services(let effect): .services(await runServices(effect))
        case .dashboard(let effect): .dashboard(await runDashboard(effect))
        case .pictures(let effect): .pictures(await runPictures(effect))
        case .editExternally(let field, _):
            // The UI loop runs the editor itself, since it owns the terminal.
            .textEdited(field: field, .failure(.unexpected("the editor runs on the UI thread only")))
        }
    }

    /// Runs a request and maps every way it can fail onto `RequestFailure`.
    func attempt<T: Sendable>(_ request: () async throws -> Result<T, RequestFailure>) async -> Result<T, RequestFailure> {
        do {
            return try await request()
        } catch {
            return .failure(Self.failure(from: error))
        }
    }

    /// Uploads are held in memory and sent with a length; this keeps a mistaken path to a huge file
    /// from taking the machine's memory.
    static let largestUpload = 50 * 1024 * 1024

    /// Reads a file the user named; `~` is their home. Fails with the reason in words.
    static func readFile(_ path: String) -> Result<(name: String, data: Data), RequestFailure> {
        let expanded = NSString(string: path).expandingTildeInPath
        var info = stat()
        guard stat(expanded, &info) == 0 else { return .failure(.file("\(path): \(String(cString: strerror(errno)))")) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.file("\(path) is not a regular file")) }
        guard Int(info.st_size) <= largestUpload else {
            return .failure(.file("\(path) is \(Int(info.st_size) / 1_048_576) MB; the most is \(largestUpload / 1_048_576) MB"))
        }
        let fd = open(expanded, O_RDONLY)
        guard fd >= 0 else { return .failure(.file("\(path): \(String(cString: strerror(errno)))")) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            let data = try handle.readToEnd() ?? Data()
            return .success((URL(fileURLWithPath: expanded).lastPathComponent, data))
        } catch {
            return .failure(.file("\(path): \(error.localizedDescription)"))
        }
    }

    // MARK: failures

    static func failure(statusCode: Int, problem: Components.Responses.Problem, what: String) -> RequestFailure {
        // A server that has the contract but not yet the operation answers 501 (issue 2's rule).
        if statusCode == 501 { return .notAvailable(what) }
        let body = try? problem.body.applicationProblemJson
        return .problem(ProblemReport(
            status: statusCode, title: body?.title ?? "HTTP \(statusCode)", detail: body?.detail,
            fieldErrors: body?.errors?.additionalProperties ?? [:],
            retryAfter: ResponseNotes.current?.retryAfterSeconds
        ))
    }

    /// A thrown error with no HTTP response means the server was never reached; with one, its answer
    /// could not be read. The transport's own description says what went wrong.
    static func failure(from error: any Error) -> RequestFailure {
        if let failure = error as? RequestFailure { return failure }
        guard let clientError = error as? ClientError else { return .unexpected(String(describing: error)) }
        if clientError.underlyingError is SessionExpiredError { return .sessionExpired }
        let cause = String(describing: clientError.underlyingError)
        if clientError.response == nil { return .unreachable(cause) }
        return .unexpected(cause)
    }
}

