import EaglehurstAPI
import Foundation

/// How the signed-in user's side of the marketplace is doing: a buyer's activity, a seller's listings
/// and answers, or for an admin the marketplace's queues, growth, revenue, funnel and health.
enum Dashboard: Drawing {
    /// How often the admin's health panel asks again while it is on screen.
    static let healthPause: Duration = .seconds(10)

    static func open(_ state: inout DashboardState, _ shell: inout Shell) -> [Effect] {
        guard let account = shell.account else {
            shell.screen = .signin
            shell.message = .info("Sign in to see your dashboard.")
            return []
        }
        if state.accountID != account.id {
            state = DashboardState()
            state.accountID = account.id
            state.role = account.userType
        }
        shell.screen = .dashboard
        return reload(&state)
    }

    /// Every figure of the role for the period, asked at once; what is shown stays until they come.
    static func reload(_ state: inout DashboardState) -> [Effect] {
        let days = state.days
        let loads: [(DashboardState.Part, DashboardEffect)]
        switch state.role {
        case .buyer: loads = [(.user, .loadUser(days: days)), (.activity, .loadActivity(days: days)), (.connections, .loadConnections(days: days))]
        case .seller:
            loads = [(.user, .loadUser(days: days)), (.listings, .loadListings(days: days)), (.connections, .loadConnections(days: days)), (.revenue, .loadRevenue(days: days))]
        case .admin:
            state.healthToken += 1
            loads = [(.admin, .loadAdmin), (.platform, .loadPlatform(days: days)), (.adminRevenue, .loadAdminRevenue(days: days)),
                     (.users, .loadUsers(days: days)), (.health, .checkHealth(token: state.healthToken, pause: .zero))]
        case nil: loads = []
        }
        state.loading = Set(loads.map(\.0))
        return loads.map { .dashboard($0.1) }
    }

    static func update(_ state: inout DashboardState, _ message: DashboardMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .userLoaded(let days, let result):
            take(.user, days, result, &state, &shell) { $0.user = $1 }
        case .activityLoaded(let days, let result):
            take(.activity, days, result, &state, &shell) { $0.activity = $1 }
        case .connectionsLoaded(let days, let result):
            take(.connections, days, result, &state, &shell) { $0.connections = $1 }
        case .revenueLoaded(let days, let result):
            take(.revenue, days, result, &state, &shell) { $0.revenue = $1 }
        case .listingsLoaded(let days, let result):
            take(.listings, days, result, &state, &shell) { state, listings in
                state.listings = listings
                state.listingCursor.setCount(listings.count)
            }
        case .adminLoaded(let result):
            take(.admin, state.days, result, &state, &shell) { $0.admin = $1 }
        case .platformLoaded(let days, let result):
            take(.platform, days, result, &state, &shell) { $0.platform = $1 }
        case .adminRevenueLoaded(let days, let result):
            take(.adminRevenue, days, result, &state, &shell) { $0.adminRevenue = $1 }
        case .usersLoaded(let days, let result):
            take(.users, days, result, &state, &shell) { $0.users = $1 }
        case .healthChecked(let token, let result, let roundTrip):
            guard token == state.healthToken else { return [] }
            state.loading.remove(.health)
            state.healthCheckedAt = Date()
            switch result {
            case .success(let health):
                state.health = health
                state.healthRoundTrip = roundTrip
                state.healthFailure = nil
            case .failure(let failure):
                state.healthFailure = failure
            }
            // Again in a while, for as long as the dashboard is on screen.
            guard shell.screen == .dashboard else { return [] }
            state.healthToken += 1
            return [.dashboard(.checkHealth(token: state.healthToken, pause: healthPause))]
        }
        return []
    }

    /// An answer for one part: taken when it is for the period shown, else dropped; a failure keeps
    /// what was shown, marked stale.
    private static func take<T>(_ part: DashboardState.Part, _ days: Int, _ result: Result<T, RequestFailure>, _ state: inout DashboardState, _ shell: inout Shell, _ apply: (inout DashboardState, T) -> Void) {
        guard days == state.days else { return }
        state.loading.remove(part)
        switch result {
        case .success(let value):
            apply(&state, value)
            if state.loading.isEmpty { state.isStale = false }
        case .failure(let failure):
            state.isStale = state.user != nil || state.admin != nil
            shell.message = .error("Could not load the dashboard: \(failure.summary)")
        }
    }

    // MARK: series

    /// The charts of the role, in the order Tab goes through them.
    static func series(_ state: DashboardState) -> [ChartSeries] {
        func counts(_ title: String, _ days: [Components.Schemas.DailyCount]?) -> ChartSeries? {
            days.map { ChartSeries(title: title, values: $0.map { Int64($0.count) }, labels: $0.map { dayLabel($0.date) }) }
        }
        switch state.role {
        case .buyer:
            return [counts("Listings viewed", state.activity?.viewsByDay), counts("Requests sent", state.connections?.requestsByDay)].compactMap { $0 }
        case .seller:
            return [counts("Views of your listings", state.user?.viewsByDay), counts("Requests received", state.connections?.requestsByDay)].compactMap { $0 }
        case .admin:
            let daily = state.platform?.daily
            var all = [
                counts("New users", state.users?.dailySignups),
                daily.map { ChartSeries(title: "Listing views", values: $0.map { Int64($0.listingViews) }, labels: $0.map { dayLabel($0.date) }) },
                daily.map { ChartSeries(title: "Searches", values: $0.map { Int64($0.searches) }, labels: $0.map { dayLabel($0.date) }) },
                daily.map { ChartSeries(title: "Connection requests", values: $0.map { Int64($0.connectionRequests) }, labels: $0.map { dayLabel($0.date) }) },
            ]
            if let revenue = state.adminRevenue?.daily {
                all.insert(ChartSeries(title: "Revenue", values: revenue.map(\.amountPence), labels: revenue.map { dayLabel($0.date) }, money: true), at: 1)
            }
            return all.compactMap { $0 }
        case nil:
            return []
        }
    }

    /// The focused chart's point under the cursor: the one chosen, else the last day.
    static func point(_ state: DashboardState, in series: ChartSeries) -> Int? {
        guard !series.values.isEmpty else { return nil }
        return min(state.point ?? series.values.count - 1, series.values.count - 1)
    }

    /// The admin's queues: what waits, and where Enter goes for it.
    static func queues(_ admin: AdminDashboard?) -> [(title: String, count: Int, destination: Destination)] {
        guard let admin else { return [] }
        return [
            ("Listings waiting for approval", admin.listingsByStatus.pendingApproval, .moderationQueue(.newListings)),
            ("Edits of published listings", admin.pendingListingEdits, .moderationQueue(.edits)),
            ("Open service requests", admin.openServiceRequests, .screen(.services)),
            ("Identity checks waiting", admin.pendingUserVerifications, .adminTab(.users)),
        ]
    }

    // MARK: formatting

    /// "2025-11-26" as "26 Nov".
    static func dayLabel(_ date: String) -> String {
        let parts = date.split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month), let day = Int(parts[2]) else { return date }
        return "\(day) \(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1])"
    }

    static func count(_ value: Int64) -> String { thousands(value) }

    /// Pence as pounds: £1,290 (pence shown only under £100).
    static func pounds(pence: Int64) -> String {
        pence < 10_000 && pence % 100 != 0 ? String(format: "£%d.%02d", pence / 100, pence % 100) : "£" + thousands(pence / 100)
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : "\(Int((Double(part) / Double(whole) * 100).rounded()))%"
    }

    static func minutes(_ value: Int) -> String {
        value < 60 ? "\(value)m" : value < 48 * 60 ? "\(value / 60)h" : "\(value / 1440)d"
    }
}
