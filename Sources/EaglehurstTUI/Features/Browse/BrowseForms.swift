import EaglehurstAPI
import Foundation

extension Form {
    /// The browser's filter panel, filled with the query's filters.
    static func listingFilters(_ query: BrowseQuery) -> Form {
        var types = FormField("business_type", "Types", .multiChoice(options: businessTypeOptions), hint: "←/→ to move, space to tick; none ticked is any")
        types.chosen = Set(query.businessTypes.compactMap { businessTypeOptions.firstIndex(of: $0.rawValue) })
        func amount(_ value: Int64?) -> String { value.map(String.init) ?? "" }
        return Form([
            types,
            FormField("region", "Region", .text(required: false, maxLength: 100), text: query.region, hint: "e.g. North West; empty is anywhere"),
            FormField("min_price", "Min price £", .integer(minimum: 0, maximum: moneyMaximum, required: false), text: amount(query.minPrice), hint: "whole pounds"),
            FormField("max_price", "Max price £", .integer(minimum: 0, maximum: moneyMaximum, required: false), text: amount(query.maxPrice), hint: "whole pounds"),
            FormField("min_revenue", "Min revenue £", .integer(minimum: 0, maximum: moneyMaximum, required: false), text: amount(query.minRevenue), hint: "whole pounds a year"),
            FormField("max_revenue", "Max revenue £", .integer(minimum: 0, maximum: moneyMaximum, required: false), text: amount(query.maxRevenue), hint: "whole pounds a year"),
        ])
    }
}
