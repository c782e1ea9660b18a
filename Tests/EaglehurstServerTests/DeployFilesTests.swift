@testable import EaglehurstServer
import EaglehurstTestSupport
import Foundation
import XCTest

/// The files of `deploy/`, checked with the tools that will read them: no container engine runs here,
/// so the image is checked through its parts (its runtime packages against `ldd` of the built server,
/// its COPY sources), the unit with `systemd-analyze` and the nginx site with `nginx -t`.
///
/// A missing tool fails the test (`scripts/setup --test` installs them all); it never skips.
final class DeployFilesTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let deploy = repository.appendingPathComponent("deploy")

    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("eh-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    // MARK: systemd

    func testUnitPassesSystemdVerifyAndItsSecurityReview() throws {
        let systemdAnalyze = try tool("systemd-analyze", package: "systemd")
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("eaglehurst-server.service"), encoding: .utf8)
        // verify insists that ExecStart's program exists: point it at the server built beside the tests.
        let installed = "/usr/local/bin/eaglehurst-server"
        XCTAssertTrue(unit.contains("ExecStart=\(installed) serve"), "the unit starts \(installed) serve")
        let copy = scratch.appendingPathComponent("eaglehurst-server.service")
        try unit.replacingOccurrences(of: installed, with: try Self.builtServer().path)
            .write(to: copy, atomically: true, encoding: .utf8)

        // verify exits 0 on an unknown key or a value it cannot parse ("…, ignoring"), so any output fails.
        let (status, output) = try ChildProcess.run([systemdAnalyze, "verify", copy.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "", "systemd-analyze verify complained")

        // The hardening holds: an exposure level above 2.0 ("OK" is below 5) means a setting went.
        let (securityStatus, review) = try ChildProcess.run(
            [systemdAnalyze, "security", "--offline=true", "--threshold=20", copy.path])
        XCTAssertEqual(securityStatus, 0, review.split(separator: "\n").suffix(3).joined(separator: "\n"))

        for setting in ["DynamicUser=yes", "StateDirectory=eaglehurst", "ProtectSystem=strict", "ProtectHome=yes",
                        "PrivateTmp=yes", "NoNewPrivileges=yes", "Environment=EAGLEHURST_DATA_DIR=%S/eaglehurst",
                        "EnvironmentFile=-/etc/eaglehurst/server.env", "KillSignal=SIGTERM", "Restart=on-failure"] {
            XCTAssertTrue(unit.split(separator: "\n").contains(Substring(setting)), "the unit sets \(setting)")
        }
        // systemd's SIGKILL must not cut the drain short.
        let stopTimeout = unit.split(separator: "\n").first { $0.hasPrefix("TimeoutStopSec=") }
            .flatMap { Int($0.dropFirst("TimeoutStopSec=".count)) }
        XCTAssertGreaterThan(stopTimeout ?? 0, ServeSettings().shutdownGraceSeconds,
                             "TimeoutStopSec leaves the server its SHUTDOWN_GRACE_SECONDS")
    }

    // MARK: nginx

    func testNginxSitePassesNginxTestWithItsTLSFront() throws {
        let nginx = try tool("nginx", package: "nginx")
        let openssl = try tool("openssl", package: "openssl")
        var site = try String(contentsOf: Self.deploy.appendingPathComponent("nginx.conf"), encoding: .utf8)
        // The certificate paths are a deployment's; nginx -t reads the files, so make a pair.
        let certificate = scratch.appendingPathComponent("fullchain.pem").path
        let key = scratch.appendingPathComponent("privkey.pem").path
        let (made, madeOutput) = try ChildProcess.run([
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=eaglehurst.example.com", "-keyout", key, "-out", certificate,
        ])
        XCTAssertEqual(made, 0, madeOutput)
        for (directive, path) in [("ssl_certificate", certificate), ("ssl_certificate_key", key)] {
            let line = try XCTUnwrap(site.split(separator: "\n").first {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix(directive + " ")
            }, "the site sets \(directive)")
            site = site.replacingOccurrences(of: String(line), with: "    \(directive) \(path);")
        }
        let siteCopy = scratch.appendingPathComponent("eaglehurst.conf")
        try site.write(to: siteCopy, atomically: true, encoding: .utf8)

        // The site is an http-context file (conf.d/); around it, what Debian's nginx.conf gives,
        // with every path in the scratch folder so nginx -t runs without root.
        let main = """
        pid \(scratch.path)/nginx.pid;
        events {}
        http {
            client_body_temp_path \(scratch.path)/body;
            proxy_temp_path \(scratch.path)/proxy;
            fastcgi_temp_path \(scratch.path)/fastcgi;
            uwsgi_temp_path \(scratch.path)/uwsgi;
            scgi_temp_path \(scratch.path)/scgi;
            include \(siteCopy.path);
        }

        """
        let mainFile = scratch.appendingPathComponent("nginx.conf")
        try main.write(to: mainFile, atomically: true, encoding: .utf8)
        let (status, output) = try ChildProcess.run([
            nginx, "-t", "-p", scratch.path, "-e", scratch.appendingPathComponent("error.log").path, "-c", mainFile.path,
        ])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("test is successful"), output)
        XCTAssertFalse(output.contains("[warn]"), output)
    }

    func testNginxSiteFitsTheServer() throws {
        let site = try String(contentsOf: Self.deploy.appendingPathComponent("nginx.conf"), encoding: .utf8)
        let lines = site.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // The largest body the server takes is a listing photo and its form (BodyLimitMiddleware in
        // configure.swift): nginx must let it through, or a valid upload meets nginx's 413.
        let bodyLimit = try XCTUnwrap(lines.first { $0.hasPrefix("client_max_body_size ") }, "client_max_body_size is set")
        let megabytes = try XCTUnwrap(Int(bodyLimit.dropFirst("client_max_body_size ".count).dropLast("m;".count)),
                                      "client_max_body_size is written in m: \(bodyLimit)")
        XCTAssertGreaterThanOrEqual(megabytes << 20, ListingsService.mediaLimit + (1 << 20))
        // The servers rate-limit by the client's address and build URLs with the scheme it used.
        XCTAssertTrue(lines.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"))
        XCTAssertTrue(lines.contains("proxy_set_header X-Forwarded-Proto $scheme;"))
        // Passive health checks on every server line, and no retry of what is not safe to repeat.
        let servers = lines.filter { $0.hasPrefix("server ") && $0.hasSuffix(";") }
        XCTAssertFalse(servers.isEmpty)
        for server in servers {
            XCTAssertTrue(server.contains("max_fails=") && server.contains("fail_timeout="), server)
        }
        let nextUpstream = try XCTUnwrap(lines.first { $0.hasPrefix("proxy_next_upstream ") })
        XCTAssertFalse(nextUpstream.contains("non_idempotent"), nextUpstream)
        // scripts/cluster runs this file by its markers.
        for marker in ["# servers: begin", "# servers: end", "# listen: begin", "# listen: end"] {
            XCTAssertEqual(lines.filter { $0.hasPrefix(marker) }.count, 1, marker)
        }
        XCTAssertTrue(try String(contentsOf: Self.repository.appendingPathComponent("scripts/cluster"), encoding: .utf8)
            .contains("deploy/nginx.conf"), "scripts/cluster renders deploy/nginx.conf")
    }

    // MARK: the container image

    /// Every library the server loads is in the run stage: from a package of
    /// `deploy/runtime-packages.txt` or one those depend on (what apt-get installs with them), or
    /// from debian:bookworm-slim itself. The Swift runtime is not looked for: the image links it
    /// statically (`--static-swift-stdlib`), so the release binary does not load it.
    ///
    /// The binary is the server built beside these tests (the debug build under `swift test`): it
    /// is always the one of these sources, and it links the same system libraries as the release
    /// build (which adds only the static Swift runtime and drops libswiftSwiftOnoneSupport).
    func testRuntimePackagesCoverEveryLibraryTheServerLinks() throws {
        let ldd = try tool("ldd", package: "libc-bin")
        let dpkg = try tool("dpkg", package: "dpkg")
        let aptCache = try tool("apt-cache", package: "apt")
        let listed = try Self.runtimePackages()
        XCTAssertFalse(listed.isEmpty)

        let (lddStatus, linked) = try ChildProcess.run([ldd, try Self.builtServer().path])
        XCTAssertEqual(lddStatus, 0, linked)
        XCTAssertFalse(linked.contains("not found"), "a library the server links is missing here:\n\(linked)")
        let libraries = linked.split(separator: "\n").compactMap { line -> String? in
            // "libvips.so.42 => /lib/x86_64-linux-gnu/libvips.so.42 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
            let fields = line.split(separator: " ").map { $0.trimmingCharacters(in: .whitespaces) }
            return fields.first { $0.hasPrefix("/") }
        }
        XCTAssertGreaterThan(libraries.count, 5, linked)

        // dpkg knows each file under the path its package ships (/lib or /usr/lib, merged on disk):
        // ask for both in one call (it exits 1 when some are unknown, which the other one covers).
        let candidates = libraries.filter { !Self.isSwiftRuntime($0) }.map { library in
            (library, library.hasPrefix("/usr/") ? String(library.dropFirst(4)) : "/usr" + library)
        }
        let (_, owners) = try ChildProcess.run([dpkg, "-S"] + candidates.flatMap { [$0.0, $0.1] })
        var ownerOf: [String: String] = [:]
        for line in owners.split(separator: "\n") {
            // "libvips42:amd64: /usr/lib/x86_64-linux-gnu/libvips.so.42"
            guard let separator = line.range(of: ": /") else { continue }
            let package = line[..<separator.lowerBound].split(separator: ":").first.map(String.init) ?? ""
            ownerOf["/" + line[separator.upperBound...].trimmingCharacters(in: .whitespaces)] = package
        }
        var packageOf: [String: String] = [:]
        for (library, alternative) in candidates {
            guard let owner = ownerOf[library] ?? ownerOf[alternative] else {
                XCTFail("\(library) is from no Debian package; the image cannot install it")
                continue
            }
            packageOf[library] = owner
        }

        // What apt-get installs for the listed packages (Depends and Pre-Depends, recursively).
        let (aptStatus, closureText) = try ChildProcess.run([
            aptCache, "depends", "--recurse", "--installed", "--no-recommends", "--no-suggests", "--no-conflicts",
            "--no-breaks", "--no-replaces", "--no-enhances",
        ] + listed)
        XCTAssertEqual(aptStatus, 0, closureText)
        let installed = Set(closureText.split(separator: "\n").filter { !$0.hasPrefix(" ") }
            .map { String($0.split(separator: ":").first ?? $0) })
        for package in listed {
            XCTAssertTrue(installed.contains(package), "\(package) of deploy/runtime-packages.txt is not a package apt knows here")
        }
        let uncovered = packageOf.filter { !installed.contains($0.value) && !Self.baseImagePackages.contains($0.value) }
        XCTAssertTrue(uncovered.isEmpty, """
            the server links libraries that the image would lack; add their packages to deploy/runtime-packages.txt:
            \(uncovered.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: "\n"))
            """)
        // The health check runs curl in the image.
        XCTAssertTrue(listed.contains("curl"))
    }

    func testContainerfileCopiesWhatExistsAndInstallsTheRuntimeList() throws {
        let containerfile = try String(contentsOf: Self.deploy.appendingPathComponent("Containerfile"), encoding: .utf8)
        // Join continued lines so that each instruction is one line.
        let instructions = containerfile.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }

        // The build context is the checkout's root (`-f deploy/Containerfile .`).
        let copies = instructions.filter { $0.hasPrefix("COPY ") && !$0.contains("--from=") }
        XCTAssertFalse(copies.isEmpty)
        for copy in copies {
            let sources = copy.split(separator: " ").dropFirst().filter { !$0.hasPrefix("--") }.dropLast()
            for source in sources {
                XCTAssertTrue(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(String(source)).path),
                              "\(copy): \(source) is not in the checkout")
            }
        }
        XCTAssertTrue(copies.contains { $0.hasPrefix("COPY deploy/runtime-packages.txt ") })
        XCTAssertTrue(instructions.contains { $0.hasPrefix("RUN ") && $0.contains("runtime-packages.txt | xargs apt-get install") },
                      "the run stage installs deploy/runtime-packages.txt")
        XCTAssertTrue(instructions.contains { $0.contains("--static-swift-stdlib") }, "the Swift runtime is linked in")

        // The server reads its OpenAPI document from a resource bundle beside the binary.
        let binDirectory = try Self.builtServer().deletingLastPathComponent()
        let bundles = try FileManager.default.contentsOfDirectory(atPath: binDirectory.path).filter { $0.hasSuffix(".resources") }
        let grep = try tool("grep", package: "grep")
        for bundle in bundles {
            let (found, _) = try ChildProcess.run([grep, "-q", "-F", bundle, try Self.builtServer().path])
            guard found == 0 else { continue }
            XCTAssertTrue(instructions.contains { $0.contains(bundle) }, "the image installs \(bundle) beside the server, which reads it")
        }

        XCTAssertTrue(instructions.contains { $0.hasPrefix("USER ") && !$0.hasSuffix(" root") }, "the server runs as a user")
        XCTAssertTrue(instructions.contains { $0.hasPrefix("HEALTHCHECK ") && $0.contains("/api/v1/health/ready") })
        XCTAssertTrue(instructions.contains { $0.hasPrefix("EXPOSE 8000") })
        XCTAssertTrue(instructions.contains { $0.hasPrefix("VOLUME /var/lib/eaglehurst") })
        XCTAssertTrue(instructions.contains { $0.contains("EAGLEHURST_DATA_DIR=/var/lib/eaglehurst") })
        XCTAssertTrue(instructions.contains { $0.contains("HOST=0.0.0.0") })
        for ignored in [".build", ".git", ".venv-test"] {
            XCTAssertTrue(try String(contentsOf: Self.repository.appendingPathComponent(".dockerignore"), encoding: .utf8)
                .split(separator: "\n").contains(Substring(ignored)), ".dockerignore leaves out \(ignored)")
        }
    }

    // MARK: helpers

    /// Packages every debian:bookworm-slim image has (essential, or needed by apt itself).
    static let baseImagePackages: Set<String> = ["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]

    static func isSwiftRuntime(_ library: String) -> Bool {
        let name = (library as NSString).lastPathComponent
        return library.contains("/usr/lib/swift/") || name.hasPrefix("libswift") || name.hasPrefix("libFoundation")
            || name.hasPrefix("lib_Foundation") || name.hasPrefix("libdispatch") || name.hasPrefix("libBlocksRuntime")
    }

    static func runtimePackages() throws -> [String] {
        try String(contentsOf: deploy.appendingPathComponent("runtime-packages.txt"), encoding: .utf8)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// `eaglehurst-server` from the products folder these tests were built into.
    static func builtServer() throws -> URL {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("eaglehurst-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw TestSupportError("eaglehurst-server is not built beside the tests; run `swift build --build-tests` first (./scripts/test does)")
    }

    /// The tool's path (on PATH, or in /usr/sbin and /sbin, which a user's PATH may lack); a
    /// missing one fails the test with how to get it.
    func tool(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin"] {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestSupportError("\(name) is missing: run scripts/setup --test (it installs Debian's \(package))")
    }
}
