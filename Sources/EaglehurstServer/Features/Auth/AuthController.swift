import EaglehurstAPI
import Vapor

extension APIHandler {
    func authService() throws -> AuthService { AuthService(app: app, request: try RequestContext.request) }

    func authRegister(_ input: Operations.AuthRegister.Input) async throws -> Operations.AuthRegister.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .created(.init(body: .json(try await authService().register(body).toDTO())))
    }

    func authVerifyEmail(_ input: Operations.AuthVerifyEmail.Input) async throws -> Operations.AuthVerifyEmail.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(try await authService().verifyEmail(body).toDTO())))
    }

    func authResendOtp(_ input: Operations.AuthResendOtp.Input) async throws -> Operations.AuthResendOtp.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(.init(message: try await authService().resendOTP(body)))))
    }

    func authLogin(_ input: Operations.AuthLogin.Input) async throws -> Operations.AuthLogin.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(try await authService().login(body))))
    }

    func authRefresh(_ input: Operations.AuthRefresh.Input) async throws -> Operations.AuthRefresh.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(try await authService().refresh(body))))
    }

    func authLogout(_ input: Operations.AuthLogout.Input) async throws -> Operations.AuthLogout.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        try await authService().logout(body)
        return .noContent(.init())
    }

    func authForgotPassword(_ input: Operations.AuthForgotPassword.Input) async throws -> Operations.AuthForgotPassword.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(.init(message: try await authService().forgotPassword(body)))))
    }

    func authResetPassword(_ input: Operations.AuthResetPassword.Input) async throws -> Operations.AuthResetPassword.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        try await authService().resetPassword(body)
        return .noContent(.init())
    }

    func authMe(_ input: Operations.AuthMe.Input) async throws -> Operations.AuthMe.Output {
        .ok(.init(body: .json(try await auth.user(.signedIn).toDTO())))
    }
}
