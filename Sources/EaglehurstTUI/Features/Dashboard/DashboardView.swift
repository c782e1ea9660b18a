import EaglehurstAPI
import Foundation

extension Dashboard {
    static func view(_ state: DashboardState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let who: String
        switch state.role {
        case .admin: who = "The marketplace"
        case .seller: who = "Your listings"
        default: who = "Your activity"
        }
        let periods = DashboardState.periods.map { $0 == state.days ? "[\($0)]" : "\($0)" }.joined(separator: " · ")
        drawTitleLine("\(who) · the last \(state.days) days\(state.isStale ? " · stale" : "")", right: "p: \(periods) days", y: body.top, theme: theme, into: &frame)
        if state.isLoading {
            frame.write("\(spinner(shell)) loading…", x: 2, y: body.top + 2, style: theme[.spinner])
            return
        }
        switch state.role {
        case .admin: drawAdmin(state, shell: shell, theme: theme, body: body, into: &frame)
        case .seller: drawSeller(state, shell: shell, theme: theme, body: body, into: &frame)
        default: drawBuyer(state, shell: shell, theme: theme, body: body, into: &frame)
        }
    }

    /// " (+12%)" against the period before, when the server gives it and it had any.
    static func growth(_ now: Int64, _ before: Int64?) -> String {
        guard let before, before > 0 else { return "" }
        let change = Int((Double(now - before) / Double(before) * 100).rounded())
        return " (\(change >= 0 ? "+" : "")\(change)%)"
    }

    /// Figures in a row: "Label value", as many as fit, wrapping to the next row.
    @discardableResult
    static func drawFigures(_ figures: [(String, String)], x: Int, y: Int, width: Int, theme: Theme, into frame: inout Frame) -> Int {
        var column = x, row = y
        for (label, value) in figures {
            let needed = TextWidth.of(label) + 1 + TextWidth.of(value) + 3
            if column > x, column + needed > x + width { column = x; row += 1 }
            column += frame.write(label + " ", x: column, y: row, style: theme[.label])
            column += frame.write(value, x: column, y: row, style: theme[.title])
            column += 3
        }
        return row + 1
    }

    /// The focused series as a braille line chart, the others as a sparkline each with their total.
    static func drawCharts(_ state: DashboardState, x: Int, y: Int, width: Int, bottom: Int, chartHeight: Int, theme: Theme, focused: Bool, into frame: inout Frame) -> Int {
        let charts = series(state)
        guard !charts.isEmpty else { return y }
        let chosen = min(state.chart, charts.count - 1)
        var row = y
        let main = charts[chosen]
        let total = main.format(main.values.reduce(0, +))
        frame.write("\(main.title) by day · \(total) in all", x: x, y: row, style: theme[.listHeader], maxWidth: width)
        let height = max(3, min(chartHeight, bottom - row - charts.count))
        Charts.drawLine(main.values, labels: main.labels, cursor: point(state, in: main), format: main.format,
                        x: x, y: row, width: width, height: height, theme: theme, focused: focused, into: &frame)
        row += height + 1
        let labelWidth = (charts.map { TextWidth.of($0.title) }.max() ?? 0) + 1
        for (index, other) in charts.enumerated() where index != chosen && row <= bottom {
            frame.write(other.title, x: x, y: row, style: theme[.label])
            let sum = other.format(other.values.reduce(0, +))
            let sparkWidth = max(4, width - labelWidth - TextWidth.of(sum) - 3)
            frame.write(Charts.sparkline(other.values, width: sparkWidth), x: x + labelWidth, y: row, style: theme[.messageTheirs])
            frame.write(sum, x: x + width - TextWidth.of(sum), y: row, style: theme[.text])
            row += 1
        }
        return row
    }

    /// Labelled horizontal bars, the longest filling `width`.
    @discardableResult
    static func drawBars(_ title: String, _ rows: [(String, Int64, String)], x: Int, y: Int, width: Int, bottom: Int, theme: Theme, into frame: inout Frame) -> Int {
        guard y <= bottom else { return y }
        frame.write(title, x: x, y: y, style: theme[.listHeader], maxWidth: width)
        let labelWidth = min(24, (rows.map { TextWidth.of($0.0) }.max() ?? 0) + 1)
        let valueWidth = (rows.map { TextWidth.of($0.2) }.max() ?? 0) + 1
        let barWidth = max(4, width - labelWidth - valueWidth)
        let top = rows.map(\.1).max() ?? 0
        var row = y + 1
        for (label, value, text) in rows where row <= bottom {
            frame.write(TextWidth.truncate(label, to: labelWidth - 1), x: x, y: row, style: theme[.label])
            frame.write(Charts.bar(value, of: top, width: barWidth), x: x + labelWidth, y: row, style: theme[.messageTheirs])
            frame.write(text, x: x + width - TextWidth.of(text), y: row, style: theme[.text])
            row += 1
        }
        return row
    }

    static func connectionBars(_ counts: Components.Schemas.ConnectionStatusCounts) -> [(String, Int64, String)] {
        [("accepted", counts.accepted), ("pending", counts.pending), ("rejected", counts.rejected), ("blocked", counts.blocked)]
            .map { ($0.0, Int64($0.1), count(Int64($0.1))) }
    }

    // MARK: buyer

    private static func drawBuyer(_ state: DashboardState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let width = frame.size.width - 4
        var figures: [(String, String)] = []
        if let activity = state.activity {
            figures += [("Searches", count(Int64(activity.searches))), ("Listings viewed", count(Int64(activity.listingsViewed))),
                        ("Saved", count(Int64(activity.savedListings))), ("Requests sent", count(Int64(activity.connectionRequestsSent))),
                        ("Accepted", count(Int64(activity.connectionsAccepted))), ("Messages sent", count(Int64(activity.messagesSent)))]
        }
        if let user = state.user, let used = user.connectionsUsed {
            figures.append(("Plan", "\(used) of \(user.connectionsLimit.map(String.init) ?? "unlimited") requests used"))
        }
        var y = drawFigures(figures, x: 2, y: body.top + 2, width: width, theme: theme, into: &frame) + 1
        let chartWidth = frame.size.width * 3 / 5
        let bottom = body.bottom
        y = drawCharts(state, x: 2, y: y, width: chartWidth, bottom: bottom, chartHeight: 12, theme: theme, focused: shell.overlay == nil, into: &frame)
        let side = chartWidth + 5
        let sideWidth = frame.size.width - side - 2
        var sideY = drawFigures([], x: side, y: body.top + 4, width: sideWidth, theme: theme, into: &frame)
        if let connections = state.connections {
            sideY = drawBars("Your connections", connectionBars(connections.byStatus), x: side, y: sideY, width: sideWidth, bottom: bottom, theme: theme, into: &frame) + 1
        }
        if let searches = state.activity?.recentSearches, !searches.isEmpty, sideY <= bottom {
            frame.write("Recent searches", x: side, y: sideY, style: theme[.listHeader])
            sideY += 1
            for search in searches where sideY <= bottom {
                let results = "\(search.resultsCount)"
                frame.write("“\(search.queryText)”", x: side, y: sideY, style: theme[.text], maxWidth: sideWidth - TextWidth.of(results) - 1)
                frame.write(results, x: side + sideWidth - TextWidth.of(results), y: sideY, style: theme[.textDim])
                sideY += 1
            }
        }
        _ = y
    }

    // MARK: seller

    private static func drawSeller(_ state: DashboardState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let width = frame.size.width - 4
        var figures: [(String, String)] = []
        if let user = state.user {
            figures += [("Views", count(Int64(user.listingViews ?? 0))), ("Saves", count(Int64(user.savesReceived ?? 0))),
                        ("Requests", count(Int64(user.connectionRequestsReceived ?? 0)))]
        }
        if let connections = state.connections {
            let answered = connections.byStatus.accepted + connections.byStatus.rejected
            figures.append(("Accepted", percent(connections.byStatus.accepted, of: answered)))
            if let median = connections.medianResponseMinutes { figures.append(("Median answer", minutes(median))) }
        }
        if let revenue = state.revenue {
            figures += [("Sold", "\(revenue.listingsSold) · £\(thousands(revenue.soldValue))"),
                        ("Listed", "\(revenue.publishedListings) · £\(thousands(revenue.publishedValue))"),
                        ("Plan spend", pounds(pence: revenue.subscriptionSpendPence))]
        }
        var y = drawFigures(figures, x: 2, y: body.top + 2, width: width, theme: theme, into: &frame) + 1
        let columns = [
            Column(title: "Listing"), Column(title: "Status", width: 16), Column(title: "Views", width: 6, alignment: .right),
            Column(title: "Trend", width: 24), Column(title: "Viewers", width: 7, alignment: .right), Column(title: "Saves", width: 5, alignment: .right),
            Column(title: "Requests", width: 8, alignment: .right), Column(title: "Accepted", width: 8, alignment: .right),
        ]
        var cursor = state.listingCursor
        cursor.setViewportHeight(max(1, min(8, state.listings.count)))
        drawTable(columns: columns, cursor: cursor, top: y, theme: theme, focused: shell.overlay == nil, into: &frame) { row in
            guard state.listings.indices.contains(row) else { return nil }
            let listing = state.listings[row]
            let trend = listing.viewsByDay.map { Charts.sparkline($0.map { Int64($0.count) }, width: 24) } ?? ""
            return ([listing.title, listing.status.label, count(Int64(listing.views)), trend, count(Int64(listing.uniqueViewers)),
                     count(Int64(listing.saves)), count(Int64(listing.connectionRequests)), count(Int64(listing.acceptedConnections))], nil)
        }
        if state.listings.isEmpty {
            frame.write("No listings yet: :my-listings, then n.", x: 2, y: y + 1, style: theme[.textDim])
        }
        y += max(2, cursor.visibleRows.count + 1) + 1
        let chartWidth = frame.size.width * 3 / 5
        _ = drawCharts(state, x: 2, y: y, width: chartWidth, bottom: body.bottom, chartHeight: 10, theme: theme, focused: shell.overlay == nil, into: &frame)
        if let connections = state.connections {
            drawBars("Requests by answer", connectionBars(connections.byStatus), x: chartWidth + 5, y: y, width: frame.size.width - chartWidth - 7,
                     bottom: body.bottom, theme: theme, into: &frame)
        }
    }

    // MARK: admin

    private static func drawAdmin(_ state: DashboardState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let width = frame.size.width - 4
        var figures: [(String, String)] = []
        if let admin = state.admin {
            figures += [("Users", "\(count(Int64(admin.usersTotal))) (\(admin.usersByType.buyer) buyers, \(admin.usersByType.seller) sellers)"),
                        ("New this week", count(Int64(admin.newUsersLast7Days)) + growth(Int64(admin.newUsersLast7Days), admin.newUsersPrevious7Days.map(Int64.init))),
                        ("Suspended", count(Int64(admin.suspendedUsers))),
                        ("Published", count(Int64(admin.listingsByStatus.published))), ("Active plans", count(Int64(admin.activeSubscriptions))),
                        ("Revenue 30 days", pounds(pence: admin.revenueLast30DaysPence) + growth(admin.revenueLast30DaysPence, admin.revenuePrevious30DaysPence))]
        }
        if let revenue = state.adminRevenue { figures.append(("MRR", pounds(pence: revenue.monthlyRecurringRevenuePence))) }
        let top = drawFigures(figures, x: 2, y: body.top + 2, width: width, theme: theme, into: &frame) + 1
        let leftWidth = min(44, frame.size.width / 3)
        var y = top
        frame.write("Queues (Enter opens)", x: 2, y: y, style: theme[.listHeader])
        y += 1
        for (index, queue) in queues(state.admin).enumerated() {
            let selected = index == state.queue && shell.overlay == nil
            let style = selected ? theme[.listSelected] : queue.count > 0 ? theme[.listUnread] : theme[.listRow]
            if selected { frame.fill(x: 1, y: y, width: leftWidth, style: style) }
            let number = count(Int64(queue.count))
            frame.write(" " + queue.title, x: 1, y: y, style: style, maxWidth: leftWidth - TextWidth.of(number) - 2)
            frame.write(number, x: 1 + leftWidth - TextWidth.of(number) - 1, y: y, style: style)
            y += 1
        }
        y += 1
        y = drawHealth(state, shell: shell, x: 2, y: y, width: leftWidth - 1, theme: theme, into: &frame) + 1
        if let users = state.users, !users.funnel.isEmpty {
            let first = users.funnel.first?.users ?? 0
            y = drawBars("Funnel of the period's users", users.funnel.map { step in
                (step.stepName.replacingOccurrences(of: "_", with: " "), Int64(step.users), "\(count(Int64(step.users))) \(percent(step.users, of: first))")
            }, x: 2, y: y, width: leftWidth - 1, bottom: body.bottom, theme: theme, into: &frame) + 1
        }
        let right = leftWidth + 4
        let rightWidth = frame.size.width - right - 2
        var rightY = drawCharts(state, x: right, y: top, width: rightWidth, bottom: body.bottom, chartHeight: 12, theme: theme, focused: shell.overlay == nil, into: &frame) + 1
        if let revenue = state.adminRevenue, !revenue.byPlan.isEmpty {
            rightY = drawBars("Revenue by plan (\(revenue.currency)) · subscribers", revenue.byPlan.map { plan in
                (plan.planName, plan.revenuePence, "\(pounds(pence: plan.revenuePence)) · \(plan.subscribers)")
            }, x: right, y: rightY, width: rightWidth, bottom: body.bottom, theme: theme, into: &frame)
        }
        _ = rightY
    }

    private static func drawHealth(_ state: DashboardState, shell: Shell, x: Int, y: Int, width: Int, theme: Theme, into frame: inout Frame) -> Int {
        frame.write("System health (every \(Int(healthPause.components.seconds)) s)", x: x, y: y, style: theme[.listHeader], maxWidth: width)
        var row = y + 1
        if let failure = state.healthFailure {
            frame.write("✕ \(failure.summary)", x: x, y: row, style: theme[.statusError], maxWidth: width)
            row += 1
        }
        guard let health = state.health else {
            if state.healthFailure == nil { frame.write("\(spinner(shell)) checking…", x: x, y: row, style: theme[.spinner]) }
            return row + 1
        }
        let ok = health.status == .ok
        frame.write(ok ? "● ok" : "● degraded", x: x, y: row, style: ok ? theme[.statusOK] : theme[.statusError])
        let roundTrip = state.healthRoundTrip.map { " · \(Int($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) ms" } ?? ""
        frame.write("  \(health.database) · v\(health.version)\(roundTrip)", x: x + 4, y: row, style: theme[.text], maxWidth: width - 4)
        row += 1
        var facts: [String] = []
        if health.databaseReachable == false { facts.append("database unreachable") }
        if let latency = health.databaseLatencyMs { facts.append(String(format: "query %.1f ms", latency)) }
        if let free = health.diskFreeBytes { facts.append("disk \(Services.size(free)) free") }
        if let transport = health.mailTransport {
            let pending = health.mailOutboxPending.map { ", \($0) waiting" } ?? ""
            facts.append("mail \(transport.rawValue)\(health.mailReachable == false ? " unreachable" : "")\(pending)")
        }
        if let backlog = health.jobBacklog { facts.append("jobs \(backlog) due") }
        if let dead = health.jobsDead, dead > 0 { facts.append("\(dead) dead") }
        if let age = health.searchIndexAgeSeconds { facts.append("index \(duration(age)) old") }
        if let uptime = health.uptimeSeconds { facts.append("up \(duration(uptime))") }
        for line in wrap(facts.joined(separator: " · "), width: width) {
            frame.write(line, x: x, y: row, style: theme[.text], maxWidth: width)
            row += 1
        }
        if let checked = state.healthCheckedAt {
            frame.write("checked \(Self.clock.string(from: checked)) · server time \(Self.clock.string(from: health.time))", x: x, y: row, style: theme[.textDim], maxWidth: width)
            row += 1
        }
        return row
    }

    /// 45s, 12m, 3h, 2d.
    static func duration(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds)s" : seconds < 3600 ? "\(seconds / 60)m" : seconds < 172_800 ? "\(seconds / 3600)h" : "\(seconds / 86_400)d"
    }

    static let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()
}
