import EaglehurstAPI

/// The forms of the account screens. Field names are the wire names, so a 422's `errors` find their field.
extension Form {
    static func signIn(email: String = "") -> Form {
        Form([
            FormField("email", "Email", .email, text: email),
            FormField("password", "Password", .currentPassword),
        ])
    }

    static func registration() -> Form {
        Form([
            FormField("email", "Email", .email),
            FormField("password", "Password", .newPassword, hint: "8 or more characters with a lower-case letter, an upper-case letter and a digit"),
            FormField("first_name", "First name", .name),
            FormField("last_name", "Last name", .name),
            FormField("phone", "Phone", .phone, hint: "optional, e.g. +447700900123"),
            FormField("user_type", "I want to", .choice(options: ["buyer", "seller"]), hint: "buy or sell a business: ←/→ to choose"),
        ])
    }

    static func verification(email: String) -> Form {
        var form = Form([
            FormField("email", "Email", .email, text: email),
            FormField("otp_code", "Code", .otp, hint: "the 6-digit code from the mail"),
        ])
        if !email.isEmpty { form.focus = 1 }
        return form
    }

    static func forgotPassword(email: String) -> Form {
        Form([FormField("email", "Email", .email, text: email)])
    }

    static func resetPassword() -> Form {
        Form([
            FormField("token", "Reset token", .text(required: true, maxLength: 512), hint: "the token from the mail"),
            FormField("new_password", "New password", .newPassword, hint: "8 or more characters with a lower-case letter, an upper-case letter and a digit"),
        ])
    }

    static func profileDetails(_ account: Account) -> Form {
        Form([
            FormField("first_name", "First name", .name, text: account.firstName),
            FormField("last_name", "Last name", .name, text: account.lastName),
            FormField("phone", "Phone", .phone, text: account.phone ?? "", hint: "optional; empty removes it"),
        ])
    }

    static func business(_ seller: Components.Schemas.SellerProfile?) -> Form {
        Form([
            FormField("business_name", "Business name", .text(required: false, maxLength: 200), text: seller?.businessName ?? ""),
            FormField("business_description", "Description", .text(required: false, maxLength: 5000), text: seller?.businessDescription ?? ""),
            FormField("business_address", "Address", .text(required: false, maxLength: 500), text: seller?.businessAddress ?? ""),
            FormField("company_number", "Company no.", .text(required: false, maxLength: 20), text: seller?.companyNumber ?? "", hint: "Companies House number"),
            FormField("vat_number", "VAT number", .text(required: false, maxLength: 20), text: seller?.vatNumber ?? ""),
            FormField("website", "Website", .text(required: false, maxLength: 300), text: seller?.website ?? ""),
            FormField("years_in_business", "Years trading", .number(maximum: 200), text: seller?.yearsInBusiness.map(String.init) ?? ""),
        ])
    }

    static func preferences(_ preferences: Components.Schemas.BuyerPreferences?) -> Form {
        let types = Components.Schemas.BusinessType.allCases.map(\.rawValue)
        return Form([
            FormField("business_types", "Business types", .list(allowed: types, maxLength: 40),
                      text: (preferences?.businessTypes ?? []).map(\.rawValue).joined(separator: ", "),
                      hint: "comma-separated: " + types.joined(separator: ", ")),
            FormField("regions", "Regions", .list(allowed: [], maxLength: 100), text: (preferences?.regions ?? []).joined(separator: ", "), hint: "comma-separated, e.g. London, Leeds"),
            FormField("min_price", "Min price £", .number(maximum: Int64(Int32.max) * 100), text: preferences?.minPrice.map(String.init) ?? "", hint: "whole pounds"),
            FormField("max_price", "Max price £", .number(maximum: Int64(Int32.max) * 100), text: preferences?.maxPrice.map(String.init) ?? "", hint: "whole pounds"),
            FormField("min_revenue", "Min revenue £", .number(maximum: Int64(Int32.max) * 100), text: preferences?.minRevenue.map(String.init) ?? "", hint: "whole pounds a year"),
            FormField("notes", "Notes", .text(required: false, maxLength: 2000), text: preferences?.notes ?? ""),
        ])
    }

    static func avatar() -> Form {
        Form([FormField("file", "Picture file", .filePath, hint: "path of a PNG, JPEG or WebP image, e.g. ~/me.png")])
    }

    static func document() -> Form {
        Form([
            FormField("document_type", "Document", .choice(options: Components.Schemas.KycDocumentType.allCases.map(\.rawValue)), hint: "←/→ to choose"),
            FormField("file", "File", .filePath, hint: "path of a PDF, PNG or JPEG file"),
        ])
    }
}

extension ProfileEditor {
    /// What the form asks the server to change.
    var change: ProfileChange? {
        func optional(_ name: String) -> String? { form[name].value.isEmpty ? nil : form[name].value }
        func number(_ name: String) -> Int64? { Int64(form[name].value) }
        switch kind {
        case .details:
            // An empty phone is sent: the server removes the number.
            return .details(.init(firstName: form["first_name"].value, lastName: form["last_name"].value, phone: form["phone"].value))
        case .business:
            return .business(.init(
                businessName: optional("business_name"), businessDescription: form["business_description"].value,
                businessAddress: form["business_address"].value, companyNumber: form["company_number"].value,
                vatNumber: form["vat_number"].value, website: form["website"].value,
                yearsInBusiness: number("years_in_business").map { Int($0) }
            ))
        case .preferences:
            return .preferences(.init(
                businessTypes: form["business_types"].items.compactMap(Components.Schemas.BusinessType.init(rawValue:)),
                regions: form["regions"].items, minPrice: number("min_price"), maxPrice: number("max_price"),
                minRevenue: number("min_revenue"), notes: form["notes"].value
            ))
        case .avatar:
            return .avatar(path: form["file"].value)
        case .document:
            guard let type = Components.Schemas.KycDocumentType(rawValue: form["document_type"].value) else { return nil }
            return .document(type: type, path: form["file"].value)
        }
    }
}
