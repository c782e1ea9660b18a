import EaglehurstAPI
import Foundation

/// The drawing and formatting helpers every screen shares (tables, forms, a listing in full, boxes,
/// the spinner). A protocol so that the app and each feature's namespace call them by plain name.
protocol Drawing {}

extension App: Drawing {}

extension Drawing {
    /// Each field takes two rows: the input, then its problem (or its hint). Returns the row after the form.
    @discardableResult
    static func drawForm(_ form: Form, focused: Bool, top: Int, bottom: Int, theme: Theme, into frame: inout Frame) -> Int {
        let labelWidth = max(12, (form.fields.map { TextWidth.of($0.label) }.max() ?? 0) + 2)
        let x = 2 + labelWidth
        let width = max(8, min(48, frame.size.width - x - 2))
        var y = top
        // A form taller than the room scrolls so the focused field shows.
        let room = max(1, (bottom - top + 1) / 2)
        let first = max(0, form.focus - room + 1)
        for (index, field) in form.fields.enumerated() where index >= first && y <= bottom {
            let hasFocus = focused && form.focus == index
            let style = hasFocus ? theme[.inputFocused] : theme[.input]
            frame.write(field.label, x: 2, y: y, style: theme[.label], maxWidth: labelWidth - 1)
            frame.fill(x: x, y: y, width: width, style: style)
            if case .choice(let options) = field.rule {
                frame.write(choiceText(options, chosen: field.choice, width: width), x: x, y: y, style: style, maxWidth: width)
            } else if case .multiChoice(let options) = field.rule {
                frame.write(TextWidth.truncate(multiChoiceText(options, field: field), to: width), x: x, y: y, style: style, maxWidth: width)
            } else if case .longText = field.rule {
                let flat = field.input.text.replacingOccurrences(of: "\n", with: " ⏎ ")
                frame.write(flat.isEmpty ? "" : TextWidth.truncate(flat, to: width), x: x, y: y, style: style, maxWidth: width)
            } else {
                let visible = field.input.visible(width: width - 1, mask: field.isMasked ? "•" : nil)
                frame.write(visible.text, x: x, y: y, style: style, maxWidth: width)
                if hasFocus && !form.isSubmitting { frame.cursor = (x + visible.cursorColumn, y) }
            }
            if let problem = form.problem(at: index) {
                frame.write(problem, x: x, y: y + 1, style: theme[.inputError], maxWidth: frame.size.width - x - 1)
            } else if let hint = field.hint {
                frame.write(hint, x: x, y: y + 1, style: theme[.textDim], maxWidth: frame.size.width - x - 1)
            }
            y += 2
        }
        return y
    }

    /// The highlighted option with its tick, then what is ticked.
    static func multiChoiceText(_ options: [String], field: FormField) -> String {
        let mark = field.chosen.contains(field.choice) ? "[x]" : "[ ]"
        let ticked = field.items
        return "‹ \(mark) \(options[field.choice]) ›  " + (ticked.isEmpty ? "any" : ticked.joined(separator: ", "))
    }

    /// All options with the chosen one marked when they fit, else the chosen one between arrows.
    static func choiceText(_ options: [String], chosen: Int, width: Int) -> String {
        let all = options.enumerated().map { ($0.offset == chosen ? "(•) " : "( ) ") + $0.element }.joined(separator: "  ")
        return TextWidth.of(all) <= width ? all : "‹ \(options[chosen]) ›"
    }

    /// Whole pounds with thousands separators, the same on every machine.
    static func pounds(_ amount: Int64) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (amount < 0 ? "-£" : "£") + grouped
    }

    /// `selectedMedia` marks the media item the seller has selected, on their own listing.
    static func drawDetail(_ detail: ListingDetailState, shell state: Shell, theme: Theme, body: Body, into frame: inout Frame, width: Int? = nil, x: Int = 2, selectedMedia: Int? = nil) {
        let width = width ?? frame.size.width - 4
        var title = detail.title
        if detail.listing?.isSaved == true { title = "★ " + title }
        let used = frame.write(title, x: x, y: body.top, style: theme[.title], maxWidth: width)
        if detail.isLoading {
            frame.write("  \(spinner(state)) loading…", x: x + used, y: body.top, style: theme[.spinner])
        } else if detail.isStale {
            frame.write("  stale", x: x + used, y: body.top, style: theme[.stale])
        }
        guard let listing = detail.listing else {
            if let failure = detail.failure { frame.write(failure.summary, x: x, y: body.top + 2, style: theme[.statusError], maxWidth: width) }
            return
        }
        // A photo beside the text when there is room: the seller's selected one, else the first.
        var textWidth = width
        let photos = listing.media.filter { $0.mediaType == .image }
        if width >= 72, body.bottom - body.top >= 10, state.pictureProtocol != .off, let photo = Pictures.featured(listing, selected: selectedMedia) {
            let columns = min(44, width * 2 / 5)
            textWidth = width - columns - 2
            let box = (x: x + width - columns, y: body.top + 1, columns: columns, rows: min(22, body.bottom - body.top - 2))
            Pictures.drawSlot(state.pictures[PictureKey(photo.id, .card)], hasURL: true, box: box, shell: state, theme: theme, into: &frame)
            let position = (photos.firstIndex { $0.id == photo.id } ?? 0) + 1
            let galleryKey = state.bindings.binding(for: .openGallery, in: .listingDetail)?.keys.first?.description
            let note = "photo \(position) of \(photos.count)" + (galleryKey.map { " · \($0): all photos" } ?? "")
            frame.write(note, x: box.x + max(0, (columns - TextWidth.of(note)) / 2), y: box.y + box.rows, style: theme[.textDim], maxWidth: columns)
        }
        let lines = detailLines(listing, width: textWidth, theme: theme, valueStyle: detail.isStale ? theme[.stale] : theme[.text], selectedMedia: selectedMedia)
        drawLines(lines, scroll: detail.scroll, x: x, top: body.top + 1, bottom: body.bottom, width: textWidth, theme: theme, into: &frame)
    }

    static func drawLines(_ lines: [StyledLine], scroll: Int, x: Int, top: Int, bottom: Int, width: Int, theme: Theme, into frame: inout Frame) {
        // When the lines overflow, the last row says which are shown.
        // A window too short for even one line shows none (the seller's detail keeps a row for its keys).
        let room = max(0, lines.count > bottom - top + 1 ? bottom - top : bottom - top + 1)
        guard room > 0 else { return }
        let first = min(scroll, max(0, lines.count - room))
        for (index, line) in lines.dropFirst(first).prefix(room).enumerated() {
            let y = top + index
            if line.label.isEmpty {
                frame.write(line.text, x: x, y: y, style: line.style, maxWidth: width)
            } else {
                frame.write(TextWidth.pad(line.label, to: 15), x: x, y: y, style: theme[.label])
                frame.write(line.text, x: x + 16, y: y, style: line.style, maxWidth: max(0, width - 16))
            }
        }
        if lines.count > room {
            let more = " \(first + 1)–\(min(lines.count, first + room)) of \(lines.count) lines "
            frame.write(more, x: x + max(0, width - TextWidth.of(more)), y: bottom, style: theme[.textDim])
        }
    }

    static func detailLines(_ listing: ListingDetail, width: Int, theme: Theme, valueStyle: Style, selectedMedia: Int? = nil) -> [StyledLine] {
        var lines: [StyledLine] = []
        func row(_ label: String, _ value: String?, _ style: Style? = nil) {
            guard let value, !value.isEmpty else { return }
            lines.append(StyledLine(label: label, text: value, style: style ?? valueStyle))
        }
        func blank() { lines.append(StyledLine(label: "", text: "", style: valueStyle)) }
        func heading(_ text: String, _ style: Style? = nil) { lines.append(StyledLine(label: "", text: text, style: style ?? theme[.listHeader])) }
        let statusStyle: Style = switch listing.status {
        case .published: theme[.statusOK]
        case .rejected: theme[.statusError]
        case .pendingApproval: theme[.statusInfo]
        default: theme[.textDim]
        }
        lines.append(StyledLine(label: "", text: "\(listing.businessType.label) · \(listing.location), \(listing.region) · [\(listing.status.label)]", style: statusStyle))
        row("Rejected", listing.rejectionReason, theme[.statusError])
        blank()
        row("Asking price", pounds(listing.askingPrice))
        row("Revenue", listing.annualRevenue.map { "\(pounds($0)) a year" })
        row("Net profit", listing.netProfit.map { "\(pounds($0)) a year" })
        row("Staff", listing.staffCount.map(String.init))
        row("Tenure", listing.tenure?.rawValue)
        row("Established", listing.yearEstablished.map(String.init))
        row("Reason to sell", listing.reasonForSale)
        if listing.viewCount != nil || listing.saveCount != nil {
            row("Views · saves", "\(listing.viewCount ?? 0) · \(listing.saveCount ?? 0)")
        }
        blank()
        heading("Description")
        for paragraph in listing.description.components(separatedBy: "\n") {
            for line in wrap(paragraph, width: width) { lines.append(StyledLine(label: "", text: line, style: valueStyle)) }
        }
        if !listing.media.isEmpty {
            blank()
            heading("Media")
            for (index, media) in listing.media.enumerated() {
                let size = ByteCountFormatter.string(fromByteCount: media.sizeBytes, countStyle: .file)
                let note = [media.caption, media.isConfidential ? "confidential" : nil, media.reviewStatus == .pending ? "waiting for approval" : nil]
                    .compactMap { $0 }.joined(separator: " · ")
                let selected = index == selectedMedia
                lines.append(StyledLine(label: "", text: "\(selected ? "▸" : "•") \(media.fileName)  \(media.mediaType.rawValue), \(size)\(note.isEmpty ? "" : "  \(note)")",
                                        style: selected ? theme[.listSelected] : valueStyle))
            }
        }
        if listing.confidentialAccess, [listing.tradingName, listing.exactAddress, listing.postcode].contains(where: { $0?.isEmpty == false }) {
            blank()
            heading("Confidential")
            row("Trading name", listing.tradingName)
            row("Address", listing.exactAddress)
            row("Postcode", listing.postcode)
        }
        if let edits = listing.pendingEdits, !edits.isEmpty {
            blank()
            heading("Changes waiting for approval", theme[.statusInfo])
            for edit in edits {
                if let media = edit.media {
                    row("new " + media.mediaType.rawValue, "\(media.fileName)\(edit.newValue.map { " “\($0)”" } ?? "")")
                } else {
                    row(edit.fieldName, "\(edit.oldValue ?? "—") → \(edit.newValue ?? "—")")
                }
            }
        }
        return lines
    }

    static func spinner(_ shell: Shell) -> String {
        String(Layout.spinnerFrames[shell.spinnerFrame % Layout.spinnerFrames.count])
    }

    static func drawBox(x: Int, y: Int, width: Int, height: Int, title: String, theme: Theme, border: Style, into frame: inout Frame) {
        frame.fill(x: x, y: y, width: width, height: height, style: theme[.overlay])
        let horizontal = String(repeating: "─", count: max(0, width - 2))
        frame.write("┌" + horizontal + "┐", x: x, y: y, style: border)
        frame.write("└" + horizontal + "┘", x: x, y: y + height - 1, style: border)
        for row in (y + 1)..<(y + height - 1) {
            frame.write("│", x: x, y: row, style: border)
            frame.write("│", x: x + width - 1, y: row, style: border)
        }
        frame.write(" \(title) ", x: x + 2, y: y, style: theme[.helpTitle], maxWidth: width - 4)
    }
}

/// A labelled line of a listing in full.
struct StyledLine {
    var label: String
    var text: String
    var style: Style
}
