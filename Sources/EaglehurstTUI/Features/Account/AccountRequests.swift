import EaglehurstClient
import OpenAPIRuntime
import EaglehurstAPI
import Foundation

extension EffectRunner {
    func runProfile(_ effect: ProfileEffect) async -> ProfileMessage {
        switch effect {
        case .loadProfile: .profileLoaded(await loadProfile())
        case .saveProfile(let change): .profileSaved(change.kind, await save(change))
        }
    }

    func runAccount(_ effect: AccountEffect) async -> AccountMessage {
        switch effect {
        case .signIn(let email, let password): .signedIn(await signIn(email: email, password: password))
        case .register(let request): .registered(await register(request))
        case .verifyEmail(let email, let code): .emailVerified(await verifyEmail(email: email, code: code))
        case .resendCode(let email): .codeResent(await resendCode(email: email))
        case .forgotPassword(let email): .resetRequested(await forgotPassword(email: email))
        case .resetPassword(let token, let newPassword): .passwordReset(await resetPassword(token: token, newPassword: newPassword))
        case .signOut: .signedOut(await signOut())
        case .restoreSession: .sessionRestored(await restoredSession())
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
                await files.removeAll()
                do {
                    try await session.begin(StoredSession(email: tokens.user.email, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken))
                } catch {
                    storageProblem = String(describing: error)
                }
                let pending = tokens.user.userType == .seller && tokens.user.emailVerified ? await pendingRequests() : 0
                return .success(SignedIn(account: tokens.user, storageProblem: storageProblem, pendingRequests: pending))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "sign-in"))
            }
        }
    }

    /// How many connection requests wait for the signed-in seller's answer; 0 when that cannot be told.
    func pendingRequests() async -> Int {
        guard case .ok(let ok) = try? await client.connectionsList(query: .init(status: .pending, page: 1, perPage: 1)),
              let page = try? ok.body.json else { return 0 }
        return page.total
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
        await files.removeAll()
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

    /// The stored session's user, with what a seller has waiting, so the app lands where the work is.
    func restoredSession() async -> Result<SignedIn, RequestFailure> {
        switch await currentAccount() {
        case .success(let account):
            let pending = account.userType == .seller && account.emailVerified ? await pendingRequests() : 0
            return .success(SignedIn(account: account, pendingRequests: pending))
        case .failure(let failure):
            return .failure(failure)
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

extension EffectRunner {
    func verificationStatus() async throws -> Result<Components.Schemas.VerificationStatusResponse, RequestFailure> {
        switch try await client.usersVerificationStatus() {
        case .ok(let ok): return .success(try ok.body.json)
        case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "verification status"))
        }
    }
}
