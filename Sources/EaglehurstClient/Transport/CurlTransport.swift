import Foundation
import HTTPTypes
import OpenAPIRuntime

/// A `ClientTransport` over libcurl's easy interface, for the generated Eaglehurst client.
///
/// - Connections are reused: finished transfers return their easy handle, with its open
///   keep-alive connections, to a small pool that the next request draws from.
/// - `curl_easy_perform` blocks, so each transfer runs on a thread of its own, never on
///   Swift's cooperative pool; cancelling the calling task aborts the transfer.
/// - TLS always verifies the peer's certificate and host name. To trust a private CA (a
///   self-hosted server), name its PEM file in `Configuration.certificateAuthorityFile`.
/// - Proxies come from the environment: `CURLOPT_PROXY` is deliberately never set, so libcurl
///   itself honours `http_proxy`, `https_proxy` (or `HTTPS_PROXY`), `all_proxy` and `no_proxy`.
/// - HTTP error statuses are responses, not errors; only a failure to get a response throws,
///   as a ``CurlTransportError``.
public struct CurlTransport: ClientTransport {
    public struct Configuration: Sendable {
        /// Longest time to establish a connection, TLS handshake included.
        public var connectTimeout: Duration
        /// Longest time for a whole request, from connecting to the last byte of the response.
        public var timeout: Duration
        /// How many idle easy handles (each with its open connections) to keep for reuse.
        public var maxIdleHandles: Int
        /// A PEM file of certificate authorities to trust instead of the system's, or `nil`.
        public var certificateAuthorityFile: String?

        public init(
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(30),
            maxIdleHandles: Int = 4,
            certificateAuthorityFile: String? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxIdleHandles = maxIdleHandles
            self.certificateAuthorityFile = certificateAuthorityFile
        }
    }

    public let configuration: Configuration
    private let pool: EasyHandlePool

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.pool = EasyHandlePool(capacity: configuration.maxIdleHandles)
    }

    public func send(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let requestBody: Data? = if let body { try await Data(collecting: body, upTo: .max) } else { nil }
        let transfer = try CurlTransfer(request: request, body: requestBody, baseURL: baseURL, configuration: configuration)
        let response = try await run(transfer)
        let responseBody: HTTPBody? = response.body.isEmpty ? nil : HTTPBody(response.body)
        return (HTTPResponse(status: .init(code: response.status), headerFields: response.headerFields), responseBody)
    }

    /// Runs the blocking transfer on a dedicated thread and resumes the caller when it ends.
    private func run(_ transfer: CurlTransfer) async throws -> CurlTransfer.Response {
        try Task.checkCancellation()
        let cancellation = TransferCancellation()
        let pool = self.pool
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result { try transfer.perform(pool: pool, cancellation: cancellation) })
                }
                thread.name = "eaglehurst-curl"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
