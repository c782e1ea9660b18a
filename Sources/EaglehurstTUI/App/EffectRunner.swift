import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// Performs effects against the server, off the UI loop, and turns each outcome into a message.
public struct EffectRunner: Sendable {
    let client: Client
    let session: SessionKeeper
    /// Listings and pages the server gave, revalidated with their ETags; emptied when the user changes.
    public let cache: ModelCache
    /// How long typing must pause before the search line searches.
    let searchPause: Duration

    /// `client` must carry `SessionMiddleware(keeper: session)` for signed-in requests to work;
    /// `init(serverURL:transport:session:)` builds such a client.
    public init(client: Client, session: SessionKeeper, cache: ModelCache = ModelCache(), searchPause: Duration = .milliseconds(250)) {
        self.client = client
        self.session = session
        self.cache = cache
        self.searchPause = searchPause
    }

    /// The runner the app uses: its requests carry the session's token, renewed when the server says 401.
    public init(serverURL: URL, transport: any ClientTransport, session: SessionKeeper, cache: ModelCache = ModelCache(), searchPause: Duration = .milliseconds(250)) {
        let client = Client(
            serverURL: serverURL, transport: transport,
            middlewares: [ResponseNotesMiddleware(), ConditionalRequestMiddleware(), SessionMiddleware(keeper: session)]
        )
        self.init(client: client, session: session, cache: cache, searchPause: searchPause)
    }

    public func perform(_ effect: Effect) async -> Message {
        await ResponseNotes.$current.withValue(ResponseNotes()) {
            await run(effect)
        }
    }

    private func run(_ effect: Effect) async -> Message {
        switch effect {
        case .checkHealth: .healthChecked(await checkHealth())
        case .signIn(let email, let password): .signedIn(await signIn(email: email, password: password))
        case .register(let request): .registered(await register(request))
        case .verifyEmail(let email, let code): .emailVerified(await verifyEmail(email: email, code: code))
        case .resendCode(let email): .codeResent(await resendCode(email: email))
        case .forgotPassword(let email): .resetRequested(await forgotPassword(email: email))
        case .resetPassword(let token, let newPassword): .passwordReset(await resetPassword(token: token, newPassword: newPassword))
        case .signOut: .signedOut(await signOut())
        case .restoreSession: .sessionRestored(await currentAccount())
        case .loadProfile: .profileLoaded(await loadProfile())
        case .saveProfile(let change): .profileSaved(change.kind, await save(change))
        case .conversations(let effect): .conversations(await runConversations(effect))
        default: await runListings(effect)
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

    func checkHealth() async -> Result<HealthReport, RequestFailure> {
        let clock = ContinuousClock()
        let started = clock.now
        return await attempt {
            switch try await client.healthGet() {
            case .ok(let ok):
                let health = try ok.body.json
                return .success(HealthReport(
                    status: health.status.rawValue, version: health.version, database: health.database,
                    serverTime: health.time, roundTrip: clock.now - started
                ))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the health check"))
            }
        }
    }

    func signIn(email: String, password: String) async -> Result<SignedIn, RequestFailure> {
        await attempt {
            switch try await client.authLogin(body: .json(.init(email: email, password: password))) {
            case .ok(let ok):
                let tokens = try ok.body.json
                var storageProblem: String?
                // Saved flags and confidential fields are the last user's: none of it may show to this one.
                await cache.removeAll()
                do {
                    try await session.begin(StoredSession(email: tokens.user.email, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken))
                } catch {
                    storageProblem = String(describing: error)
                }
                return .success(SignedIn(account: tokens.user, storageProblem: storageProblem))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "sign-in"))
            }
        }
    }

    func register(_ request: Components.Schemas.RegisterRequest) async -> Result<Account, RequestFailure> {
        await attempt {
            switch try await client.authRegister(body: .json(request)) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "registration"))
            }
        }
    }

    func verifyEmail(email: String, code: String) async -> Result<Account, RequestFailure> {
        await attempt {
            switch try await client.authVerifyEmail(body: .json(.init(email: email, otpCode: code))) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "email verification"))
            }
        }
    }

    func resendCode(email: String) async -> Result<String, RequestFailure> {
        await attempt {
            switch try await client.authResendOtp(body: .json(.init(email: email))) {
            case .ok(let ok): return .success(try ok.body.json.message)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "sending a new code"))
            }
        }
    }

    func forgotPassword(email: String) async -> Result<String, RequestFailure> {
        await attempt {
            switch try await client.authForgotPassword(body: .json(.init(email: email))) {
            case .ok(let ok): return .success(try ok.body.json.message)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "password reset"))
            }
        }
    }

    func resetPassword(token: String, newPassword: String) async -> RequestFailure? {
        let result: Result<Void, RequestFailure> = await attempt {
            switch try await client.authResetPassword(body: .json(.init(token: token, newPassword: newPassword))) {
            case .noContent: return .success(())
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "password reset"))
            }
        }
        if case .failure(let failure) = result { return failure }
        return nil
    }

    /// Forgets the session here whatever happens, then asks the server to revoke it.
    func signOut() async -> RequestFailure? {
        await cache.removeAll()
        guard let ended = await session.end() else { return nil }
        let result: Result<Void, RequestFailure> = await attempt {
            switch try await client.authLogout(body: .json(.init(refreshToken: ended.refreshToken))) {
            case .noContent: return .success(())
            // Already expired or revoked on the server: signed out all the same.
            case .default(let statusCode, _) where statusCode == 401 || statusCode == 403: return .success(())
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "sign-out"))
            }
        }
        if case .failure(let failure) = result { return failure }
        return nil
    }

    func currentAccount() async -> Result<Account, RequestFailure> {
        await attempt {
            switch try await client.authMe() {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "resuming a session"))
            }
        }
    }

    /// The user, their seller or buyer profile and their verification, asked for together.
    func loadProfile() async -> Result<ProfileData, RequestFailure> {
        await attempt {
            async let verification = verificationStatus()
            let account: Account
            switch try await client.usersGetProfile() {
            case .ok(let ok): account = try ok.body.json
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the profile"))
            }
            var data = ProfileData(account: account)
            switch account.userType {
            case .seller:
                switch try await client.usersGetSellerProfile() {
                case .ok(let ok): data.seller = try ok.body.json
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the seller profile"))
                }
            case .buyer:
                switch try await client.usersGetBuyerProfile() {
                case .ok(let ok): data.buyer = try ok.body.json
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the buyer profile"))
                }
            case .admin:
                break
            }
            switch try await verification {
            case .success(let status): data.verification = status
            case .failure(let failure): return .failure(failure)
            }
            return .success(data)
        }
    }

    private func verificationStatus() async throws -> Result<Components.Schemas.VerificationStatusResponse, RequestFailure> {
        switch try await client.usersVerificationStatus() {
        case .ok(let ok): return .success(try ok.body.json)
        case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "verification status"))
        }
    }

    /// Sends the change, then reads the whole profile again so the screen shows what the server kept.
    func save(_ change: ProfileChange) async -> Result<ProfileData, RequestFailure> {
        let saved: Result<Void, RequestFailure> = await attempt {
            func failed(_ statusCode: Int, _ problem: Components.Responses.Problem) -> Result<Void, RequestFailure> {
                .failure(Self.failure(statusCode: statusCode, problem: problem, what: change.kind.rawValue))
            }
            switch change {
            case .details(let request):
                switch try await client.usersUpdateProfile(body: .json(request)) {
                case .ok: return .success(())
                case .default(let statusCode, let problem): return failed(statusCode, problem)
                }
            case .business(let update):
                switch try await client.usersUpdateSellerProfile(body: .json(update)) {
                case .ok: return .success(())
                case .default(let statusCode, let problem): return failed(statusCode, problem)
                }
            case .preferences(let preferences):
                switch try await client.usersUpdateBuyerProfile(body: .json(.init(preferences: preferences))) {
                case .ok: return .success(())
                case .default(let statusCode, let problem): return failed(statusCode, problem)
                }
            case .avatar(let path):
                let file = try Self.readFile(path).get()
                let parts: MultipartBody<Operations.UsersUploadAvatar.Input.Body.MultipartFormPayload> = [
                    .file(.init(payload: .init(body: HTTPBody(file.data)), filename: file.name)),
                ]
                switch try await client.usersUploadAvatar(body: .multipartForm(parts)) {
                case .ok: return .success(())
                case .default(let statusCode, let problem): return failed(statusCode, problem)
                }
            case .document(let type, let path):
                let file = try Self.readFile(path).get()
                let parts: MultipartBody<Operations.UsersKycUpload.Input.Body.MultipartFormPayload> = [
                    .file(.init(payload: .init(body: HTTPBody(file.data)), filename: file.name)),
                    .documentType(.init(payload: .init(body: HTTPBody(type.rawValue)))),
                ]
                switch try await client.usersKycUpload(body: .multipartForm(parts)) {
                case .created: return .success(())
                case .default(let statusCode, let problem): return failed(statusCode, problem)
                }
            }
        }
        if case .failure(let failure) = saved { return .failure(failure) }
        return await loadProfile()
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

extension ProfileChange {
    var kind: ProfileEditor.Kind {
        switch self {
        case .details: .details
        case .business: .business
        case .preferences: .preferences
        case .avatar: .avatar
        case .document: .document
        }
    }
}
