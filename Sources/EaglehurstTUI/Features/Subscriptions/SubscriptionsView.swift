import EaglehurstAPI
import Foundation

extension Subscriptions {
    /// Rows of a pane's list: below the plan, its usage, the tabs and the column header, down to the
    /// row above the footnote.
    static func paneRows(_ size: Size) -> Int { max(1, size.height - 13) }

    static func view(_ state: SubscriptionsState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        guard let current = state.current else {
            let text = state.isLoading ? "\(spinner(shell)) loading your plan…" : "Your plan could not be loaded; r tries again."
            frame.write(text, x: 2, y: body.top + 1, style: state.isLoading ? theme[.spinner] : theme[.statusError])
            return
        }
        drawCurrent(current, state, shell: shell, theme: theme, body: body, into: &frame)
        drawTabs(state, theme: theme, y: body.top + 5, into: &frame)
        // A window too short for a pane shows the plan alone.
        guard body.bottom - 1 > body.top + 7 else { return }
        switch state.pane {
        case .plans: drawPlans(state, theme: theme, top: body.top + 7, bottom: body.bottom - 1, into: &frame)
        case .cards: drawCards(state, theme: theme, top: body.top + 6, into: &frame)
        case .invoices: drawInvoices(state, theme: theme, top: body.top + 6, bottom: body.bottom - 1, into: &frame)
        }
        drawFootnote(footnote(state, shell: shell), body: body, theme: theme, into: &frame)
        if let entry = state.cardEntry {
            drawCardEntry(entry, state, shell: shell, theme: theme, into: &frame)
        } else if let checkout = state.checkout {
            drawCheckout(checkout, state, shell: shell, theme: theme, into: &frame)
        }
    }

    // MARK: the plan and its usage

    static func drawCurrent(_ current: UserSubscription, _ state: SubscriptionsState, shell: Shell, theme: Theme, body: Body, into frame: inout Frame) {
        let cycle = current.plan.isFree ? "" : " · \(current.billingCycle?.rawValue ?? "monthly")"
        let status = current.cancelAtPeriodEnd ? "cancelled" : current.status.rawValue.replacingOccurrences(of: "_", with: " ")
        let right = state.isStale ? "stale" : state.loading.isEmpty ? "" : "\(spinner(shell)) loading…"
        drawTitleLine("Your plan: \(current.plan.name)\(cycle) · \(status)", right: right, y: body.top, theme: theme, into: &frame)
        frame.write(planLine(current, state), x: 3, y: body.top + 1, style: current.status == .pastDue ? theme[.statusError] : theme[.text], maxWidth: frame.size.width - 5)
        guard let usage = state.usage else { return }
        let isSeller = shell.account?.userType == .seller
        let (label, used, limit) = isSeller ? ("Active listings", usage.listingsUsed, usage.listingsLimit) : ("Connection requests", usage.connectionsUsed, usage.connectionsLimit)
        let width = min(30, max(10, frame.size.width / 4))
        var x = 3
        x += frame.write(TextWidth.pad(label, to: 21), x: x, y: body.top + 2, style: theme[.label])
        let full = limit.map { used >= $0 } ?? false
        x += frame.write(bar(used: used, limit: limit, width: width), x: x, y: body.top + 2, style: full ? theme[.statusError] : theme[.statusOK])
        let counted = (limit.map { "\(used)/\($0)" } ?? "\(used)") + (isSeller ? " active now" : " this period")
        let rest = (limit == nil ? ", no limit" : "") + (isSeller ? "" : " · resets \(day(usage.periodEnd))")
        frame.write("  \(counted)\(rest)", x: x, y: body.top + 2, style: theme[.text], maxWidth: max(0, frame.size.width - x - 1))
    }

    /// What happens next to the plan: a renewal with a card, an end, or nothing on the free plan.
    static func planLine(_ current: UserSubscription, _ state: SubscriptionsState) -> String {
        let card = state.defaultCard.map { "Default card: \(cardName($0))." } ?? "No card saved."
        if current.plan.isFree { return "The free plan: nothing to pay. \(card)" }
        let total = amounts(current.plan, current.billingCycle ?? .monthly).total
        if current.status == .pastDue {
            return "The last renewal failed (\(current.failedPaymentAttempts ?? 1)×); it is retried with your default card. \(card)"
        }
        if current.cancelAtPeriodEnd || current.status == .cancelled {
            return "Ends \(day(current.expiresAt ?? current.currentPeriodEnd)); then the free plan. \(card)"
        }
        let renews = current.renewsAt ?? current.currentPeriodEnd
        let with = current.paymentMethodId.flatMap { id in state.cards.first { $0.id == id } }.map(cardName) ?? state.defaultCard.map(cardName) ?? "your default card"
        return "Renews \(day(renews)) at \(price(total)) with \(with). \(card)"
    }

    /// `██████░░░░` filled in proportion; an unlimited plan shows an empty track.
    static func bar(used: Int, limit: Int?, width: Int) -> String {
        guard let limit, limit > 0 else { return String(repeating: "░", count: width) }
        let filled = min(width, (used * width + limit - 1) / limit)
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    }

    static func drawTabs(_ state: SubscriptionsState, theme: Theme, y: Int, into frame: inout Frame) {
        var x = 1
        for pane in SubscriptionsState.Pane.allCases {
            let count: String = switch pane {
            case .plans: ""
            case .cards: " (\(state.cards.count))"
            case .invoices: " (\(state.invoicesTotal ?? state.invoices.count))"
            }
            let label = pane == state.pane ? "[\(pane.rawValue)\(count)]" : " \(pane.rawValue)\(count) "
            x += frame.write(label, x: x, y: y, style: pane == state.pane ? theme[.listSelected] : theme[.textDim]) + 2
        }
        if state.pane == .plans {
            let prices = state.cycle == .monthly ? "prices: monthly (y: yearly)" : "prices: yearly (y: monthly)"
            frame.write(prices, x: frame.size.width - TextWidth.of(prices) - 1, y: y, style: theme[.textDim])
        }
    }

    // MARK: plans

    /// Side by side as cards when each gets room, else a table.
    static func drawPlans(_ state: SubscriptionsState, theme: Theme, top: Int, bottom: Int, into frame: inout Frame) {
        let plans = state.plans
        guard !plans.isEmpty else { return }
        let gap = 2
        let width = (frame.size.width - 4 - gap * (plans.count - 1)) / plans.count
        guard width >= 26 else {
            drawPlanTable(state, theme: theme, top: top, into: &frame)
            return
        }
        let contents = plans.map { planLines($0, state, width: width - 4, theme: theme) }
        // The cards are as tall as the longest one needs, so they read as a row.
        let bottom = min(bottom, top + (contents.map(\.count).max() ?? 0) + 1)
        for (index, plan) in plans.enumerated() {
            let x = 2 + index * (width + gap)
            drawPlanCard(plan, contents[index], selected: index == state.planCursor.selected, x: x, width: width, top: top, bottom: bottom, theme: theme, into: &frame)
        }
    }

    static func drawPlanCard(_ plan: SubscriptionPlan, _ lines: [(String, Style)], selected: Bool, x: Int, width: Int, top: Int, bottom: Int, theme: Theme, into frame: inout Frame) {
        let border = selected ? theme[.title] : theme[.border]
        let (h, v, corners) = selected ? ("━", "┃", ("┏", "┓", "┗", "┛")) : ("─", "│", ("┌", "┐", "└", "┘"))
        frame.write(corners.0 + String(repeating: h, count: width - 2) + corners.1, x: x, y: top, style: border)
        frame.write(corners.2 + String(repeating: h, count: width - 2) + corners.3, x: x, y: bottom, style: border)
        for y in (top + 1)..<bottom {
            frame.write(v, x: x, y: y, style: border)
            frame.write(v, x: x + width - 1, y: y, style: border)
        }
        frame.write(" \(plan.name) ", x: x + 2, y: top, style: theme[.title], maxWidth: width - 4)
        for (index, line) in lines.prefix(max(0, bottom - top - 1)).enumerated() {
            frame.write(line.0, x: x + 2, y: top + 1 + index, style: line.1, maxWidth: width - 4)
        }
    }

    /// A plan's card: whether it is yours, its price with VAT for the chosen cycle, its limit, its features.
    static func planLines(_ plan: SubscriptionPlan, _ state: SubscriptionsState, width inner: Int, theme: Theme) -> [(String, Style)] {
        var lines: [(String, Style)] = []
        func add(_ text: String, _ style: Style, bullet: Bool = false) {
            for (index, line) in wrap(text, width: bullet ? inner - 2 : inner).enumerated() {
                lines.append(((bullet ? (index == 0 ? "• " : "  ") : "") + line, style))
            }
        }
        if let current = state.current, current.plan.id == plan.id {
            add("● your plan" + (plan.isFree ? "" : " (\(current.billingCycle?.rawValue ?? "monthly"))"), theme[.statusOK])
        } else {
            lines.append(("", theme[.text]))
        }
        let money = amounts(plan, state.cycle)
        if plan.isFree {
            add("Free", theme[.title])
            add("nothing to pay", theme[.textDim])
        } else {
            add("\(price(money.net)) a \(per(state.cycle)) + VAT", theme[.title])
            add("\(price(money.vat)) VAT · \(price(money.total)) in all", theme[.textDim])
        }
        lines.append(("", theme[.text]))
        // The limit, unless a feature already says it in the same words.
        let limit = limitText(plan)
        if !plan.features.contains(where: { $0.caseInsensitiveCompare(limit) == .orderedSame }) { add(limit, theme[.text]) }
        for feature in plan.features { add(feature, theme[.text], bullet: true) }
        return lines
    }

    static func limitText(_ plan: SubscriptionPlan) -> String {
        if plan.userType == .seller {
            return plan.listingLimit.map { "\($0) active listing\($0 == 1 ? "" : "s")" } ?? "Unlimited active listings"
        }
        return plan.connectionLimit.map { "\($0) connection request\($0 == 1 ? "" : "s") a month" } ?? "Unlimited connection requests"
    }

    static func drawPlanTable(_ state: SubscriptionsState, theme: Theme, top: Int, into frame: inout Frame) {
        let columns = [Column(title: "Plan"), Column(title: "Net", width: 10, alignment: .right), Column(title: "With VAT", width: 10, alignment: .right), Column(title: "Limit", width: 28)]
        drawTable(columns: columns, cursor: state.planCursor, top: top, theme: theme, into: &frame) { row in
            let plan = state.plans[row]
            let money = amounts(plan, state.cycle)
            let mine = state.current?.plan.id == plan.id ? " ●" : ""
            return ([plan.name + mine, plan.isFree ? "free" : price(money.net), plan.isFree ? "—" : price(money.total), limitText(plan)], nil)
        }
    }

    // MARK: cards and invoices

    static func drawCards(_ state: SubscriptionsState, theme: Theme, top: Int, into frame: inout Frame) {
        let columns = [Column(title: "Card"), Column(title: "Expires", width: 8), Column(title: "Default", width: 8), Column(title: "Added", width: 12)]
        drawTable(columns: columns, cursor: state.cardCursor, top: top, theme: theme, into: &frame) { row in
            let card = state.cards[row]
            return ([cardName(card), String(format: "%02d/%02d", card.expMonth, card.expYear % 100), card.isDefault ? "default" : "", day(card.createdAt)],
                    state.isStale ? theme[.stale] : nil)
        }
    }

    static func drawInvoices(_ state: SubscriptionsState, theme: Theme, top: Int, bottom: Int, into frame: inout Frame) {
        let listWidth = min(72, frame.size.width * 3 / 5)
        let columns: [(String, Int, TextWidth.Alignment)] = [("Date", 11, .left), ("Plan", max(8, listWidth - 11 - 10 - 9 - 5), .left), ("Total", 10, .right), ("Status", 9, .left)]
        func line(_ texts: [String]) -> String {
            " " + zip(texts, columns).map { TextWidth.pad($0, to: $1.1, alignment: $1.2) }.joined(separator: " ")
        }
        frame.write(line(columns.map(\.0)), x: 0, y: top, style: theme[.listHeader], maxWidth: listWidth)
        for (index, row) in state.invoiceCursor.visibleRows.enumerated() where top + 1 + index <= bottom {
            let invoice = state.invoices[row]
            let selected = row == state.invoiceCursor.selected
            let style = selected ? theme[.listSelected] : invoice.status == .failed ? theme[.statusError] : theme[.listRow]
            if selected { frame.fill(x: 0, y: top + 1 + index, width: listWidth, style: style) }
            let plan = [invoice.planName, invoice.billingCycle?.rawValue].compactMap { $0 }.joined(separator: ", ")
            frame.write(line([day(invoice.createdAt), plan.isEmpty ? invoice.description : plan, price(invoice.amountPence), invoice.status.rawValue]),
                        x: 0, y: top + 1 + index, style: style, maxWidth: listWidth)
        }
        guard let invoice = state.selectedInvoice else { return }
        let x = listWidth + 3
        let width = frame.size.width - x - 2
        for y in top...bottom { frame.write("│", x: x - 2, y: y, style: theme[.border]) }
        frame.write("Invoice", x: x, y: top, style: theme[.listHeader])
        var rows: [(String, String, Style)] = [
            ("Date", day(invoice.createdAt), theme[.text]),
            ("For", invoice.description, theme[.text]),
            ("Net", price(invoice.netPence), theme[.text]),
            ("VAT \(invoice.vatRatePercent)%", price(invoice.vatPence), theme[.text]),
            ("Total", "\(price(invoice.amountPence)) \(invoice.currency)", theme[.title]),
            ("Status", invoice.status.rawValue, invoice.status == .failed ? theme[.statusError] : invoice.status == .succeeded ? theme[.statusOK] : theme[.text]),
        ]
        if let start = invoice.periodStart, let end = invoice.periodEnd { rows.append(("Period", "\(day(start)) – \(day(end))", theme[.text])) }
        if let paid = invoice.paidAt { rows.append(("Paid", day(paid), theme[.text])) }
        if let reason = invoice.failureReason { rows.append(("Refused", reason, theme[.statusError])) }
        if let reference = invoice.gatewayPaymentId { rows.append(("Reference", reference, theme[.textDim])) }
        var y = top + 2
        for (label, value, style) in rows {
            for (index, text) in wrap(value, width: max(1, width - 12)).enumerated() where y <= bottom {
                if index == 0 { frame.write(label, x: x, y: y, style: theme[.label], maxWidth: 11) }
                frame.write(text, x: x + 12, y: y, style: style, maxWidth: width - 12)
                y += 1
            }
        }
    }

    static func footnote(_ state: SubscriptionsState, shell: Shell) -> (String, FootnoteKind)? {
        if state.isStale { return ("stale: the latest request failed; this is from before (r reloads)", .stale) }
        switch state.pane {
        case .plans: return nil
        case .cards:
            if state.cards.isEmpty { return ("No card saved: a adds one.", .dim) }
            return ("Only the brand, last four and expiry are kept; the number stays with the payment gateway.", .dim)
        case .invoices:
            return state.invoices.isEmpty ? ("No invoices yet: every payment, paid or refused, is listed here.", .dim) : nil
        }
    }

    // MARK: the upgrade

    static func keyText(_ action: Action, _ context: Context, _ shell: Shell) -> String {
        shell.bindings.binding(for: action, in: context)?.keys.first?.description ?? "?"
    }

    static func drawCheckout(_ checkout: Checkout, _ state: SubscriptionsState, shell: Shell, theme: Theme, into frame: inout Frame) {
        let width = min(70, frame.size.width - 4)
        let x = (frame.size.width - width) / 2
        let inner = width - 6
        var lines: [(String, String, Style)] = []
        let money = checkout.amounts
        let title: String
        switch checkout.step {
        case .card:
            title = "Upgrade to \(checkout.plan.name)"
            lines.append(("", "\(price(money.net)) a \(per(checkout.cycle)) + VAT \(price(money.vat)) = \(price(money.total))", theme[.title]))
            lines.append(("", "", theme[.text]))
            lines.append(("", state.cards.isEmpty ? "No card saved yet." : "Pay with:", theme[.label]))
            for row in checkout.cardCursor.visibleRows {
                let card = state.cards[row]
                let selected = row == checkout.cardCursor.selected
                let text = "\(selected ? "▸" : " ") \(cardName(card))   expires \(String(format: "%02d/%02d", card.expMonth, card.expYear % 100))\(card.isDefault ? "   default" : "")"
                lines.append(("", text, selected ? theme[.listSelected] : theme[.text]))
            }
            lines.append(("", "", theme[.text]))
            lines.append(("", "\(keyText(.choose, .checkout, shell)): use this card · \(keyText(.addCard, .checkout, shell)): a new card · \(keyText(.cancel, .checkout, shell)): stop", theme[.textDim]))
        case .review, .paying:
            title = "Confirm: \(checkout.plan.name), \(checkout.cycle.rawValue)"
            let card = state.cards.first { $0.id == checkout.cardID }.map(cardName) ?? "the chosen card"
            let renews = renewal(from: checkout.reviewedAt ?? Date(), checkout.cycle)
            lines += [
                ("Card", card, theme[.text]),
                ("Net", price(money.net), theme[.text]),
                ("VAT \(checkout.plan.vatRatePercent)%", price(money.vat), theme[.text]),
                ("Total", "\(price(money.total)), charged now", theme[.title]),
                ("Renews", "\(day(renews)), then every \(per(checkout.cycle)) until cancelled", theme[.text]),
                ("", "", theme[.text]),
            ]
            if let problem = checkout.problem {
                for line in wrap(problem, width: inner) { lines.append(("", line, theme[.statusError])) }
                lines.append(("", "", theme[.text]))
            }
            if checkout.step == .paying {
                lines.append(("", "\(spinner(shell)) paying…", theme[.spinner]))
            } else {
                lines.append(("", "\(keyText(.confirm, .checkoutReview, shell)): pay \(price(money.total)) · \(keyText(.back, .checkoutReview, shell)): another card", theme[.textDim]))
            }
        case .paid(let subscription):
            title = "Paid"
            let next = subscription.renewsAt ?? subscription.currentPeriodEnd
            lines += [
                ("", "Paid \(price(money.total)) (net \(price(money.net)) + VAT \(price(money.vat))).", theme[.statusOK]),
                ("", "You are on \(subscription.plan.name), \(checkout.cycle.rawValue); it renews \(day(next)).", theme[.text]),
                ("", "The invoice is under Invoices.", theme[.text]),
                ("", "", theme[.text]),
                ("", "\(keyText(.confirm, .checkoutReview, shell)): close", theme[.textDim]),
            ]
        }
        let height = lines.count + 4
        let y = max(1, (frame.size.height - height) / 2)
        drawBox(x: x, y: y, width: width, height: height, title: title, theme: theme, border: theme[.overlayBorder], into: &frame)
        for (index, (label, text, style)) in lines.enumerated() {
            if label.isEmpty {
                frame.write(text, x: x + 3, y: y + 2 + index, style: style, maxWidth: inner)
            } else {
                frame.write(label, x: x + 3, y: y + 2 + index, style: theme[.label], maxWidth: 10)
                frame.write(text, x: x + 14, y: y + 2 + index, style: style, maxWidth: inner - 11)
            }
        }
    }

    static func drawCardEntry(_ entry: CardEntry, _ state: SubscriptionsState, shell: Shell, theme: Theme, into frame: inout Frame) {
        let width = min(74, frame.size.width - 4)
        let x = (frame.size.width - width) / 2
        let cards = state.config?.gateway == .local ? state.config?.testCards ?? [] : []
        let test = cards.isEmpty ? [] : wrap("Test cards: " + cards.joined(separator: ", "), width: width - 6)
        let promise = wrap("The card goes only to \(state.config?.gateway == .stripe ? "Stripe" : "the payment gateway") for a token; Eaglehurst keeps its brand, last four digits and expiry.", width: width - 6)
        let height = 14 + promise.count + test.count
        let y = max(1, (frame.size.height - height) / 2)
        let title = state.checkout.map { "A card for \($0.plan.name)" } ?? "Add a card"
        drawBox(x: x, y: y, width: width, height: height, title: title, theme: theme, border: theme[.overlayBorder], into: &frame)
        let now = Date()
        let labelX = x + 3, inputX = x + 19
        let fields: [(CardEntry.Field, String, Int, String)] = [
            (.number, entry.focus == .number ? entry.groupedNumber : entry.maskedNumber, 24, entry.brand ?? ""),
            (.expiry, entry.expiryText, 6, "MM/YY"),
            (.cvc, String(repeating: "•", count: entry.cvc.count), 5, "on the back (Amex: 4 digits on the front); never kept"),
            (.makeDefault, entry.makeDefault ? "[x]" : "[ ]", 3, "space ticks: renewals use the default card"),
        ]
        var row = y + 2
        for (field, text, fieldWidth, hint) in fields {
            let focused = entry.focus == field && !entry.isSubmitting
            frame.write(field.label, x: labelX, y: row, style: theme[.label])
            frame.fill(x: inputX, y: row, width: fieldWidth, style: focused ? theme[.inputFocused] : theme[.input])
            let used = frame.write(text, x: inputX, y: row, style: focused ? theme[.inputFocused] : theme[.input], maxWidth: fieldWidth)
            if focused, field != .makeDefault { frame.cursor = (inputX + used, row) }
            if let problem = entry.shownProblem(field, now: now) {
                frame.write("\(field.label.lowercased()) \(problem)", x: inputX, y: row + 1, style: theme[.inputError], maxWidth: width - (inputX - x) - 2)
            } else if field != .number {
                frame.write(hint, x: inputX, y: row + 1, style: theme[.textDim], maxWidth: width - (inputX - x) - 2)
            } else if !hint.isEmpty {
                frame.write(hint, x: inputX + fieldWidth + 2, y: row, style: theme[.textDim])
            }
            row += 2
        }
        row += 1
        for line in test {
            frame.write(line, x: labelX, y: row, style: theme[.textDim], maxWidth: width - 6)
            row += 1
        }
        for line in promise {
            frame.write(line, x: labelX, y: row, style: theme[.textDim], maxWidth: width - 6)
            row += 1
        }
        let status = entry.isSubmitting ? "\(spinner(shell)) saving the card…"
            : "\(keyText(.submit, .cardForm, shell)): save · \(keyText(.nextField, .cardForm, shell)): next field · \(keyText(.cancel, .cardForm, shell)): cancel"
        frame.write(status, x: labelX, y: y + height - 2, style: entry.isSubmitting ? theme[.spinner] : theme[.textDim], maxWidth: width - 6)
    }
}
