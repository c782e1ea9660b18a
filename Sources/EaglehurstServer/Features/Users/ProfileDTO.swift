import EaglehurstAPI
import Foundation

extension User.VerificationState {
    var dto: Components.Schemas.VerificationStatus { Components.Schemas.VerificationStatus(rawValue: rawValue)! }
}

extension Seller {
    func toDTO() throws -> Components.Schemas.SellerProfile {
        Components.Schemas.SellerProfile(
            id: try requireID(),
            userId: $user.id,
            businessName: businessName,
            businessDescription: businessDescription,
            businessAddress: businessAddress,
            companyNumber: companyNumber,
            vatNumber: vatNumber,
            website: website,
            yearsInBusiness: yearsInBusiness,
            verificationStatus: verificationStatus.dto,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0),
            updatedAt: updatedAt ?? createdAt ?? Date(timeIntervalSince1970: 0))
    }
}

extension Buyer {
    /// `preferences` is the JSON of `BuyerPreferences`, written by `setPreferences`.
    var decodedPreferences: Components.Schemas.BuyerPreferences {
        get throws { try JSONDecoder().decode(Components.Schemas.BuyerPreferences.self, from: Data(preferences.utf8)) }
    }

    func setPreferences(_ value: Components.Schemas.BuyerPreferences) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        preferences = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func toDTO() throws -> Components.Schemas.BuyerProfile {
        Components.Schemas.BuyerProfile(
            id: try requireID(),
            userId: $user.id,
            preferences: try decodedPreferences,
            subscriptionId: subscriptionID,
            verificationStatus: verificationStatus.dto,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0),
            updatedAt: updatedAt ?? createdAt ?? Date(timeIntervalSince1970: 0))
    }
}

extension UserDocument {
    /// The storage key stays on the server; clients see what the document is, its review state and
    /// a signed URL to open it (answers about KYC documents go to their owner and admins only).
    func toDTO(links: FileLinks) throws -> Components.Schemas.KycDocument {
        let id = try requireID()
        return Components.Schemas.KycDocument(
            id: id,
            documentType: Components.Schemas.KycDocumentType(rawValue: documentType) ?? .other,
            fileName: fileName,
            contentType: contentType,
            sizeBytes: sizeBytes,
            status: Components.Schemas.KycDocumentStatus(rawValue: status.rawValue)!,
            reviewNotes: reviewNotes,
            url: links.sign(.kyc, id, for: .granted).path,
            uploadedAt: uploadedAt ?? Date(timeIntervalSince1970: 0))
    }
}
