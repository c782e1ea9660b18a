import EaglehurstAPI
import Foundation

extension User {
    func toDTO() throws -> Components.Schemas.User {
        Components.Schemas.User(
            id: try requireID(),
            email: email,
            userType: Components.Schemas.UserType(rawValue: userType.rawValue)!,
            firstName: firstName,
            lastName: lastName,
            phone: phone,
            avatarUrl: avatarPath == nil ? nil : "/api/v1/users/\(try requireID())/avatar",
            emailVerified: emailVerified,
            verificationStatus: Components.Schemas.VerificationStatus(rawValue: verificationStatus.rawValue)!,
            status: isSuspended ? .suspended : .active,
            suspensionReason: isSuspended ? suspendedReason : nil,
            lastLoginAt: lastLoginAt,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0),
            updatedAt: updatedAt ?? createdAt ?? Date(timeIntervalSince1970: 0))
    }

    func toSummary() throws -> Components.Schemas.UserSummary {
        Components.Schemas.UserSummary(
            id: try requireID(), firstName: firstName, lastName: lastName,
            userType: Components.Schemas.UserType(rawValue: userType.rawValue)!,
            avatarUrl: avatarPath == nil ? nil : "/api/v1/users/\(try requireID())/avatar")
    }
}
