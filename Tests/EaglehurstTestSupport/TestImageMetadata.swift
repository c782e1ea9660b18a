import EaglehurstServer
import Foundation

/// Pictures that lie or tell too much, made at test time from real ones: a header declaring a huge
/// size, and a phone-like JPEG carrying where it was taken (EXIF GPS, camera make, XMP, IPTC);
/// and GIF and WebP pictures.
extension TestImages {
    /// The camera make written into `jpegWithLocation`: a string no encoder would produce.
    public static let cameraMake = "EaglehurstTestCam"

    /// A real PNG or JPEG (made by libvips) whose header is rewritten to declare `width` × `height`:
    /// the PNG's IHDR (its CRC fixed), the JPEG's start-of-frame. The pixel data stays that of the
    /// small image, so only a decoder that trusts the header would spend long on it.
    public static func declaringSize(_ image: Data, width: Int, height: Int) throws -> Data {
        var bytes = [UInt8](image)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), …, CRC over type and data.
            guard bytes.count > 33, Array(bytes[12..<16]) == Array("IHDR".utf8) else { throw TestSupportError("no IHDR") }
            bytes.replaceSubrange(16..<20, with: bigEndian(UInt32(width)))
            bytes.replaceSubrange(20..<24, with: bigEndian(UInt32(height)))
            bytes.replaceSubrange(29..<33, with: bigEndian(crc32(bytes[12..<29])))
            return Data(bytes)
        }
        let frame = try segments(ofJPEG: image).first { (0xC0...0xC2).contains($0.marker) }
        guard let frame else { throw TestSupportError("no start-of-frame segment") }
        // After the marker and length: precision (1), height (2), width (2).
        let at = frame.offset + 4
        bytes.replaceSubrange((at + 1)..<(at + 3), with: bigEndian(UInt16(height)))
        bytes.replaceSubrange((at + 3)..<(at + 5), with: bigEndian(UInt16(width)))
        return Data(bytes)
    }

    /// `jpeg(width:height:)` (red top half, blue bottom half as stored) carrying what a phone's
    /// photo carries: an EXIF block with the camera make, `orientation` and a GPS position
    /// (51° 32′ 12.34″ N, 0° 8′ 50″ W), an XMP packet with the same, and IPTC with a city.
    public static func jpegWithLocation(width: Int, height: Int, orientation: Int) throws -> Data {
        let plain = try jpeg(width: width, height: height)
        let bytes = [UInt8](plain)
        let parts = try segments(ofJPEG: plain)
        guard let scan = parts.last, scan.marker == 0xDA else { throw TestSupportError("no start of scan") }
        // SOI, JFIF, the phone's metadata, then the encoder's segments but its own metadata, the scan.
        var out: [UInt8] = [0xFF, 0xD8]
        for part in parts where part.marker == 0xE0 { out += bytes[part.offset..<part.end] }
        out += segment(0xE1, Data("Exif\0\0".utf8) + exif(orientation: orientation))
        out += segment(0xE1, Data("http://ns.adobe.com/xap/1.0/\0".utf8) + Data(xmp.utf8))
        out += segment(0xED, iptc)
        for part in parts where !(0xE0...0xEF).contains(part.marker) { out += bytes[part.offset..<part.end] }
        out += bytes[scan.end...]
        return Data(out)
    }

    /// A one-colour GIF, as libvips writes it.
    public static func gif(width: Int, height: Int) throws -> Data {
        try Images.encode(rgb: [UInt8](repeating: 200, count: width * height * 3), width: width, height: height, as: .gif)
    }

    /// A one-colour WebP, as libvips writes it.
    public static func webp(width: Int, height: Int) throws -> Data {
        try Images.encode(rgb: [UInt8](repeating: 90, count: width * height * 3), width: width, height: height, as: .webp)
    }

    public struct JPEGSegment: Sendable {
        public var marker: UInt8
        /// Where the segment's 0xFF starts, and where the segment ends.
        public var offset: Int
        public var end: Int
        public var payload: Data
    }

    /// The segments of a JPEG from its start to the start of scan (metadata lives there).
    public static func segments(ofJPEG jpeg: Data) throws -> [JPEGSegment] {
        let bytes = [UInt8](jpeg)
        guard bytes.starts(with: [0xFF, 0xD8]) else { throw TestSupportError("not a JPEG") }
        var found: [JPEGSegment] = []
        var at = 2
        while at + 4 <= bytes.count, bytes[at] == 0xFF {
            let marker = bytes[at + 1]
            let length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let end = at + 2 + length
            guard end <= bytes.count else { throw TestSupportError("a JPEG segment runs past the end") }
            found.append(JPEGSegment(marker: marker, offset: at, end: end, payload: Data(bytes[(at + 4)..<end])))
            if marker == 0xDA { break }
            at = end
        }
        return found
    }

    /// The size the JPEG's pixels are stored at (its start-of-frame), with no orientation applied.
    public static func storedSize(ofJPEG jpeg: Data) throws -> (width: Int, height: Int) {
        guard let frame = try segments(ofJPEG: jpeg).first(where: { (0xC0...0xC2).contains($0.marker) }) else {
            throw TestSupportError("no start-of-frame segment")
        }
        let p = [UInt8](frame.payload)
        return (Int(p[3]) << 8 | Int(p[4]), Int(p[1]) << 8 | Int(p[2]))
    }

    // MARK: building the metadata

    private static func segment(_ marker: UInt8, _ payload: Data) -> [UInt8] {
        [0xFF, marker] + bigEndian(UInt16(payload.count + 2)) + [UInt8](payload)
    }

    /// A big-endian TIFF structure: IFD0 (Make, Orientation, the GPS IFD's offset) and a GPS IFD
    /// (latitude and longitude with their references).
    private static func exif(orientation: Int) -> Data {
        enum Value { case ascii(String), short(UInt16), long(UInt32), rationals([(UInt32, UInt32)]) }
        typealias Entry = (tag: UInt16, value: Value)
        func size(_ entries: [Entry]) -> Int { 2 + entries.count * 12 + 4 }
        let gps: [Entry] = [
            (0x0001, .ascii("N")), (0x0002, .rationals([(51, 1), (32, 1), (1234, 100)])),
            (0x0003, .ascii("W")), (0x0004, .rationals([(0, 1), (8, 1), (50, 1)])),
        ]
        let ifd0Offset = 8
        let gpsOffset = ifd0Offset + size([(0, .short(0)), (0, .short(0)), (0, .short(0))])
        let ifd0: [Entry] = [(0x010F, .ascii(cameraMake)), (0x0112, .short(UInt16(orientation))), (0x8825, .long(UInt32(gpsOffset)))]
        var dataOffset = gpsOffset + size(gps)
        var data: [UInt8] = []
        func ifd(_ entries: [Entry]) -> [UInt8] {
            var out = bigEndian(UInt16(entries.count))
            for (tag, value) in entries {
                out += bigEndian(tag)
                switch value {
                case .ascii(let text):
                    let bytes = Array(text.utf8) + [0]
                    out += bigEndian(UInt16(2)) + bigEndian(UInt32(bytes.count))
                    if bytes.count <= 4 {
                        out += bytes + [UInt8](repeating: 0, count: 4 - bytes.count)
                    } else {
                        out += bigEndian(UInt32(dataOffset))
                        data += bytes
                        dataOffset += bytes.count
                    }
                case .short(let number):
                    out += bigEndian(UInt16(3)) + bigEndian(UInt32(1)) + bigEndian(number) + [0, 0]
                case .long(let number):
                    out += bigEndian(UInt16(4)) + bigEndian(UInt32(1)) + bigEndian(number)
                case .rationals(let numbers):
                    out += bigEndian(UInt16(5)) + bigEndian(UInt32(numbers.count)) + bigEndian(UInt32(dataOffset))
                    for (numerator, denominator) in numbers { data += bigEndian(numerator) + bigEndian(denominator) }
                    dataOffset += numbers.count * 8
                }
            }
            return out + bigEndian(UInt32(0))
        }
        let header: [UInt8] = Array("MM".utf8) + bigEndian(UInt16(42)) + bigEndian(UInt32(ifd0Offset))
        let tiff = header + ifd(ifd0) + ifd(gps) + data
        return Data(tiff)
    }

    private static let xmp = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
        <rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" \
        tiff:Make="\(cameraMake)" exif:GPSLatitude="51,32.2057N" exif:GPSLongitude="0,8.8333W"/>\
        </rdf:RDF></x:xmpmeta>
        """

    /// A Photoshop APP13 block holding one IPTC record: city (2:90) "Camden".
    private static var iptc: Data {
        let city = Array("Camden".utf8)
        var record: [UInt8] = [0x1C, 0x02, 90] + bigEndian(UInt16(city.count)) + city
        if record.count % 2 == 1 { record.append(0) }
        let resource: [UInt8] = Array("8BIM".utf8) + bigEndian(UInt16(0x0404)) + [0, 0] + bigEndian(UInt32(record.count)) + record
        return Data("Photoshop 3.0\0".utf8) + Data(resource)
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    private static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
