import EaglehurstAPI
import Foundation

extension StatusScreen {
    static func view(_ status: StatusScreenState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let valueStyle = status.isStale ? theme[.stale] : theme[.text]
        var y = body.top
        func row(_ label: String, _ value: String, _ style: Style) {
            guard y <= body.bottom else { return }
            frame.write(TextWidth.pad(label, to: 14), x: 2, y: y, style: theme[.label])
            frame.write(value, x: 16, y: y, style: style, maxWidth: frame.size.width - 18)
            y += 1
        }
        row("Server", "\(state.server.url.absoluteString)  (\(state.server.isEmbedded ? "embedded in this app" : "remote"))", theme[.text])
        if let demo = state.server.demoDirectory {
            row("Demo", "this is the demo; its data is kept apart from yours", theme[.text])
            row("Demo data", demo, theme[.text])
            row("", "eaglehurst --demo --reset starts it afresh", theme[.textDim])
        }
        let health: (String, Style)
        if status.isChecking {
            health = ("\(App.spinner(state)) checking…", theme[.spinner])
        } else if let report = status.report, !status.isStale {
            health = ("● \(report.status)", report.status == "ok" ? theme[.statusOK] : theme[.stale])
        } else if let failure = status.failure {
            health = ("✕ \(failure.summary)", theme[.statusError])
        } else {
            health = ("not checked yet", theme[.textDim])
        }
        row("Health", health.0, health.1)
        let report = status.report
        row("Version", report?.version ?? "—", valueStyle)
        row("Database", report?.database ?? "—", valueStyle)
        row("Server time", report.map { $0.serverTime.formatted(.iso8601) } ?? "—", valueStyle)
        row("Round trip", report.map { "\(milliseconds($0.roundTrip)) ms" } ?? "—", valueStyle)
        if status.isStale {
            row("", "stale: from an earlier check; the latest one failed", theme[.stale])
        }
        y += 1
        if state.isRestoringSession {
            row("", "\(App.spinner(state)) resuming your session…", theme[.spinner])
        } else if state.account == nil, let signIn = state.bindings.binding(for: .signIn, in: .status)?.keys.first {
            row("", "Press \(signIn) to sign in.", theme[.textDim])
        }
        if !state.welcomeLines.isEmpty { y += 1 }
        for line in state.welcomeLines where y <= body.bottom {
            frame.write(line, x: 2, y: y, style: theme[.text], maxWidth: frame.size.width - 4)
            y += 1
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }
}
