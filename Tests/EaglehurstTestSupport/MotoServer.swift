import EaglehurstServer
import Foundation

/// moto's S3 in server mode (PyPI `moto[server]`, run by `TestPython`) on a free loopback port, checking credentials:
/// it starts with IAM enforcement, makes one user with an access key allowed `s3:*`, and hands that
/// key pair to the tests, so a wrong key or secret is refused as AWS would refuse it.
///
/// One server serves the whole test process (it takes a few seconds to start); each test makes a
/// bucket of its own. The server exits when the test process does: it watches its stdin, a pipe
/// the test process holds open.
// Every stored property is a `let` set before the server is shared; the process is only kept so
// that its stdin stays open.
public final class MotoServer: @unchecked Sendable {
    public let port: Int
    public let accessKeyID: String
    public let secretAccessKey: String
    public var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }
    private let process: ChildProcess

    private static let script = #"""
    import json, os, signal, socket, sys, threading

    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    # The first four requests (the IAM set-up below) go unchecked; every later one must be signed
    # by a known key with a matching signature.
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4"
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        print(json.dumps({"error": "moto is missing"}), flush=True)
        sys.exit(3)

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False).start()
    iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="setup", aws_secret_access_key="setup")
    iam.create_user(UserName="eaglehurst")
    key = iam.create_access_key(UserName="eaglehurst")["AccessKey"]
    policy = iam.create_policy(PolicyName="eaglehurst-s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    iam.attach_user_policy(UserName="eaglehurst", PolicyArn=policy["Policy"]["Arn"])
    print(json.dumps({"port": port, "access": key["AccessKeyId"], "secret": key["SecretAccessKey"]}), flush=True)
    threading.Event().wait()
    """#

    /// The process's one moto, started on first use.
    public static func shared() throws -> MotoServer {
        try sharedServer.get()
    }

    private static let sharedServer: Result<MotoServer, any Error> = Result { try start() }

    private static func start() throws -> MotoServer {
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-moto-\(UUID()).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let python = try TestPython.path()
        let process = try ChildProcess([python, scriptURL.path], stdin: .pipe, stdout: .pipe, stderr: .null)
        let line = Data(process.firstLine(timeout: 120).utf8)
        struct Started: Decodable {
            var port: Int?
            var access: String?
            var secret: String?
            var error: String?
        }
        let started = try? JSONDecoder().decode(Started.self, from: line)
        guard let started, let port = started.port, let access = started.access, let secret = started.secret else {
            process.stop()
            if started?.error == "moto is missing" {
                throw TestPython.missing("moto[server] or boto3", python: python)
            }
            throw TestSupportError("moto did not start (it printed \"\(String(decoding: line, as: UTF8.self))\")")
        }
        return MotoServer(port: port, accessKeyID: access, secretAccessKey: secret, process: process)
    }

    private init(port: Int, accessKeyID: String, secretAccessKey: String, process: ChildProcess) {
        self.port = port
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.process = process
    }

    /// Settings for a new bucket of this server (created at start-up by the server under test).
    public func settings(bucket: String = MotoServer.newBucketName(), createBucket: Bool = true) -> Settings.S3Settings {
        Settings.S3Settings(store: configuration(bucket: bucket), createBucket: createBucket)
    }

    public func configuration(bucket: String = MotoServer.newBucketName()) -> S3FileStore.Configuration {
        S3FileStore.Configuration(
            endpoint: endpoint, bucket: bucket, region: "us-east-1", accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)
    }

    public static func newBucketName() -> String {
        "eaglehurst-test-\(UUID().uuidString.lowercased().prefix(13))"
    }
}
