@testable import EaglehurstTUI
import EaglehurstAPI
import XCTest

/// Register, verify, forgot and reset password: inline checks by the shared rules, and what the
/// server's answers look like beside the fields.
final class AccountFormsTests: XCTestCase {
    func registrationForm() -> Harness {
        var app = Harness()
        app.press("s<f2>")
        XCTAssertEqual(app.state.screen, .register)
        app.effects = []
        return app
    }

    func testRegistrationChecksEveryFieldWithTheSharedRules() {
        var app = registrationForm()
        XCTAssertNotNil(app.line(containing: "Create an account on 127.0.0.1:8080"))
        XCTAssertNotNil(app.line(containing: "(•) buyer  ( ) seller"))
        app.press("<enter>")
        XCTAssertEqual(app.errorLine, " Please fix the marked fields.")
        XCTAssertEqual(app.effects, [])
        XCTAssertEqual(app.line(containing: "email is"), "              email is required")
        XCTAssertEqual(app.state.registration.problem(at: 1), "password must be at least 8 characters; must contain a lower-case letter; must contain an upper-case letter; must contain a digit")
        XCTAssertTrue(app.line(containing: "password must")?.hasPrefix("              password must be at least 8 characters; must contain a lower-case") == true, "cut at the edge")
        XCTAssertEqual(app.line(containing: "first name"), "              first name is required")
        XCTAssertEqual(app.line(containing: "last name"), "              last name is required")
        XCTAssertEqual(app.line(containing: "optional, e.g."), "              optional, e.g. +447700900123", "an empty phone is fine")

        app.press("ann@example<tab>secret1<tab>")
        XCTAssertEqual(app.line(containing: "email must"), "              email must be an email address like name@example.com")
        XCTAssertEqual(app.state.registration.problem(at: 1), "password must be at least 8 characters; must contain an upper-case letter")
        XCTAssertFalse(app.text.contains("secret1"), "the password is masked")
        app.press(String(repeating: "x", count: 51) + "<tab>Smith<tab>12ab<tab>")
        XCTAssertEqual(app.line(containing: "first name"), "              first name must be at most 50 characters")
        XCTAssertEqual(app.line(containing: "phone must"), "              phone must be 9 to 15 digits, optionally starting with +")
        XCTAssertEqual(Validation.phone("12ab"), ["must be 9 to 15 digits, optionally starting with +"], "the same words as the server's rule")

        // The choice moves with ←/→ or a letter; it never complains.
        XCTAssertEqual(app.state.registration.focusedField.name, "user_type")
        app.press("<right>")
        XCTAssertNotNil(app.line(containing: "( ) buyer  (•) seller"))
        app.press("b")
        XCTAssertEqual(app.state.registration["user_type"].value, "buyer")
        app.press("s")
        XCTAssertEqual(app.state.registration["user_type"].value, "seller", "letters choose rather than command")
        XCTAssertFalse(app.state.isQuitting)
    }

    func testAValidRegistrationIsSentAsTheContractSaysAndThenSignsIn() {
        var app = registrationForm()
        app.press("ann@example.com<tab>Secret-pass1<tab>Ann<tab>Jones<tab>+447700900123<tab><right><enter>")
        XCTAssertEqual(app.effects, [.account(.register(.init(email: "ann@example.com", password: "Secret-pass1", userType: .seller, firstName: "Ann", lastName: "Jones", phone: "+447700900123")))])
        XCTAssertNotNil(app.line(containing: "Creating your account…"))
        app.effects = []
        app.press("<enter>")
        XCTAssertEqual(app.effects, [], "one submission at a time")

        app.send(.account(.registered(.success(Fixture.account(Fixture.userJSON(email: "ann@example.com", type: "seller", verified: false))))))
        XCTAssertEqual(app.effects, [.account(.signIn(email: "ann@example.com", password: "Secret-pass1"))], "registration gives no tokens: sign in with the same password")
        XCTAssertEqual(app.state.registration["password"].value, "", "the password is not kept in the form")
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertEqual(app.errorLine, " Account created for ann@example.com. Signing in…")

        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(email: "ann@example.com", type: "seller", verified: false)))))))
        XCTAssertEqual(app.state.screen, .verify, "an unverified account is asked for its code")
        XCTAssertEqual(app.state.verification["email"].value, "ann@example.com")
        XCTAssertEqual(app.state.verification.focusedField.name, "otp_code")
        XCTAssertTrue(app.errorLine.hasPrefix(" Enter the 6-digit code we mailed to ann@example.com (<c-r> mails"), app.errorLine)
        XCTAssertTrue(app.statusBar.contains("ann@example.com (seller)"))
    }

    func testServerValidationErrorsLandBesideTheirFields() async throws {
        let errors = ["password": ["must contain a digit"], "first_name": ["is required"], "referral": ["is not a field we know"]]
        let runner = try await makeRunner(["authRegister": .json(status: 422, body: StubTransport.problem(422, "Unprocessable Content", detail: "Some fields are invalid.", errors: errors))])
        var app = registrationForm()
        app.press("ann@example.com<tab>Secret-pass1<tab>Ann<tab>Jones<enter>")
        await app.run(runner)
        XCTAssertEqual(app.line(containing: "password must"), "              password must contain a digit")
        XCTAssertEqual(app.line(containing: "first name is"), "              first name is required")
        XCTAssertEqual(app.errorLine, " Please fix the marked fields. referral is not a field we know", "errors no field owns go to the error line")
        XCTAssertEqual(app.state.registration.focusedField.name, "password", "the first field in the form with a problem gets the focus")
        XCTAssertEqual(app.state.registration["password"].value, "", "a failed registration clears the password")

        app.press("x")
        XCTAssertNil(app.line(containing: "password must contain a digit"), "editing a field clears what the server said about it")
        XCTAssertNotNil(app.line(containing: "first name is required"), "the other fields keep theirs")
    }

    func testATakenEmailIsShownOnTheEmailField() async throws {
        let runner = try await makeRunner(["authRegister": .json(status: 409, body: StubTransport.problem(409, "Conflict", detail: "An account with this email already exists."))])
        var app = registrationForm()
        app.press("bob@example.com<tab>Secret-pass1<tab>Bob<tab>Smith<enter>")
        await app.run(runner)
        XCTAssertEqual(app.line(containing: "email is"), "              email is already registered")
        XCTAssertEqual(app.errorLine, " An account with this email exists: sign in, or use another address.")
        XCTAssertEqual(app.state.registration.focus, 0)
        XCTAssertEqual(app.state.screen, .register)
    }

    // MARK: verification

    func verifyScreen(signedIn: Bool = true) -> Harness {
        var app = Harness()
        if signedIn {
            app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(verified: false)))))))
        } else {
            app.press(":verify<enter>")
        }
        XCTAssertEqual(app.state.screen, .verify)
        app.effects = []
        return app
    }

    func testTheCodeMustBeSixDigits() {
        var app = verifyScreen()
        app.press("12a45<enter>")
        XCTAssertEqual(app.line(containing: "code must"), "              code must be the 6-digit code from the mail")
        XCTAssertEqual(app.effects, [])
        app.press("<bs><bs><bs>3456<enter>")
        XCTAssertEqual(app.effects, [.account(.verifyEmail(email: "bob@example.com", code: "123456"))])
        XCTAssertNotNil(app.line(containing: "Checking the code…"))
    }

    func testAWrongCodeAndAVerifiedOne() async throws {
        let wrong = try await makeRunner(["authVerifyEmail": .json(status: 400, body: StubTransport.problem(400, "Bad Request", detail: "The code is wrong or expired."))])
        var app = verifyScreen()
        app.press("111111<enter>")
        await app.run(wrong)
        XCTAssertEqual(app.errorLine, " Verification failed: Bad Request: The code is wrong or expired. (HTTP 400)")
        XCTAssertEqual(app.state.screen, .verify)

        let right = try await makeRunner(StubTransport(answers: Fixture.profileAnswers().merging(["authVerifyEmail": .json(status: 200, body: Fixture.userJSON())]) { a, _ in a }), session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref")).0
        app.press("<c-u>123456<enter>")
        await app.run(right)
        XCTAssertEqual(app.state.screen, .profile)
        XCTAssertEqual(app.errorLine, " Email verified. Welcome, Bob Smith.")
        XCTAssertNotNil(app.line(containing: "bob@example.com  ✓ verified"))
    }

    func testVerifyingWithoutASessionLeadsToSignIn() {
        var app = verifyScreen(signedIn: false)
        app.press("bob@example.com<tab>123456<enter>")
        XCTAssertEqual(app.effects, [.account(.verifyEmail(email: "bob@example.com", code: "123456"))])
        app.send(.account(.emailVerified(.success(Fixture.account()))))
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertEqual(app.state.signIn["email"].value, "bob@example.com")
        XCTAssertEqual(app.errorLine, " Email verified. Sign in with your password.")
    }

    func testResendShowsTheServersAnswerAndItsRateLimit() async throws {
        let limited = try await makeRunner(["authResendOtp": .json(
            status: 429, body: StubTransport.problem(429, "Too Many Requests", detail: "Wait before asking again."),
            headers: ["Retry-After": "45"])])
        var app = verifyScreen()
        XCTAssertNotNil(app.line(containing: "No mail? <c-r> sends a new code."))
        app.press("<c-r>")
        XCTAssertEqual(app.effects, [.account(.resendCode(email: "bob@example.com"))])
        XCTAssertNotNil(app.line(containing: "Asking for a new code…"))
        await app.run(limited)
        XCTAssertEqual(app.errorLine, " No new code: Too Many Requests: Wait before asking again. (HTTP 429); try again")
        XCTAssertEqual(app.state.message?.text, "No new code: Too Many Requests: Wait before asking again. (HTTP 429); try again in 45 s", "Retry-After is read from the answer's header")

        let sent = try await makeRunner(["authResendOtp": .json(status: 200, body: #"{"message":"A new code is on its way to bob@example.com."}"#)])
        app.press("<c-r>")
        await app.run(sent)
        XCTAssertEqual(app.errorLine, " A new code is on its way to bob@example.com.")
    }

    // MARK: forgot and reset password

    func testForgotPasswordThenResetWithTheToken() async throws {
        var app = Harness()
        app.press("s")
        app.press("bob@example.com<f3>")
        XCTAssertEqual(app.state.screen, .forgotPassword)
        XCTAssertEqual(app.state.forgotPassword["email"].value, "bob@example.com", "the address typed for sign-in carries over")
        app.effects = []
        let sentence = "If an account exists for bob@example.com, we sent a reset token."
        let runner = try await makeRunner([
            "authForgotPassword": .json(status: 200, body: #"{"message":"\#(sentence)"}"#),
            "authResetPassword": .empty(status: 204),
        ])
        app.press("<enter>")
        XCTAssertEqual(app.effects, [.account(.forgotPassword(email: "bob@example.com"))])
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .resetPassword)
        XCTAssertEqual(app.errorLine, " \(sentence)")

        app.press("<enter>")
        XCTAssertEqual(app.line(containing: "reset token is"), "                reset token is required")
        app.press("tok-123<tab>short<enter>")
        XCTAssertEqual(app.state.resetPassword.problem(at: 1), "new password must be at least 8 characters; must contain an upper-case letter; must contain a digit")
        app.press("<c-u>Better-pass9<enter>")
        XCTAssertEqual(app.effects, [.account(.resetPassword(token: "tok-123", newPassword: "Better-pass9"))])
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertEqual(app.state.signIn["email"].value, "bob@example.com")
        XCTAssertEqual(app.errorLine, " Password changed. Sign in with the new password.")
    }

    func testABadResetTokenIsShown() async throws {
        let runner = try await makeRunner(["authResetPassword": .json(status: 422, body: StubTransport.problem(422, "Unprocessable Content", errors: ["token": ["is invalid or expired"]]))])
        var app = Harness()
        app.press(":reset-password<enter>")
        app.effects = []
        app.press("nope<tab>Better-pass9<enter>")
        await app.run(runner)
        XCTAssertEqual(app.line(containing: "reset token is invalid"), "                reset token is invalid or expired")
        XCTAssertEqual(app.state.resetPassword["new_password"].value, "", "the password is not kept after a failed try")
    }

    func testForgotPasswordHasAWayToTheTokenForm() {
        var app = Harness()
        app.press(":forgot-password<enter>")
        XCTAssertNotNil(app.line(containing: "Already have a token? <f2>"))
        app.press("<f2>")
        XCTAssertEqual(app.state.screen, .resetPassword)
        app.press("<esc>")
        XCTAssertEqual(app.state.screen, .signin)
    }

    // MARK: commands, help and the footer

    func testAccountCommandsAndWhereTheyLead() {
        var app = Harness()
        app.press(":profile<enter>")
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertEqual(app.errorLine, " Sign in to see your profile.")
        app.press("<esc>:register<enter>")
        XCTAssertEqual(app.state.screen, .register)
        app.press("<esc>")
        XCTAssertEqual(app.state.screen, .signin)
        app.press("<esc>:signin<enter>")
        XCTAssertEqual(app.state.screen, .signin)

        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        app.press(":profile<enter>")
        app.send(.profile(.profileLoaded(.success(ProfileData(account: Fixture.account())))))
        app.effects = []
        app.press(":register<enter>")
        XCTAssertEqual(app.state.screen, .profile)
        XCTAssertEqual(app.errorLine, " You are signed in as bob@example.com; :signout first to use another account.")
        app.press(":status<enter>s")
        XCTAssertEqual(app.state.screen, .profile, "s on the status screen leads a signed-in user to the profile")
        XCTAssertEqual(app.effects, [.profile(.loadProfile)], "the profile is loaded each time it is shown")
    }

    func testHelpListsTheAccountBindingsFromTheTable() {
        var app = Harness()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        app.press(":profile<enter>")
        app.press("?")
        guard case .help(let help) = app.state.overlay else { return XCTFail("help is open") }
        let texts = help.rows.map(\.text)
        // A long description goes on over the rows that follow it, which have no keys of their own.
        var listed: [(keys: String, text: String)] = []
        for row in help.rows where row.kind == .binding {
            if row.keys.isEmpty, let last = listed.popLast() { listed.append((last.keys, last.text + " " + row.text)) } else { listed.append((row.keys, row.text)) }
        }
        for context in [Context.signin, .register, .verify, .forgotPassword, .resetPassword, .profile, .profileEdit] {
            XCTAssertTrue(texts.contains(context.title), "help has a section for \(context.title)")
            for binding in app.state.bindings.bindings(in: context) {
                XCTAssertTrue(listed.contains { $0.text == binding.description && !$0.keys.isEmpty && $0.keys != "(none)" }, "\(context.rawValue).\(binding.action.rawValue) is listed with its keys")
            }
        }
        XCTAssertEqual(texts.first, "Profile", "the live screen's keys come first")
        XCTAssertEqual(help.rows[1].keys, "e")
        XCTAssertTrue(app.state.bindings.markdown().contains("| `o` | `sign_out` | sign out |"))
    }

    func testFootersOfTheNewScreens() {
        var app = Harness()
        app.press(":register<enter>")
        XCTAssertEqual(app.hints, " <tab> next field  <enter> create  <esc> back  <f1> help  <c-c> quit")
        app.press("<esc><esc>:verify<enter>")
        XCTAssertEqual(app.hints, " <tab> next field  <enter> verify  <esc> back  <f1> help  <c-c> quit", "the screen itself says which key mails a new code")
        app.press("<esc>")
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        app.press(":profile<enter>")
        XCTAssertEqual(app.hints, " e edit  b buyer/seller  a avatar  k KYC  o sign out  ? help  : command  q quit")
    }
}
