import EaglehurstAPI

/// The forms of the listings screens. Field names are the wire names, so a 422's `errors` find their field.
extension Form {
    static let businessTypeOptions = BusinessType.allCases.map(\.rawValue)
    static let moneyMaximum: Int64 = 10_000_000_000

    /// The seller's listing form, empty for a new listing or filled from the listing to edit.
    static func listing(_ listing: ListingDetail?) -> Form {
        func text(_ value: String?) -> String { value ?? "" }
        func number<N: BinaryInteger>(_ value: N?) -> String { value.map { String($0) } ?? "" }
        let types = businessTypeOptions
        let tenures = ["not given"] + Components.Schemas.Tenure.allCases.map(\.rawValue)
        return Form([
            FormField("title", "Title", .text(required: true, maxLength: 200), text: text(listing?.title), hint: "5 to 200 characters, e.g. Dental practice in Harrogate"),
            FormField("description", "Description", .longText(minLength: 20, maxLength: 10_000), text: text(listing?.description), hint: "F4 opens an editor; 20 characters or more"),
            FormField("business_type", "Type", .choice(options: types), choice: listing.flatMap { types.firstIndex(of: $0.businessType.rawValue) } ?? 0, hint: "←/→ to choose"),
            FormField("location", "Town", .text(required: true, maxLength: 100), text: text(listing?.location)),
            FormField("region", "Region", .text(required: true, maxLength: 100), text: text(listing?.region), hint: "e.g. Yorkshire and the Humber"),
            FormField("asking_price", "Asking £", .integer(minimum: 1, maximum: 1_000_000_000, required: true), text: number(listing?.askingPrice), hint: "whole pounds"),
            FormField("annual_revenue", "Revenue £", .integer(minimum: 0, maximum: moneyMaximum, required: false), text: number(listing?.annualRevenue), hint: "whole pounds a year"),
            FormField("net_profit", "Net profit £", .integer(minimum: -moneyMaximum, maximum: moneyMaximum, required: false), text: number(listing?.netProfit), hint: "whole pounds a year; negative for a loss"),
            FormField("staff_count", "Staff", .integer(minimum: 0, maximum: 100_000, required: false), text: number(listing?.staffCount)),
            FormField("tenure", "Tenure", .choice(options: tenures), choice: listing?.tenure.flatMap { tenures.firstIndex(of: $0.rawValue) } ?? 0, hint: "←/→ to choose"),
            FormField("year_established", "Established", .integer(minimum: 1800, maximum: 2100, required: false), text: number(listing?.yearEstablished), hint: "year"),
            FormField("reason_for_sale", "Reason to sell", .text(required: false, maxLength: 2000), text: text(listing?.reasonForSale)),
            FormField("trading_name", "Trading name", .text(required: false, maxLength: 200), text: text(listing?.tradingName), hint: "confidential"),
            FormField("exact_address", "Address", .text(required: false, maxLength: 500), text: text(listing?.exactAddress), hint: "confidential"),
            FormField("postcode", "Postcode", .text(required: false, maxLength: 10), text: text(listing?.postcode), hint: "confidential"),
        ])
    }

    static func media() -> Form {
        Form([
            FormField("file", "File", .filePath, hint: "path of a PNG, JPEG, WebP or PDF file"),
            FormField("caption", "Caption", .text(required: false, maxLength: 200)),
            FormField("is_confidential", "Confidential", .choice(options: ["no", "yes"]), hint: "yes: only you, admins and accepted buyers see it"),
        ])
    }

    static let anyOption = "any"

}

extension Form {
    func integer(_ name: String) -> Int64? { Int64(self[name].value.replacingOccurrences(of: ",", with: "")) }
    func optionalText(_ name: String) -> String? { self[name].value.isEmpty ? nil : self[name].value }
    func chosen<T: RawRepresentable>(_ name: String, as type: T.Type) -> T? where T.RawValue == String {
        T(rawValue: self[name].value)
    }
}

extension BrowseQuery {
    /// The query with the filter panel's values.
    func applying(_ form: Form) -> BrowseQuery {
        var query = self
        query.businessTypes = form["business_type"].items.compactMap(BusinessType.init(rawValue:))
        query.region = form["region"].value
        query.minPrice = form.integer("min_price")
        query.maxPrice = form.integer("max_price")
        query.minRevenue = form.integer("min_revenue")
        query.maxRevenue = form.integer("max_revenue")
        return query
    }
}

extension UserFilter {
    func applying(_ form: Form) -> UserFilter {
        var filter = self
        filter.text = form["q"].value
        filter.userType = form.chosen("user_type", as: Components.Schemas.UserType.self)
        filter.status = form.chosen("status", as: Components.Schemas.UserStatus.self)
        filter.verification = form.chosen("verification_status", as: Components.Schemas.VerificationStatus.self)
        return filter
    }
}

extension ListingEditor {
    /// A new listing as the form has it (no status: it is submitted for approval).
    var createRequest: Components.Schemas.ListingCreate {
        Components.Schemas.ListingCreate(
            title: form["title"].value, description: form["description"].value,
            businessType: form.chosen("business_type", as: BusinessType.self) ?? .other,
            location: form["location"].value, region: form["region"].value,
            askingPrice: form.integer("asking_price") ?? 0, annualRevenue: form.integer("annual_revenue"),
            netProfit: form.integer("net_profit"), staffCount: form.integer("staff_count").map { Int($0) },
            tenure: form.chosen("tenure", as: Components.Schemas.Tenure.self),
            yearEstablished: form.integer("year_established").map { Int($0) }, reasonForSale: form.optionalText("reason_for_sale"),
            exactAddress: form.optionalText("exact_address"), postcode: form.optionalText("postcode"),
            tradingName: form.optionalText("trading_name")
        )
    }

    /// Only what differs from the listing as it was: a published listing's change goes to an admin
    /// field by field, so unchanged fields must not be sent.
    var updateRequest: Components.Schemas.ListingUpdate {
        let new = createRequest
        let old = original
        func changed<T: Equatable>(_ value: T?, _ before: T?) -> T? { value == before ? nil : value }
        // An emptied optional text field is sent as "" so the server clears it.
        func changedText(_ value: String?, _ before: String?) -> String? {
            (value ?? "") == (before ?? "") ? nil : (value ?? "")
        }
        return Components.Schemas.ListingUpdate(
            title: changed(new.title, old?.title), description: changed(new.description, old?.description),
            businessType: changed(new.businessType, old?.businessType), location: changed(new.location, old?.location),
            region: changed(new.region, old?.region), askingPrice: changed(new.askingPrice, old?.askingPrice),
            annualRevenue: changed(new.annualRevenue, old?.annualRevenue), netProfit: changed(new.netProfit, old?.netProfit),
            staffCount: changed(new.staffCount, old?.staffCount), tenure: changed(new.tenure, old?.tenure),
            yearEstablished: changed(new.yearEstablished, old?.yearEstablished),
            reasonForSale: changedText(new.reasonForSale, old?.reasonForSale),
            exactAddress: changedText(new.exactAddress, old?.exactAddress), postcode: changedText(new.postcode, old?.postcode),
            tradingName: changedText(new.tradingName, old?.tradingName)
        )
    }
}
