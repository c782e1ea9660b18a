import EaglehurstAPI
import Vapor

/// `/api/v1/users`: every operation acts on the signed-in user only, so no operation takes a user id.
extension APIHandler {
    func usersService() throws -> UsersService { UsersService(app: app, request: try RequestContext.request) }

    func usersGetProfile(_ input: Operations.UsersGetProfile.Input) async throws -> Operations.UsersGetProfile.Output {
        .ok(.init(body: .json(try await auth.user(.verified).toDTO())))
    }

    func usersUpdateProfile(_ input: Operations.UsersUpdateProfile.Input) async throws -> Operations.UsersUpdateProfile.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(try await usersService().updateProfile(user, body).toDTO())))
    }

    func usersGetSellerProfile(_ input: Operations.UsersGetSellerProfile.Input) async throws -> Operations.UsersGetSellerProfile.Output {
        let user = try await auth.user(.verified, is: .seller)
        return .ok(.init(body: .json(try await usersService().sellerProfile(of: user).toDTO())))
    }

    func usersUpdateSellerProfile(_ input: Operations.UsersUpdateSellerProfile.Input) async throws -> Operations.UsersUpdateSellerProfile.Output {
        let user = try await auth.user(.verified, is: .seller)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(try await usersService().updateSellerProfile(of: user, body).toDTO())))
    }

    func usersGetBuyerProfile(_ input: Operations.UsersGetBuyerProfile.Input) async throws -> Operations.UsersGetBuyerProfile.Output {
        let user = try await auth.user(.verified, is: .buyer)
        return .ok(.init(body: .json(try await usersService().buyerProfile(of: user).toDTO())))
    }

    func usersUpdateBuyerProfile(_ input: Operations.UsersUpdateBuyerProfile.Input) async throws -> Operations.UsersUpdateBuyerProfile.Output {
        let user = try await auth.user(.verified, is: .buyer)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(try await usersService().updateBuyerProfile(of: user, body).toDTO())))
    }

    func usersUploadAvatar(_ input: Operations.UsersUploadAvatar.Input) async throws -> Operations.UsersUploadAvatar.Output {
        let user = try await auth.user(.verified)
        guard case .multipartForm(let parts) = input.body else { throw Problem.unsupportedBody }
        let upload = try await MultipartForm.readUpload(parts, fileLimit: UsersService.avatarLimit, what: "An avatar", spool: app.uploadSpool) { part in
            switch part {
            case .file(let part): .file(part.payload.body, fileName: part.filename)
            case .undocumented(let part): .undocumented(part.body)
            }
        }
        return .ok(.init(body: .json(try await usersService().replaceAvatar(of: user, with: upload.file).toDTO())))
    }

    func usersKycUpload(_ input: Operations.UsersKycUpload.Input) async throws -> Operations.UsersKycUpload.Output {
        let user = try await auth.user(.verified)
        guard case .multipartForm(let parts) = input.body else { throw Problem.unsupportedBody }
        let upload = try await MultipartForm.readUpload(
            parts, fileLimit: UsersService.kycLimit, what: "A KYC document", requiredTexts: ["document_type"], spool: app.uploadSpool
        ) { part in
            switch part {
            case .file(let part): .file(part.payload.body, fileName: part.filename)
            case .documentType(let part): .text(field: "document_type", part.payload.body)
            case .undocumented(let part): .undocumented(part.body)
            }
        }
        let allowed = Components.Schemas.KycDocumentType.allCases.map(\.rawValue)
        guard let type = upload.texts["document_type"].flatMap(Components.Schemas.KycDocumentType.init(rawValue:)) else {
            throw Problem.validation(["document_type": ["must be one of \(allowed.joined(separator: ", "))"]])
        }
        let document = try await usersService().addKYCDocument(for: user, type: type, upload: upload.file)
        return .created(.init(body: .json(try document.toDTO(links: app.fileLinks))))
    }

    func usersVerificationStatus(_ input: Operations.UsersVerificationStatus.Input) async throws -> Operations.UsersVerificationStatus.Output {
        let user = try await auth.user(.verified)
        return .ok(.init(body: .json(try await usersService().verificationStatus(of: user))))
    }
}
