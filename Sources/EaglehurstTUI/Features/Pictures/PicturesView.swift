import Foundation

extension Pictures {
    /// The gallery: the photo as large as the screen allows, its caption, and where it is in the set.
    static func drawGallery(_ gallery: GalleryOverlay, shell: Shell, theme: Theme, into frame: inout Frame) {
        let size = frame.size
        let top = 1, bottom = Layout.messageRow(size) - 1
        frame.fill(x: 0, y: top, width: size.width, height: max(0, bottom - top + 1), style: theme[.overlay])
        guard let item = gallery.current else { return }
        let heading = "\(gallery.title) · photo \(gallery.index + 1) of \(gallery.items.count)"
        frame.write(" " + heading, x: 0, y: top, style: theme[.helpTitle], maxWidth: size.width)
        let caption = [item.caption, item.fileName].compactMap { $0 }.joined(separator: " · ")
        frame.write(" " + caption, x: 0, y: bottom, style: theme[.textDim], maxWidth: size.width)
        let box = (x: 1, y: top + 2, columns: max(0, size.width - 2), rows: max(0, bottom - top - 3))
        guard item.isImage else {
            let bytes = ByteCountFormatter.string(fromByteCount: item.sizeBytes, countStyle: .file)
            let lines = ["\(item.fileName)", "\(item.contentType), \(bytes)", "",
                         "Not a picture: s saves it in the working directory; o opens it with the desktop's viewer."]
            for (n, line) in lines.enumerated() {
                let y = box.y + box.rows / 2 - 2 + n
                frame.write(line, x: max(box.x, (size.width - TextWidth.of(line)) / 2), y: y,
                            style: n == 0 ? theme[.title] : theme[.text], maxWidth: box.columns)
            }
            return
        }
        drawSlot(shell.pictures[PictureKey(item.mediaID, .view)], hasURL: (item.previewURL ?? item.url) != nil,
                 box: box, shell: shell, theme: theme, into: &frame)
    }

    /// A photo, or what stands in its place while it comes or when it cannot.
    static func drawSlot(_ slot: PictureSlot?, hasURL: Bool, box: (x: Int, y: Int, columns: Int, rows: Int),
                         shell: Shell, theme: Theme, into frame: inout Frame) {
        guard box.columns > 0, box.rows > 0 else { return }
        let middle = box.y + box.rows / 2
        switch slot {
        case .ready(let picture):
            frame.drawPicture(picture, x: box.x, y: box.y, columns: box.columns, rows: box.rows)
        case .failed(let reason):
            let lines = App.wrap("photo: \(reason)", width: box.columns).prefix(max(1, box.rows))
            for (n, line) in lines.enumerated() {
                frame.write(line, x: box.x, y: max(box.y, middle - lines.count / 2) + n, style: theme[.statusError], maxWidth: box.columns)
            }
        case .loading, nil:
            let text = hasURL ? "\(App.spinner(shell)) loading photo…" : "no photo to show"
            frame.write(text, x: box.x + max(0, (box.columns - TextWidth.of(text)) / 2), y: middle, style: theme[.textDim], maxWidth: box.columns)
        }
    }
}
