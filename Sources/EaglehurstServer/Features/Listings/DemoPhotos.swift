import Fluent
import Foundation
import Vapor

/// Photos for the demo listings, drawn here (a practice front and a room inside, coloured by the
/// kind of business) and stored like uploads: the JPEG, its 320 px card and 1280 px view, approved.
enum DemoPhotos {
    static let listingsWithPhotos = 8

    /// Adds two photos to each of the first demo listings that have none. Idempotent.
    static func seed(on app: Application, sellerID: UUID) async throws {
        let listings = try await Listing.query(on: app.db).filter(\.$seller.$id == sellerID).filter(\.$status == .published)
            .sort(\.$publishedAt, .descending).limit(listingsWithPhotos).all()
        for (index, listing) in listings.enumerated() {
            let id = try listing.requireID()
            guard try await ListingMedia.query(on: app.db).filter(\.$listing.$id == id).count() == 0 else { continue }
            let hue = palette[(index + 3) % palette.count]
            let photos = [
                ("front.jpg", "The practice from the street", front(colour: palette[index % palette.count], seed: index)),
                ("inside.jpg", "Reception", inside(colour: hue, seed: index)),
            ]
            var keys: [FileKey] = []
            do {
                var rows: [ListingMedia] = []
                for (order, (name, caption, ppm)) in photos.enumerated() {
                    let original = try Images.thumbnail(of: ppm, maxWidth: 960, maxHeight: 960, quality: 85)
                    let card = try Images.thumbnail(of: original.jpeg, maxWidth: 320, maxHeight: 320)
                    let view = try Images.thumbnail(of: original.jpeg, maxWidth: 1280, maxHeight: 1280)
                    let key = FileKey.make(in: "listing-media"), cardKey = FileKey.make(in: "listing-media"), viewKey = FileKey.make(in: "listing-media")
                    try await app.fileStore.put(original.jpeg, at: key)
                    try await app.fileStore.put(card.jpeg, at: cardKey)
                    try await app.fileStore.put(view.jpeg, at: viewKey)
                    keys += [key, cardKey, viewKey]
                    let media = ListingMedia()
                    media.$listing.id = id
                    media.mediaType = "image"
                    media.fileName = name
                    media.contentType = "image/jpeg"
                    media.sizeBytes = Int64(original.jpeg.count)
                    media.storageKey = key.rawValue
                    media.cardKey = cardKey.rawValue
                    media.viewKey = viewKey.rawValue
                    media.width = original.width
                    media.height = original.height
                    media.caption = caption
                    media.displayOrder = order
                    media.isConfidential = false
                    media.reviewStatus = "approved"
                    rows.append(media)
                }
                let created = rows
                try await app.db.transaction { db in
                    for media in created { try await media.create(on: db) }
                }
            } catch {
                for key in keys { try? await app.fileStore.delete(key) }
                throw error
            }
        }
    }

    static let palette: [(UInt8, UInt8, UInt8)] = [
        (46, 125, 50), (21, 101, 192), (173, 20, 87), (239, 108, 0), (0, 131, 143), (94, 53, 177), (121, 85, 72), (198, 40, 40),
    ]

    static let width = 640, height = 426

    static func ppm(_ pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) -> Data {
        var bytes = [UInt8]("P6\n\(width) \(height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = pixel(x, y)
                bytes.append(r); bytes.append(g); bytes.append(b)
            }
        }
        return Data(bytes)
    }

    static func mix(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8), _ t: Double) -> (UInt8, UInt8, UInt8) {
        func c(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8(max(0, min(255, Double(x) + (Double(y) - Double(x)) * t))) }
        return (c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }

    /// A shop front: sky, a brick building with the practice's colour on its fascia, windows, a door.
    static func front(colour: (UInt8, UInt8, UInt8), seed: Int) -> Data {
        let ground = height * 5 / 6, roof = height / 5 + (seed % 3) * 8
        let left = width / 8 + (seed % 4) * 10, right = width * 7 / 8 - (seed % 3) * 12
        let fasciaTop = ground - height / 3, fasciaBottom = fasciaTop + height / 14
        return ppm { x, y in
            if y < roof || x < left || x >= right {
                return y < ground ? mix((120, 170, 230), (215, 230, 245), Double(y) / Double(ground)) : mix((90, 90, 95), (60, 60, 65), Double(y - ground) / Double(height - ground))
            }
            if y >= ground { return (70, 70, 75) }
            if y >= fasciaTop && y < fasciaBottom { return colour }
            let doorLeft = (left + right) / 2 - width / 20, doorRight = (left + right) / 2 + width / 20
            if y >= fasciaBottom && x >= doorLeft && x < doorRight { return mix(colour, (30, 30, 30), 0.6) }
            if y >= fasciaBottom + 8 && y < ground - 12 && ((x - left) % 90) > 12 && ((x - left) % 90) < 80 && !(x >= doorLeft - 10 && x < doorRight + 10) {
                return mix((170, 200, 220), (240, 245, 250), Double(y - fasciaBottom) / Double(ground - fasciaBottom))
            }
            if y < fasciaTop - 10 && ((x - left) % 70) > 15 && ((x - left) % 70) < 55 && ((y - roof) % 60) > 15 && ((y - roof) % 60) < 48 {
                return (200, 215, 230)
            }
            let brick = ((y / 8) % 2 == 0 ? x : x + 12) % 24 == 0 || y % 8 == 0
            return brick ? (150, 120, 105) : (168, 78, 58)
        }
    }

    /// A room inside: a wall in a light tint of the colour, a floor, a counter and a window.
    static func inside(colour: (UInt8, UInt8, UInt8), seed: Int) -> Data {
        let floor = height * 2 / 3, counterTop = floor - height / 6
        let wall = mix(colour, (245, 245, 240), 0.8)
        return ppm { x, y in
            if y >= floor { return ((x / 40 + y / 40) % 2 == 0) ? (200, 190, 175) : (185, 175, 160) }
            if y >= counterTop && x > width / 10 && x < width / 2 + (seed % 3) * 20 { return y < counterTop + 8 ? (240, 240, 240) : colour }
            if x > width * 3 / 5 && x < width * 9 / 10 && y > height / 8 && y < height / 2 {
                return mix((150, 200, 240), (230, 240, 250), Double(y - height / 8) / Double(height / 2))
            }
            return wall
        }
    }
}
