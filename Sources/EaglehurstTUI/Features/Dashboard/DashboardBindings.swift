import Foundation

/// The dashboard's keys beside what they do.
extension Dashboard {
    static let bindings: [Binding] = [
        spec(.global, .goDashboard, "dashboard: figures and charts"),
        spec(.dashboard, .cyclePeriod, "period: 7, 30, 90 or 365 days", hint: "period"),
        spec(.dashboard, .switchPane, "next chart", hint: "chart"),
        spec(.dashboard, .previousPoint, "the day before, on the chart", hint: "day"),
        spec(.dashboard, .nextPoint, "the day after, on the chart"),
        spec(.dashboard, .down, "next row (a queue, or a listing)"),
        spec(.dashboard, .up, "previous row"),
        spec(.dashboard, .open, "open the selected queue or listing", hint: "open"),
        spec(.dashboard, .refresh, "reload"),
        spec(.dashboard, .back, "back to your profile"),
    ]

    static func perform(_ action: Action, _ state: inout DashboardState, _ shell: inout Shell) -> [Effect] {
        let charts = series(state)
        switch action {
        case .cyclePeriod:
            let periods = DashboardState.periods
            state.days = periods[((periods.firstIndex(of: state.days) ?? 0) + 1) % periods.count]
            state.point = nil
            shell.message = .info("The last \(state.days) days.")
            return reload(&state)
        case .switchPane:
            guard !charts.isEmpty else { return [] }
            state.chart = (state.chart + 1) % charts.count
            state.point = nil
        case .previousPoint, .nextPoint:
            guard charts.indices.contains(state.chart), let current = point(state, in: charts[state.chart]) else { return [] }
            let last = charts[state.chart].values.count - 1
            state.point = max(0, min(last, current + (action == .nextPoint ? 1 : -1)))
        case .down, .up:
            if state.role == .admin {
                let count = queues(state.admin).count
                guard count > 0 else { return [] }
                state.queue = (state.queue + (action == .down ? 1 : count - 1)) % count
            } else {
                if action == .down { state.listingCursor.moveDown() } else { state.listingCursor.moveUp() }
            }
        case .open:
            if state.role == .admin {
                let rows = queues(state.admin)
                guard rows.indices.contains(state.queue) else { return [] }
                shell.go(rows[state.queue].destination)
            } else if state.role == .seller, state.listings.indices.contains(state.listingCursor.selected) {
                let listing = state.listings[state.listingCursor.selected]
                shell.go(.listing(listing.listingId, title: listing.title))
            }
        case .refresh:
            shell.message = nil
            return reload(&state)
        case .back:
            shell.go(.back)
        default:
            break
        }
        return []
    }
}
