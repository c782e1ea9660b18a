import Foundation
/// The profile as a frame: the user, the seller's business or the buyer's wishes, identity
/// verification and where to go next; or the form open over it.
extension Profile {
    static func view(_ profile: ProfileScreenState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        if let editor = profile.editor {
            frame.write(editor.kind.title, x: 2, y: body.top, style: theme[.title], maxWidth: frame.size.width - 4)
            let y = drawForm(editor.form, focused: state.overlay == nil, top: body.top + 2, bottom: body.bottom, theme: theme, into: &frame)
            if editor.form.isSubmitting { frame.write("\(spinner(state)) \(editor.kind.submitting)", x: 2, y: y, style: theme[.spinner]) }
            return
        }
        guard let account = profile.data?.account ?? state.account else { return }
        let valueStyle = profile.isStale ? theme[.stale] : theme[.text]
        var y = body.top
        let name = account.displayName
        let used = frame.write(name, x: 2, y: y, style: theme[.title], maxWidth: frame.size.width - 4)
        if profile.isLoading {
            frame.write("  \(spinner(state)) loading…", x: 2 + used, y: y, style: theme[.spinner])
        } else if profile.isStale {
            frame.write("  stale: the latest load failed", x: 2 + used, y: y, style: theme[.stale])
        }
        y += 2
        func row(_ label: String, _ value: String, _ style: Style? = nil) {
            guard y <= body.bottom else { return }
            frame.write(TextWidth.pad(label, to: 15), x: 2, y: y, style: theme[.label])
            frame.write(value, x: 17, y: y, style: style ?? valueStyle, maxWidth: frame.size.width - 19)
            y += 1
        }
        func key(_ action: Action) -> String {
            state.bindings.binding(for: action, in: .profile)?.keys.first.map { " (\($0))" } ?? ""
        }
        if account.emailVerified {
            row("Email", "\(account.email)  ✓ verified")
        } else {
            row("Email", "\(account.email)  ✕ not verified: verify it\(key(.verifyEmail))", theme[.statusError])
        }
        row("Phone", account.phone ?? "—")
        row("Account", "\(account.userType.rawValue) · \(account.status.rawValue)\(account.suspensionReason.map { ": \($0)" } ?? "")")
        row("Picture", account.avatarUrl ?? "none")
        row("Member since", account.createdAt.formatted(date: .abbreviated, time: .omitted))
        y += 1
        if let seller = profile.data?.seller {
            row("Business", seller.businessName ?? "— (set it\(key(.editProfile)))")
            if let description = seller.businessDescription, !description.isEmpty { row("Description", description) }
            if let address = seller.businessAddress, !address.isEmpty { row("Address", address) }
            let registration = [seller.companyNumber, seller.vatNumber.map { "VAT \($0)" }].compactMap { $0 }.filter { !$0.isEmpty }
            row("Company no.", registration.isEmpty ? "—" : registration.joined(separator: "   "))
            if let website = seller.website, !website.isEmpty { row("Website", website) }
            if let years = seller.yearsInBusiness { row("Years trading", "\(years)") }
            y += 1
        } else if let preferences = profile.data?.buyer?.preferences {
            let types = (preferences.businessTypes ?? []).map(\.rawValue).joined(separator: ", ")
            row("Looking for", types.isEmpty ? "any business (set it\(key(.editProfile)))" : types)
            let regions = (preferences.regions ?? []).joined(separator: ", ")
            row("Regions", regions.isEmpty ? "anywhere" : regions)
            row("Price", priceRange(preferences.minPrice, preferences.maxPrice))
            if let revenue = preferences.minRevenue { row("Min revenue", "\(pounds(revenue)) a year") }
            if let notes = preferences.notes, !notes.isEmpty { row("Notes", notes) }
            y += 1
        }
        let verification = profile.data?.verification
        let status = verification?.verificationStatus ?? account.verificationStatus
        row("Identity", status.rawValue + (verification?.notes.map { ": \($0)" } ?? ""),
            status == .verified ? theme[.statusOK] : status == .rejected ? theme[.statusError] : valueStyle)
        let documents = verification?.documents ?? []
        if documents.isEmpty {
            row("Documents", "none yet: upload one\(key(.uploadDocument))")
        }
        for (index, document) in documents.enumerated() {
            let size = ByteCountFormatter.string(fromByteCount: document.sizeBytes, countStyle: .file)
            let note = document.reviewNotes.map { ": \($0)" } ?? ""
            row(index == 0 ? "Documents" : "", "\(document.documentType.rawValue)  \(document.fileName)  \(size)  \(document.status.rawValue)\(note)")
        }
        y += 1
        row("Go to", goToText(state, account: account), theme[.textDim])
    }

    /// The listings screens this user has, with their keys.
    static func goToText(_ state: Shell, account: Account) -> String {
        var places: [(Action, String)] = [(.goListings, "listings")]
        switch account.userType {
        case .buyer: places.append((.goSaved, "saved"))
        case .seller: places.append((.goMyListings, "my listings"))
        case .admin: places.append((.goAdmin, "moderation"))
        }
        return places.compactMap { action, name in
            state.bindings.binding(for: action, in: .profile)?.keys.first.map { "\($0) \(name)" }
        }.joined(separator: " · ")
    }

}
