import XCTest

// XCTest's assertions take synchronous autoclosures, so `XCTAssertEqual(try await f(), x)` does not
// compile. These take async ones and report at the caller's line.

public func XCTAssertEqualAsync<T: Equatable>(
    _ expression1: @autoclosure () async throws -> T, _ expression2: @autoclosure () async throws -> T,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) async {
    do {
        let (a, b) = (try await expression1(), try await expression2())
        XCTAssertEqual(a, b, message(), file: file, line: line)
    } catch {
        XCTFail("threw \(error) \(message())", file: file, line: line)
    }
}

public func XCTAssertTrueAsync(
    _ expression: @autoclosure () async throws -> Bool, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) async {
    do {
        let value = try await expression()
        XCTAssertTrue(value, message(), file: file, line: line)
    } catch {
        XCTFail("threw \(error) \(message())", file: file, line: line)
    }
}

public func XCTAssertNilAsync<T>(
    _ expression: @autoclosure () async throws -> T?, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) async {
    do {
        let value = try await expression()
        XCTAssertNil(value, message(), file: file, line: line)
    } catch {
        XCTFail("threw \(error) \(message())", file: file, line: line)
    }
}
