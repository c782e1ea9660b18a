import XCTest
final class EaglehurstClientTestsPlaceholder: XCTestCase { func testNothing() {} }
