@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import XCTest

/// Listing photos in the terminal: decoding untrusted bytes, half-block drawing, the kitty and sixel
/// encoders, and the photo beside a listing and the gallery against a stand-in server.
final class PicturesTests: XCTestCase {
    /// A binary PPM (P6): the simplest image file, so a test states every pixel it sends.
    static func ppm(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) -> Data {
        var data = Data("P6\n\(width) \(height)\n255\n".utf8)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = pixel(x, y)
                data.append(contentsOf: [r, g, b])
            }
        }
        return data
    }

    /// Four quadrants: red, green / blue, white.
    static func quadrants(_ size: Int) -> Data {
        ppm(width: size, height: size) { x, y in
            switch (x < size / 2, y < size / 2) {
            case (true, true): (255, 0, 0)
            case (false, true): (0, 255, 0)
            case (true, false): (0, 0, 255)
            case (false, false): (255, 255, 255)
            }
        }
    }

    func testDecodingKeepsEveryPixelAndFitsWithinTheSizeAsked() throws {
        let picture = try Picture.decode(Self.quadrants(8), maxWidth: 8, maxHeight: 8)
        XCTAssertEqual(picture.width, 8)
        XCTAssertEqual(picture.height, 8)
        XCTAssertTrue(picture.pixel(0, 0) == (255, 0, 0))
        XCTAssertTrue(picture.pixel(7, 0) == (0, 255, 0))
        XCTAssertTrue(picture.pixel(0, 7) == (0, 0, 255))
        XCTAssertTrue(picture.pixel(7, 7) == (255, 255, 255))

        let wide = Self.ppm(width: 400, height: 100) { _, _ in (10, 20, 30) }
        let fitted = try Picture.decode(wide, maxWidth: 100, maxHeight: 100)
        XCTAssertEqual(fitted.width, 100, "fitted to the width, shape kept")
        XCTAssertEqual(fitted.height, 25)
    }

    func testBytesThatAreNoImageAreAnErrorNotACrash() {
        for bad in [Data(), Data("hello".utf8), Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) + Data(repeating: 7, count: 200), Data("P6\n4 4\n255\n".utf8) + Data([1, 2, 3])] {
            XCTAssertThrowsError(try Picture.decode(bad, maxWidth: 64, maxHeight: 64)) { error in
                XCTAssertFalse(String(describing: error).isEmpty)
            }
        }
    }

    /// Each cell as two letters, its upper and lower pixel, with the legend of colours.
    static func halfBlockText(_ frame: Frame) -> [String] {
        var letters: [Color: Character] = [:]
        var legend: [String] = []
        func letter(_ color: Color) -> Character {
            if let known = letters[color] { return known }
            let next = Character(Unicode.Scalar(UInt8(65 + letters.count)))
            letters[color] = next
            if case .rgb(let r, let g, let b) = color { legend.append("\(next) #\(String(format: "%02x%02x%02x", r, g, b))") }
            return next
        }
        var rows: [String] = []
        for y in 0..<frame.size.height {
            var row = ""
            for x in 0..<frame.size.width {
                let cell = frame[x, y]
                row += cell.text == "▀" ? String([letter(cell.style.foreground), letter(cell.style.background)]) : ".."
            }
            rows.append(row)
        }
        return rows + [""] + legend
    }

    func testHalfBlocksDrawTwoPixelsACellCentredAndInShape() throws {
        let picture = try Picture.decode(Self.quadrants(8), maxWidth: 8, maxHeight: 8)
        var frame = Frame(size: Size(width: 12, height: 4), style: .plain)
        let box = frame.drawPicture(picture, x: 0, y: 0, columns: 12, rows: 4)
        // Square: 8 pixels high is 4 rows of cells and 8 columns, centred in 12.
        XCTAssertEqual(box.columns, 8)
        XCTAssertEqual(box.rows, 4)
        XCTAssertEqual(box.x, 2)
        XCTAssertEqual(frame.placements.count, 1)
        try assertGolden(Self.halfBlockText(frame), "picture-halfblock-12x4")

        // Stripes one pixel high: each cell's upper half is one stripe and its lower half the next.
        let stripes = Self.ppm(width: 12, height: 6) { x, y in y % 2 == 0 ? (200, 0, 0) : (x < 6 ? (0, 0, 200) : (0, 200, 0)) }
        var striped = Frame(size: Size(width: 14, height: 3), style: .plain)
        striped.drawPicture(try Picture.decode(stripes, maxWidth: 12, maxHeight: 6), x: 0, y: 0, columns: 14, rows: 3)
        try assertGolden(Self.halfBlockText(striped), "picture-halfblock-stripes-14x3")
    }

    func testKittyChunksItsPayloadAndSixelRunsItsBands() {
        let picture = Picture(width: 40, height: 40, rgb: [UInt8](repeating: 200, count: 40 * 40 * 3))
        let kitty = TerminalGraphics.kitty(picture, id: 3, columns: 4, rows: 2)
        let chunks = kitty.components(separatedBy: "\u{1B}_G").dropFirst()
        XCTAssertEqual(chunks.count, 2, "4,800 bytes are 6,400 base64 characters: two chunks of at most 4,096")
        XCTAssertTrue(chunks.first!.hasPrefix("a=T,f=24,s=40,v=40,i=3,c=4,r=2,C=1,q=2,m=1;"))
        XCTAssertTrue(chunks.last!.hasPrefix("m=0;"))
        let decoded = chunks.map { $0.split(separator: ";", maxSplits: 1)[1].dropLast(2) }.joined()
        XCTAssertEqual(Data(base64Encoded: String(decoded)), Data(picture.rgb))

        // 3 × 7: red over a blue last row; one band of six rows, then a second with one row.
        var rgb: [UInt8] = []
        for y in 0..<7 { for _ in 0..<3 { rgb += y < 6 ? [255, 0, 0] : [0, 0, 255] } }
        let sixel = TerminalGraphics.sixel(Picture(width: 3, height: 7, rgb: rgb))
        XCTAssertEqual(sixel, "\u{1B}P0;1;0q\"1;1;3;7#5;2;0;0;100#180;2;100;0;0#180~~~-#5@@@-\u{1B}\\")
    }

    func testAutoPicksKittyOrSixelOnlyWhereTheTerminalSpeaksIt() {
        XCTAssertEqual(PictureProtocol.detect(["TERM": "xterm-kitty"]), .kitty)
        XCTAssertEqual(PictureProtocol.detect(["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"]), .kitty)
        XCTAssertEqual(PictureProtocol.detect(["TERM": "foot"]), .sixel)
        XCTAssertEqual(PictureProtocol.detect(["TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"]), .halfblock)
        XCTAssertEqual(PictureProtocol.detect(["TERM": "xterm-256color"]), .halfblock)
        XCTAssertEqual(PictureProtocol.sixel.resolved(["TERM": "xterm-kitty"]), .sixel, "a setting in config.toml wins")
    }

    // MARK: against a stand-in server

    static func media(_ n: Int, caption: String) -> String {
        let id = ListingFixture.id(900 + n)
        let sign = "expires=1764150000&signature=c2ln"
        return #"{"id":"\#(id)","listing_id":"\#(ListingFixture.id(1))","media_type":"image","file_name":"photo\#(n).jpg","content_type":"image/jpeg","size_bytes":2048,"url":"/api/v1/files/listing-media/\#(id)?\#(sign)","thumbnail_url":"/api/v1/files/listing-media/\#(id)?variant=card&\#(sign)","preview_url":"/api/v1/files/listing-media/\#(id)?variant=view&\#(sign)","width":8,"height":8,"caption":"\#(caption)","display_order":\#(n),"is_confidential":false,"created_at":"2025-11-20T09:30:00Z"}"#
    }

    static let detailWithPhotos: String = {
        let plain = ListingFixture.detailJSON(1)
        let start = plain.range(of: #""media":["#)!.upperBound
        let end = plain.range(of: #"}],"confidential_access""#)!.lowerBound
        return plain.replacingCharacters(in: start..<plain.index(after: end), with: [media(1, caption: "Reception"), media(2, caption: "Surgery one")].joined(separator: ","))
    }()

    func testAListingShowsItsPhotoAndTheGalleryStepsThroughThemAll() async throws {
        let transport = StubTransport { request in
            switch request.operationID {
            case "listingsBrowse": return ListingFixture.browseAnswer(request, total: 3)
            case "listingsGet": return .json(status: 200, body: Self.detailWithPhotos)
            case "filesDownload":
                // Each file a colour of its own, so the screen shows which one came.
                let second = request.path.contains(ListingFixture.id(902))
                let colour: (UInt8, UInt8, UInt8) = second ? (0, 128, 255) : (255, 128, 0)
                let bytes = request.query("variant").first == "card" ? Self.quadrants(8) : Self.ppm(width: 16, height: 8) { _, _ in colour }
                return .data(status: 200, body: bytes, headers: ["Content-Type": "image/x-portable-pixmap"])
            default: return .unreachable
            }
        }
        let (runner, _) = try await makeRunner(transport, session: ScreenGoldenTests.session)
        var app = Harness.signedIn("buyer", size: Size(width: 120, height: 40))
        app.press(":listings<enter>")
        await app.run(runner)
        app.press("<enter>")
        await app.run(runner)

        // The card, beside the text, drawn in half blocks; its URL taken apart into the operation.
        let cards = transport.requests("filesDownload")
        XCTAssertEqual(cards.count, 1)
        XCTAssertEqual(cards[0].query("variant"), ["card"])
        XCTAssertEqual(cards[0].query("signature"), ["c2ln"])
        XCTAssertTrue(cards[0].path.lowercased().hasPrefix("/files/listing-media/\(ListingFixture.id(901))"), cards[0].path)
        XCTAssertTrue(app.text.contains("▀"), "\(app.state.shell.pictures.slots)\n" + app.text)
        XCTAssertNotNil(app.line(containing: "photo 1 of 2 · m: all photos"))
        XCTAssertTrue(app.hints.contains("m photos"), app.hints)

        app.press("m")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .gallery)
        XCTAssertNotNil(app.line(containing: "Listing 1 · photo 1 of 2"))
        XCTAssertNotNil(app.line(containing: "Reception · photo1.jpg"))
        // The view of the first, and the next one fetched ahead.
        XCTAssertEqual(transport.requests("filesDownload").dropFirst().map { $0.query("variant") }, [["view"], ["view"]])
        XCTAssertTrue(cellColours(app).contains(.rgb(255, 128, 0)))

        app.press("<tab>")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "Listing 1 · photo 2 of 2"))
        XCTAssertNotNil(app.line(containing: "Surgery one · photo2.jpg"))
        XCTAssertTrue(cellColours(app).contains(.rgb(0, 128, 255)))
        XCTAssertEqual(transport.requests("filesDownload").count, 3, "both views were fetched once; stepping back needs nothing new")
        app.press("<left>")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "photo 1 of 2"))
        XCTAssertEqual(transport.requests("filesDownload").count, 3)

        app.press("<esc>")
        XCTAssertEqual(app.state.context, .listingDetail)
    }

    func testAPhotoThatCannotBeShownSaysWhyAndTheRestStillWorks() async throws {
        let transport = StubTransport { request in
            switch request.operationID {
            case "listingsBrowse": return ListingFixture.browseAnswer(request, total: 3)
            case "listingsGet": return .json(status: 200, body: Self.detailWithPhotos)
            case "filesDownload":
                if request.query("variant").first == "card" { return .data(status: 200, body: Data("not a picture".utf8)) }
                return .json(status: 403, body: StubTransport.problem(403, "This link has expired", detail: "Fetch the listing again for a fresh link."))
            default: return .unreachable
            }
        }
        let (runner, _) = try await makeRunner(transport, session: ScreenGoldenTests.session)
        var app = Harness.signedIn("buyer", size: Size(width: 120, height: 40))
        app.press(":listings<enter>")
        await app.run(runner)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "photo: the file cannot be"), app.text)
        XCTAssertNotNil(app.line(containing: "known format)"), "libvips says why, wrapped in the box")
        XCTAssertNotNil(app.line(containing: "Asking price"), "the listing's text is all there")
        app.press("m")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "This link has expired"), app.text)
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .listingDetail, "keys still work after a failed photo")
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .listings)
    }

    // MARK: an admin opens a user's identity documents

    func testAnAdminSeesAPassportAsAPictureAndSavesAPdfWithoutOverwriting() async throws {
        let userID = UUID().uuidString.lowercased()
        let passport = ListingFixture.id(951), statement = ListingFixture.id(952)
        let user = #"{"id":"\#(userID)","email":"sam@example.com","user_type":"seller","first_name":"Sam","last_name":"Seller","email_verified":true,"verification_status":"pending","status":"active","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#
        let doc = { (id: String, type: String, name: String, contentType: String) in
            #"{"id":"\#(id)","document_type":"\#(type)","file_name":"\#(name)","content_type":"\#(contentType)","size_bytes":4096,"status":"pending","url":"/api/v1/files/kyc/\#(id)?expires=1764150000&signature=a3lj","uploaded_at":"2025-11-20T09:30:00Z"}"#
        }
        let documents = #"{"user_id":"\#(userID)","email_verified":true,"verification_status":"pending","documents":[\#(doc(passport, "passport", "passport.png", "image/png")),\#(doc(statement, "proof_of_address", "bill.pdf", "application/pdf"))]}"#
        let pdf = Data("%PDF-1.4\n% a bill\n%%EOF\n".utf8)
        let transport = StubTransport { request in
            switch request.operationID {
            case "adminListListings": return .json(status: 200, body: ListingFixture.pageJSON([], page: 1, perPage: 50, total: 0))
            case "adminListUsers": return .json(status: 200, body: #"{"items":[\#(user)],"page":1,"per_page":50,"total":1}"#)
            case "adminUserDocuments": return request.path.lowercased().contains(userID) ? .json(status: 200, body: documents) : .unreachable
            case "filesDownload":
                return request.path.contains(statement) ? .data(status: 200, body: pdf, headers: ["Content-Type": "application/pdf"])
                    : .data(status: 200, body: Self.quadrants(8), headers: ["Content-Type": "image/png"])
            default: return .unreachable
            }
        }
        let (runner, _) = try await makeRunner(transport, session: StoredSession(email: "ada@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("admin", size: Size(width: 120, height: 40))
        app.press(":admin<enter>")
        await app.run(runner)
        app.press("u")
        await app.run(runner)
        XCTAssertTrue(app.hints.contains("o documents"), app.hints)
        app.press("o")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .gallery)
        XCTAssertNotNil(app.line(containing: "Identity documents of Sam Seller · photo 1 of 2"), app.text)
        XCTAssertNotNil(app.line(containing: "passport · pending · passport.png"))
        XCTAssertTrue(app.text.contains("▀"), "the passport is shown as a picture")

        app.press("<tab>")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "application/pdf, 4 KB"), app.text)
        XCTAssertNotNil(app.line(containing: "Not a picture: s saves it"))
        XCTAssertEqual(transport.requests("filesDownload").count, 1, "a PDF is not fetched until asked for")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-kyc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder.path))
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previous)
            try? FileManager.default.removeItem(at: folder)
        }
        try Data("mine".utf8).write(to: folder.appendingPathComponent("bill.pdf"))
        app.press("s")
        await app.run(runner)
        XCTAssertTrue(app.errorLine.contains("Saved as \(folder.path)/bill (2).pdf"), app.errorLine)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("bill (2).pdf")), pdf)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("bill.pdf")), Data("mine".utf8), "never written over")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["bill (2).pdf", "bill.pdf"], "no partial file left")

        app.press("o")
        XCTAssertTrue(app.errorLine.contains("No display to open it on"), "without a display, o says so instead of failing")
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .adminUsers)
    }

    private func cellColours(_ app: Harness) -> Set<Color> {
        guard let frame = app.terminal.lastFrame else { return [] }
        return Set(frame.cells.filter { $0.text == "▀" }.flatMap { [$0.style.foreground, $0.style.background] })
    }
}
