import Foundation
import XCTest

/// What every end-to-end test shares: a sandbox directory of its own (data, config, state), removed
/// afterwards, and typing into a terminal as a person would.
class EndToEndTestCase: XCTestCase {
    var sandbox: URL!

    override func setUpWithError() throws {
        sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: sandbox)
    }

    func type(_ tmux: TmuxSession, _ text: String) throws {
        try tmux.tmux(["send-keys", "-t", tmux.name, "-l", text])
    }

    func command(_ tmux: TmuxSession, _ name: String) throws {
        try tmux.keys(":")
        try type(tmux, name)
        try tmux.keys("Enter")
    }
}
