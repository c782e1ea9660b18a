import EaglehurstAPI
import Foundation

extension Form {
    static func queueFilter(_ filter: AdminListingFilter) -> Form {
        Form([
            FormField("q", "Text", .text(required: false, maxLength: 200), text: filter.text, hint: "in the title, description or town"),
            FormField("seller_id", "Seller id", .text(required: false, maxLength: 36), text: filter.sellerID?.uuidString.lowercased() ?? "",
                      hint: "empty for every seller; s on a row takes its seller"),
        ])
    }

    static func reason(_ label: String) -> Form {
        Form([FormField("reason", label, .text(required: true, maxLength: 1000), hint: "shown to the user")])
    }

    static func userFilter(_ filter: UserFilter) -> Form {
        func options<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> [String] where T.RawValue == String {
            [anyOption] + T.allCases.map(\.rawValue)
        }
        func choice(_ options: [String], _ value: String?) -> Int { value.flatMap { options.firstIndex(of: $0) } ?? 0 }
        let types = options(Components.Schemas.UserType.self)
        let statuses = options(Components.Schemas.UserStatus.self)
        let verifications = options(Components.Schemas.VerificationStatus.self)
        return Form([
            FormField("q", "Name/email", .text(required: false, maxLength: 200), text: filter.text),
            FormField("user_type", "Type", .choice(options: types), choice: choice(types, filter.userType?.rawValue)),
            FormField("status", "Status", .choice(options: statuses), choice: choice(statuses, filter.status?.rawValue)),
            FormField("verification_status", "Identity", .choice(options: verifications), choice: choice(verifications, filter.verification?.rawValue)),
        ])
    }
}
