import Foundation

extension Form {
    /// A failed submit: a 422's field errors go beside their fields, anything else on the message line.
    mutating func showFailure(_ failure: RequestFailure, doing what: String, shell: inout Shell) {
        guard case .problem(let problem) = failure, !problem.fieldErrors.isEmpty else {
            shell.message = .error("\(what) failed: \(failure.summary)")
            return
        }
        let unplaced = applyServerErrors(problem.fieldErrors)
        shell.message = .error((["Please fix the marked fields."] + unplaced).joined(separator: " "))
    }
}
