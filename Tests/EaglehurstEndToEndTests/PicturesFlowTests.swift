import Foundation
import XCTest

/// Listing photos in a real terminal (tmux, so half blocks) on the embedded demo server: its seed
/// draws two photos for each of the newest listings and stores them with their thumbnails, so the
/// photo beside a listing and the gallery go through signed URLs, the file route and libvips.
final class PicturesFlowTests: EndToEndTestCase {
    func testABuyerSeesAListingsPhotoAndStepsThroughTheGallery() throws {
        let tmux = try startDemo()

        // Browsing needs no account: the newest listing has photos.
        try command(tmux, "listings")
        try tmux.waitFor(timeout: 30, "the listings") { $0.contains("Listings") && $0.contains("£") }
        try tmux.keys("Enter")
        let detail = try tmux.waitFor(timeout: 30, "the listing with its photo beside it") {
            $0.contains("Asking price") && $0.contains("photo 1 of 2 · m: all photos") && $0.contains("▀")
        }
        XCTAssertTrue(detail.contains("front.jpg"), detail)
        let blocks = detail.filter { $0 == "▀" }.count
        XCTAssertGreaterThan(blocks, 200, "the card fills its box in half blocks:\n\(detail)")

        try tmux.keys("m")
        try tmux.waitFor(timeout: 30, "the gallery on the first photo") {
            $0.contains("photo 1 of 2") && $0.contains("The practice from the street · front.jpg") && $0.filter { $0 == "▀" }.count > 1000
        }
        try tmux.keys("Tab")
        try tmux.waitFor(timeout: 30, "the second photo") {
            $0.contains("photo 2 of 2") && $0.contains("Reception · inside.jpg") && $0.filter { $0 == "▀" }.count > 1000
        }
        try tmux.keys("Escape")
        try tmux.waitFor(timeout: 10, "back on the listing") { $0.contains("Asking price") && !$0.contains("photo 2 of 2") }

        try tmux.keys("q")
        try tmux.waitFor(timeout: 20, "the shell after quitting") { $0.contains("exit=0") }
    }
}
