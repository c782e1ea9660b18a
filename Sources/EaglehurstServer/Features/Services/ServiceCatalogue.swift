import Fluent
import Foundation
import Vapor

extension ServiceTemplate {
    /// The seeded kinds of request (a function: each migration run needs new model instances).
    static func catalogue() -> [ServiceTemplate] {
        [
            .init(name: "Business valuation", type: .valuation,
                  description: "An independent valuation of a practice, for a sale, a purchase or a partner's exit.",
                  content: "Please value the business described below. It is a [type of practice] in [town] with annual revenue of about £[revenue] and [number] staff. The valuation is needed for [sale / purchase / partner exit] by [date]. Accounts for the last three years can be shared."),
            .init(name: "Due diligence", type: .dueDiligence,
                  description: "Financial, clinical and legal checks of a practice before buying it.",
                  content: "I am considering buying the practice described below and would like due diligence covering the accounts, NHS or private contracts, staff contracts, premises and regulatory history. The target completion date is [date]."),
            .init(name: "Sale and purchase agreement review", type: .legal,
                  description: "A solicitor reviews the draft sale and purchase agreement.",
                  content: "Please review the draft sale and purchase agreement for the practice described below, in particular the warranties, indemnities, restrictive covenants and completion mechanics. The draft will be uploaded as a document."),
            .init(name: "CQC or GPhC registration transfer", type: .compliance,
                  description: "Registering the new owner with the Care Quality Commission or the General Pharmaceutical Council.",
                  content: "The practice described below is changing hands. Please handle the [CQC / GPhC] registration for the new owner, including the registered manager or superintendent pharmacist, and tell me what documents you need."),
            .init(name: "Lease assignment", type: .legal,
                  description: "Assigning or renewing the premises lease on a change of owner.",
                  content: "The premises lease of the practice described below needs to be assigned to the buyer. The lease runs until [year], the rent is £[rent] a year and the landlord is [landlord]. Please advise on the landlord's consent and any rent review."),
            .init(name: "NHS contract transfer", type: .compliance,
                  description: "Transferring an NHS dental, pharmacy or GP contract to the new owner.",
                  content: "The practice described below holds an NHS [dental / pharmaceutical / GMS] contract. Please advise on transferring it to the buyer, the commissioner's consent and the timetable."),
            .init(name: "Accounts review", type: .accounting,
                  description: "An accountant reviews the last three years of accounts.",
                  content: "Please review the last three years of accounts of the practice described below and comment on the quality of earnings, the owner's drawings and any adjustments a buyer should make."),
            .init(name: "Acquisition finance", type: .finance,
                  description: "Arranging a loan to buy a practice.",
                  content: "I would like to finance the purchase of the practice described below. The asking price is £[price] and I can put in £[deposit]. Please advise on lenders and terms."),
        ]
    }
}

/// Firms for the demo and for tests: solicitors, valuers and accountants who know healthcare.
enum DemoServiceProviders {
    struct Firm {
        let name: String
        let services: [ServiceRequest.Kind]
        let regions: [String]
        let about: String
        let email: String
        let phone: String
        let rating: Double
        let reviews: Int
    }

    static let firms: [Firm] = [
        .init(name: "Hartley Healthcare Valuers", services: [.valuation, .dueDiligence],
              regions: ["London", "South East", "East of England"], about: "RICS-registered valuers of pharmacies, dental and GP practices.",
              email: "valuations@hartley.example", phone: "020 7946 0011", rating: 4.8, reviews: 126),
        .init(name: "Pennine Medical Law LLP", services: [.legal, .compliance],
              regions: ["Yorkshire and the Humber", "North West", "North East"], about: "Solicitors for practice sales, leases and NHS contract transfers.",
              email: "enquiries@penninelaw.example", phone: "0113 496 0022", rating: 4.6, reviews: 84),
        .init(name: "Clarke & Osei Accountants", services: [.accounting, .dueDiligence, .finance],
              regions: ["National"], about: "Accountants to 400 healthcare practices; due diligence and acquisition finance.",
              email: "hello@clarkeosei.example", phone: "0121 496 0033", rating: 4.5, reviews: 212),
        .init(name: "Severn Practice Partners", services: [.valuation, .legal],
              regions: ["South West", "Wales", "West Midlands"], about: "Valuers and solicitors for practices in the west.",
              email: "team@severnpp.example", phone: "0117 496 0044", rating: 4.3, reviews: 57),
        .init(name: "Caledonian Healthcare Advisory", services: [.valuation, .legal, .compliance, .accounting],
              regions: ["Scotland", "Northern Ireland"], about: "Advisers on practice sales under Scottish and Northern Irish rules.",
              email: "advice@caledonian.example", phone: "0131 496 0055", rating: 4.7, reviews: 39),
    ]

    /// Adds the firms that are not there yet.
    static func seed(on db: any Database) async throws {
        for firm in firms {
            guard try await ServiceProvider.query(on: db).filter(\.$companyName == firm.name).first() == nil else { continue }
            let provider = ServiceProvider()
            provider.companyName = firm.name
            provider.servicesList = firm.services.map(\.rawValue).joined(separator: ",")
            provider.regionsList = firm.regions.joined(separator: ",")
            provider.about = firm.about
            provider.contactEmail = firm.email
            provider.contactPhone = firm.phone
            provider.website = "https://\(firm.email.split(separator: "@").last!)"
            provider.rating = firm.rating
            provider.reviewCount = firm.reviews
            provider.isActive = true
            try await provider.create(on: db)
        }
    }
}
