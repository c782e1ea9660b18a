import XCTest
final class EaglehurstEndToEndTestsPlaceholder: XCTestCase { func testNothing() {} }
