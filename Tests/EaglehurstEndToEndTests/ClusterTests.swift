import EaglehurstTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// Three servers on one PostgreSQL behind Debian's nginx, started by `scripts/cluster`: sign-up,
/// listing approval, a conversation and a suspension, each step through nginx or through a chosen
/// server, and every server sees what the others did.
final class ClusterTests: EndToEndTestCase {
    struct Answer {
        var status: Int
        var json: [String: Any]
        var upstream: String?
    }

    /// One HTTP call; `X-Upstream` (set by nginx) says which server answered.
    func call(_ base: String, _ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 20
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Answer(status: http?.statusCode ?? 0, json: json, upstream: http?.value(forHTTPHeaderField: "X-Upstream"))
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testSignUpApprovalConversationAndSuspensionAcrossThreeServersBehindNginx() async throws {
        guard let adminURL = ProcessInfo.processInfo.environment["EAGLEHURST_TEST_POSTGRES_URL"], !adminURL.isEmpty else {
            // scripts/test always provides one; CI fails rather than skips without it.
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("EAGLEHURST_TEST_POSTGRES_URL is not set") }
            return
        }
        let name = "cluster_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = String(adminURL.split(separator: "?").first ?? Substring(adminURL))
        let (created, createdText) = try ChildProcess.run(["psql", "-X", "-q", admin, "-c", "CREATE DATABASE \(name)"])
        XCTAssertEqual(created, 0, createdText)
        let databaseURL = adminURL.replacingOccurrences(of: "/postgres?", with: "/\(name)?")

        let script = Self.repositoryRoot.appendingPathComponent("scripts/cluster").path
        let dir = sandbox.appendingPathComponent("cluster").path
        let server = try BuiltProducts.path("eaglehurst-server")
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["BCRYPT_COST"] = "4"
        let (started, startText) = try ChildProcess.run(
            ["bash", script, "start", "-n", "3", "--port", "\(try freePort())", "--dir", dir, "--server", server], environment: environment)
        defer { _ = try? ChildProcess.run(["bash", script, "stop", "--dir", dir]) }
        XCTAssertEqual(started, 0, startText)
        guard started == 0 else { return }
        let nginx = try String(contentsOfFile: "\(dir)/url", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let servers = try String(contentsOfFile: "\(dir)/servers", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(servers.count, 3)

        // The admin is made by the command line, on the shared database.
        var serverEnvironment = environment
        for line in try String(contentsOfFile: "\(dir)/env", encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { serverEnvironment[parts[0]] = parts[1] }
        }
        let (made, madeText) = try ChildProcess.run(
            [server, "create-admin", "--email", "admin@cluster.test", "--password-stdin"], environment: serverEnvironment, stdin: "AdminPassw0rd\n")
        XCTAssertEqual(made, 0, madeText)

        var upstreams: Set<String> = []
        func viaNginx(_ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil) async throws -> Answer {
            let answer = try await call(nginx, method, path, token: token, body: body)
            if let upstream = answer.upstream { upstreams.insert(upstream) }
            return answer
        }

        // Sign-up through nginx; the verification mail is sent by whichever server's worker claims it.
        for (email, type) in [("seller@cluster.test", "seller"), ("buyer@cluster.test", "buyer")] {
            let registered = try await viaNginx("POST", "/auth/register", body: [
                "email": email, "password": "Passw0rdX1", "user_type": type, "first_name": "Sam", "last_name": type.capitalized,
            ])
            XCTAssertEqual(registered.status, 201, "\(registered.json)")
            let code = try await verificationCode(to: email, outbox: "\(dir)/data/outbox")
            let verified = try await viaNginx("POST", "/auth/verify-email", body: ["email": email, "otp_code": code])
            XCTAssertEqual(verified.status, 200, "\(verified.json)")
        }
        func signIn(_ email: String, _ password: String, on base: String) async throws -> String {
            let answer = try await call(base, "POST", "/auth/login", body: ["email": email, "password": password])
            XCTAssertEqual(answer.status, 200, "\(answer.json)")
            return try XCTUnwrap(answer.json["access_token"] as? String)
        }
        let seller = try await signIn("seller@cluster.test", "Passw0rdX1", on: servers[0])
        let buyer = try await signIn("buyer@cluster.test", "Passw0rdX1", on: servers[1])
        let adminToken = try await signIn("admin@cluster.test", "AdminPassw0rd", on: servers[2])

        // A listing written on server 1, submitted on server 2, approved on server 3, found through nginx.
        let draft = try await call(servers[0], "POST", "/listings", token: seller, body: [
            "title": "Clustered pharmacy in Harrogate", "description": "A busy community pharmacy with a loyal repeat-prescription base.",
            "business_type": "pharmacy", "location": "Harrogate", "region": "Yorkshire", "asking_price": 650_000, "status": "draft",
        ])
        XCTAssertEqual(draft.status, 201, "\(draft.json)")
        let listing = try XCTUnwrap(draft.json["id"] as? String)
        let submitted = try await call(servers[1], "PUT", "/listings/\(listing)", token: seller, body: ["status": "pending_approval"])
        XCTAssertEqual(submitted.status, 200, "\(submitted.json)")
        let approved = try await call(servers[2], "PUT", "/admin/listings/\(listing)/approve", token: adminToken)
        XCTAssertEqual(approved.status, 200, "\(approved.json)")
        for _ in 0..<3 {
            let found = try await viaNginx("GET", "/listings?q=harrogate")
            XCTAssertEqual((found.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [listing], "every server finds it")
        }

        // A conversation: asked through nginx, accepted on server 3, messages on servers 1 and 2, read through nginx.
        let asked = try await viaNginx("POST", "/connections", token: buyer, body: ["listing_id": listing, "message": "Is the lease assignable?"])
        XCTAssertEqual(asked.status, 201, "\(asked.json)")
        let connection = try XCTUnwrap(asked.json["id"] as? String)
        let accepted = try await call(servers[2], "PUT", "/connections/\(connection)/respond", token: seller, body: ["status": "accepted"])
        XCTAssertEqual(accepted.status, 200, "\(accepted.json)")
        let fromSeller = try await call(servers[0], "POST", "/connections/\(connection)/messages", token: seller, body: ["content": "Yes, with the landlord's consent."])
        XCTAssertEqual(fromSeller.status, 201, "\(fromSeller.json)")
        let fromBuyer = try await call(servers[1], "POST", "/connections/\(connection)/messages", token: buyer, body: ["content": "Thank you."])
        XCTAssertEqual(fromBuyer.status, 201, "\(fromBuyer.json)")
        for _ in 0..<3 {
            let thread = try await viaNginx("GET", "/connections/\(connection)/messages?page=1&per_page=50", token: buyer)
            XCTAssertEqual(thread.status, 200, "\(thread.json)")
            let contents = (thread.json["items"] as? [[String: Any]] ?? []).compactMap { $0["content"] as? String }
            XCTAssertTrue(contents.contains("Yes, with the landlord's consent.") && contents.contains("Thank you."), "\(contents)")
        }
        // The seller heard of the request as a notification (fanned out by a job on some server).
        let deadline = Date().addingTimeInterval(20)
        var heard = false
        while !heard, Date() < deadline {
            let news = try await viaNginx("GET", "/notifications?type=connection_request", token: seller)
            heard = !((news.json["items"] as? [[String: Any]]) ?? []).isEmpty
            if !heard { try await Task.sleep(for: .milliseconds(200)) }
        }
        XCTAssertTrue(heard, "the connection request notification reached the seller")

        // A suspension through server 1 is refused by server 2 on the very next request, and by nginx.
        let before = try await call(servers[1], "GET", "/users/profile", token: buyer)
        XCTAssertEqual(before.status, 200, "\(before.json)")
        let suspended = try await call(servers[0], "PUT", "/admin/users/\(try userID(buyer))/suspend",
                                       token: adminToken, body: ["suspended": true, "reason": "cluster test"])
        XCTAssertEqual(suspended.status, 200, "\(suspended.json)")
        let after = try await call(servers[1], "GET", "/users/profile", token: buyer)
        XCTAssertEqual(after.status, 403, "\(after.json)")
        for _ in 0..<3 {
            let throughNginx = try await viaNginx("GET", "/users/profile", token: buyer)
            XCTAssertEqual(throughNginx.status, 403, "\(throughNginx.json)")
        }
        XCTAssertGreaterThanOrEqual(upstreams.count, 2, "nginx spread the requests: \(upstreams)")
    }

    /// The user id inside an access token (its `sub`).
    func userID(_ token: String) throws -> String {
        let part = try XCTUnwrap(token.split(separator: ".").dropFirst().first.map(String.init))
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let claims = try XCTUnwrap(try JSONSerialization.jsonObject(with: try XCTUnwrap(Data(base64Encoded: base64))) as? [String: Any])
        return try XCTUnwrap(claims["sub"] as? String)
    }

    /// The 6-digit code in the newest mail to `email` in the shared outbox, once a worker sent it.
    func verificationCode(to email: String, outbox: String) async throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
            for name in names.reversed() {
                guard let text = try? String(contentsOfFile: "\(outbox)/\(name)", encoding: .utf8), text.contains(email) else { continue }
                let regex = try NSRegularExpression(pattern: #"(?m)^\s+(\d{6})\s*$"#)
                if let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                   let range = Range(match.range(at: 1), in: text) {
                    return String(text[range])
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw E2EError("no verification mail to \(email) in \(outbox)")
    }
}
