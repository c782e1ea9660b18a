import EaglehurstAPI
import Fluent
import Foundation
import Vapor

/// The profile rules: the user's own profile, the seller and buyer profiles, avatar and KYC
/// documents. Every method works on the signed-in user that the controller passes in.
struct UsersService {
    let app: Application
    let request: Request

    var db: any Database { request.db }
    var files: any FileStore { app.fileStore }

    // MARK: profile

    func updateProfile(_ user: User, _ body: Components.Schemas.UpdateProfileRequest) async throws -> User {
        var checks: [(field: String, problems: [String])] = []
        if let first = body.firstName { checks.append(("first_name", Validation.name(first))) }
        if let last = body.lastName { checks.append(("last_name", Validation.name(last))) }
        if let phone = body.phone, !phone.isEmpty { checks.append(("phone", Validation.phone(phone))) }
        let errors = Validation.collect(checks)
        guard errors.isEmpty else { throw Problem.validation(errors) }

        if let first = body.firstName { user.firstName = first.trimmingCharacters(in: .whitespaces) }
        if let last = body.lastName { user.lastName = last.trimmingCharacters(in: .whitespaces) }
        if let phone = body.phone { user.phone = phone.isEmpty ? nil : phone }
        try await user.save(on: db)
        return user
    }

    // MARK: seller and buyer profiles

    func sellerProfile(of user: User) async throws -> Seller {
        let userID = try user.requireID()
        return try await firstOrCreate(
            find: { try await Seller.query(on: $0).filter(\.$user.$id == userID).first() },
            make: { Seller(userID: userID) })
    }

    func updateSellerProfile(of user: User, _ body: Components.Schemas.SellerProfileUpdate) async throws -> Seller {
        let seller = try await sellerProfile(of: user)
        var errors: [String: [String]] = [:]
        func apply<Value>(_ field: String, _ outcome: ProfileRules.Outcome<Value>, _ set: (Value) -> Void) {
            switch outcome {
            case .valid(let value): set(value)
            case .invalid(let problems): errors[field, default: []].append(contentsOf: problems)
            }
        }
        if let value = body.businessName { apply("business_name", ProfileRules.businessName(value)) { seller.businessName = $0 } }
        if let value = body.businessDescription {
            apply("business_description", ProfileRules.optionalText(value, max: 5000)) { seller.businessDescription = $0 }
        }
        if let value = body.businessAddress {
            apply("business_address", ProfileRules.optionalText(value, max: 500)) { seller.businessAddress = $0 }
        }
        if let value = body.companyNumber { apply("company_number", ProfileRules.companyNumber(value)) { seller.companyNumber = $0 } }
        if let value = body.vatNumber { apply("vat_number", ProfileRules.vatNumber(value)) { seller.vatNumber = $0 } }
        if let value = body.website { apply("website", ProfileRules.website(value)) { seller.website = $0 } }
        if let value = body.yearsInBusiness {
            apply("years_in_business", ProfileRules.yearsInBusiness(value)) { seller.yearsInBusiness = $0 }
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        try await seller.save(on: db)
        return seller
    }

    func buyerProfile(of user: User) async throws -> Buyer {
        let userID = try user.requireID()
        return try await firstOrCreate(
            find: { try await Buyer.query(on: $0).filter(\.$user.$id == userID).first() },
            make: { Buyer(userID: userID) })
    }

    func updateBuyerProfile(of user: User, _ body: Components.Schemas.BuyerProfileUpdate) async throws -> Buyer {
        let buyer = try await buyerProfile(of: user)
        let (preferences, errors) = ProfileRules.preferences(body.preferences)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        try buyer.setPreferences(preferences)
        try await buyer.save(on: db)
        return buyer
    }

    /// The seller or buyer row of a user. Accounts made outside registration (the demo accounts)
    /// have none yet, so the first read creates it.
    private func firstOrCreate<Row: Model>(
        find: (any Database) async throws -> Row?, make: () -> Row
    ) async throws -> Row {
        if let row = try await find(db) { return row }
        let row = make()
        do {
            try await row.create(on: db)
            return row
        } catch {
            // A concurrent request created it first (user_id is unique).
            guard (error as? any DatabaseError)?.isConstraintFailure == true, let row = try await find(db) else { throw error }
            return row
        }
    }

    // MARK: avatar

    static let avatarLimit = 5 << 20
    static let avatarTypes: [DetectedFileType] = [.png, .jpeg, .webp, .gif]

    /// Stores the new picture (held to the pixel limit, written again without its metadata: see
    /// `CleanedImage`), points the user at it and then deletes the one it replaces.
    func replaceAvatar(of user: User, with upload: UploadedFile) async throws -> User {
        let type = try upload.requireType(among: Self.avatarTypes, what: "An avatar")
        let image = try await CleanedImage.clean(upload, type: type, what: "an avatar", maxPixels: app.settings.maxImagePixels, on: app.threadPool)
        let key = FileKey.make(in: "avatars")
        try await files.put(contentsOf: image.file.url, at: key)
        let previous = user.avatarPath.flatMap(FileKey.init(rawValue:))
        user.avatarPath = key.rawValue
        do {
            try await user.save(on: db)
        } catch {
            try? await files.delete(key)
            throw error
        }
        if let previous {
            do {
                try await files.delete(previous)
            } catch {
                request.logger.warning("could not delete a replaced avatar", metadata: ["key": "\(previous)", "error": "\(LoggedError(error))"])
            }
        }
        return user
    }

    // MARK: KYC

    static let kycLimit = 10 << 20
    static let kycTypes: [DetectedFileType] = [.pdf, .png, .jpeg]

    /// Stores the document for review; a user not yet verified, or rejected before, is pending again.
    func addKYCDocument(
        for user: User, type: Components.Schemas.KycDocumentType, upload: UploadedFile
    ) async throws -> UserDocument {
        let fileType = try upload.requireType(among: Self.kycTypes, what: "A KYC document")
        let key = FileKey.make(in: "kyc")
        let userID = try user.requireID()
        let document = UserDocument()
        document.$user.id = userID
        document.documentType = type.rawValue
        document.fileName = upload.displayName(defaultStem: type.rawValue, type: fileType)
        document.contentType = fileType.mimeType
        document.sizeBytes = Int64(upload.size)
        document.storageKey = key.rawValue
        document.status = .pending

        try await files.put(contentsOf: upload.url, at: key)
        do {
            try await db.transaction { db in
                try await document.create(on: db)
                guard user.verificationStatus == .unverified || user.verificationStatus == .rejected else { return }
                user.verificationStatus = .pending
                try await user.save(on: db)
                try await Seller.query(on: db).filter(\.$user.$id == userID).set(\.$verificationStatus, to: .pending).update()
                try await Buyer.query(on: db).filter(\.$user.$id == userID).set(\.$verificationStatus, to: .pending).update()
            }
            app.authSessionCache.forget(user: userID)  // after the commit, see AuthSessionCache
        } catch {
            try? await files.delete(key)
            throw error
        }
        return document
    }

    func verificationStatus(of user: User) async throws -> Components.Schemas.VerificationStatusResponse {
        let documents = try await UserDocument.query(on: db)
            .filter(\.$user.$id == user.requireID())
            .sort(\.$uploadedAt, .descending)
            .all()
        return Components.Schemas.VerificationStatusResponse(
            userId: try user.requireID(),
            emailVerified: user.emailVerified,
            verificationStatus: user.verificationStatus.dto,
            documents: try documents.map { try $0.toDTO(links: app.fileLinks) },
            notes: user.verificationNotes,
            verifiedAt: user.verifiedAt)
    }
}
