@testable import EaglehurstTUI
import Foundation
import XCTest

/// The themes and keymaps are compiled into the binary (so an installed `eaglehurst` finds them
/// anywhere); this proves the compiled copy is the files on disk, and regenerates it on request.
final class ShippedFilesTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generatedFile = repository.appendingPathComponent("Sources/EaglehurstTUI/Config/ShippedFiles.swift")

    static func filesOnDisk(_ folder: String) throws -> [String: String] {
        let directory = repository.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toml") }
        return try Dictionary(uniqueKeysWithValues: names.map { name in
            (String(name.dropLast(".toml".count)), try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        })
    }

    static func generatedSource() throws -> String {
        func dictionary(_ files: [String: String]) -> String {
            let entries = files.keys.sorted().map { name in
                "        \"\(name)\": #\"\"\"\n\(files[name]!)\n\"\"\"#,"
            }
            return "[\n" + entries.joined(separator: "\n") + "\n    ]"
        }
        return """
        // Generated: do not edit. ShippedFilesTests fails when this differs from themes/ and keymaps/;
        // regenerate with `EAGLEHURST_REGENERATE=1 swift test --filter ShippedFilesTests`.
        enum ShippedFiles {
            static let themes: [String: String] = \(dictionary(try filesOnDisk("themes")))
            static let keymaps: [String: String] = \(dictionary(try filesOnDisk("keymaps")))
        }

        """
    }

    func testEmbeddedCopiesMatchTheFilesOnDisk() throws {
        let expected = try Self.generatedSource()
        if ProcessInfo.processInfo.environment["EAGLEHURST_REGENERATE"] == "1" {
            try expected.write(to: Self.generatedFile, atomically: true, encoding: .utf8)
        }
        let hint = "the compiled copy differs from the file; run EAGLEHURST_REGENERATE=1 swift test --filter ShippedFilesTests"
        for (folder, compiled) in [("themes", ShippedFiles.themes), ("keymaps", ShippedFiles.keymaps)] {
            let onDisk = try Self.filesOnDisk(folder)
            XCTAssertEqual(Set(compiled.keys), Set(onDisk.keys), "\(folder): \(hint)")
            for (name, text) in onDisk {
                XCTAssertTrue(compiled[name] == text, "\(folder)/\(name).toml: \(hint)")
            }
        }
        XCTAssertTrue(try String(contentsOf: Self.generatedFile, encoding: .utf8) == expected, "ShippedFiles.swift: \(hint)")
    }

    func testShippedThemesAndKeymapsLoadWithoutProblems() {
        let files = ConfigFiles(configDirectory: nil)
        for name in ["dark", "light", "high-contrast"] {
            let loaded = files.loadTheme(named: name)
            XCTAssertNil(loaded.problem, name)
            XCTAssertEqual(loaded.theme.name, name)
        }
        for name in ["default", "vim"] {
            XCTAssertNil(files.loadBindings(keymapNamed: name).problem, name)
        }
    }

    func testDefaultKeymapGivesEveryActionAKey() {
        let table = ConfigFiles(configDirectory: nil).loadBindings(keymapNamed: "default").bindings
        for binding in table.bindings {
            XCTAssertFalse(binding.keys.isEmpty, "\(binding.context.rawValue).\(binding.action.rawValue) has no key")
        }
        XCTAssertEqual(table.bindings.count, BindingTable.specs.count)
    }
}
