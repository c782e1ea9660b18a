import Foundation

/// The Python that runs the tests' Python peers (aiosmtpd, moto): `EAGLEHURST_TEST_PYTHON`, which
/// `scripts/test` sets to `.venv-test/bin/python`, or else that virtual environment of this checkout
/// when it exists — never a `python3` that merely happens to be first on PATH. `./scripts/setup --test`
/// makes the environment from `scripts/requirements-test.txt`.
public enum TestPython {
    public static func path() throws -> String {
        if let named = ProcessInfo.processInfo.environment["EAGLEHURST_TEST_PYTHON"], !named.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: named) else {
                throw TestSupportError("EAGLEHURST_TEST_PYTHON is \(named), which is not an executable: run ./scripts/setup --test")
            }
            return named
        }
        let checkout = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = checkout.appendingPathComponent(".venv-test/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw TestSupportError(
                "no test Python: run ./scripts/setup --test (it makes \(venv) with the Python test tools), or set EAGLEHURST_TEST_PYTHON")
        }
        return venv
    }

    /// One line naming the fix when `module` is missing from the test Python.
    static func missing(_ module: String, python: String) -> TestSupportError {
        TestSupportError("\(module) is not installed for \(python): run ./scripts/setup --test (scripts/requirements-test.txt)")
    }
}
