import EaglehurstAPI
import EaglehurstServer
import Foundation
import XCTest

/// One version number: the contract's `info.version` is the release of both programs.
final class VersionTests: XCTestCase {
    func testTheProgramsVersionIsTheContractsVersion() throws {
        let root = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try String(contentsOf: root.appendingPathComponent("Sources/EaglehurstAPI/openapi.yaml"), encoding: .utf8)
        let version = try XCTUnwrap(Self.infoVersion(in: yaml), "no info.version in openapi.yaml")
        XCTAssertEqual(APIContract.version, version, "APIContract.version must be openapi.yaml's info.version")
        XCTAssertEqual(EaglehurstVersion.current, version)
        XCTAssertTrue(EaglehurstVersion.summary.hasPrefix("\(version) (API contract \(version)"), EaglehurstVersion.summary)
    }

    /// `version:` indented under the top-level `info:` block.
    static func infoVersion(in yaml: String) -> String? {
        var inInfo = false
        for line in yaml.components(separatedBy: "\n") {
            if !line.hasPrefix(" ") { inInfo = line.hasPrefix("info:") }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if inInfo, trimmed.hasPrefix("version:") {
                return trimmed.dropFirst("version:".count).trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
            }
        }
        return nil
    }
}
