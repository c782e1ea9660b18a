import Foundation

/// `page` and `per_page` as every list takes them: page from 1, per_page 1–100 (default 20).
struct PageRequest: Sendable, Equatable {
    static let maxPerPage = 100
    /// Far beyond any list, and small enough that `offset` can never overflow.
    static let maxPage = 1_000_000
    let page: Int
    let perPage: Int

    init(page: Int?, perPage: Int?) throws {
        var errors: [String: [String]] = [:]
        let page = page ?? 1
        let perPage = perPage ?? 20
        if !(1...Self.maxPage).contains(page) { errors["page"] = ["must be between 1 and \(Self.maxPage)"] }
        if !(1...Self.maxPerPage).contains(perPage) { errors["per_page"] = ["must be between 1 and \(Self.maxPerPage)"] }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        self.page = page
        self.perPage = perPage
    }

    var offset: Int { (page - 1) * perPage }
}
