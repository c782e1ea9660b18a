import Foundation
import Vapor

/// A `multipart/form-data` body written by hand (boundary, CRLF), as a client would send it.
public struct MultipartFormData: Sendable {
    public let boundary: String
    private var parts = Data()

    public init(boundary: String = "eaglehurst-test-\(UUID().uuidString)") {
        self.boundary = boundary
    }

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public var body: Data { parts + Data("--\(boundary)--\r\n".utf8) }

    public mutating func addFile(
        _ name: String, fileName: String?, data: Data, contentType: String = "application/octet-stream"
    ) {
        let fileNameParameter = fileName.map { "; filename=\"\($0)\"" } ?? ""
        parts.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(fileNameParameter)\r\nContent-Type: \(contentType)\r\n\r\n".utf8))
        parts.append(data)
        parts.append(Data("\r\n".utf8))
    }

    public mutating func addText(_ name: String, _ value: String) {
        parts.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }
}

extension TestServer {
    /// Sends bytes as the body (for binary and multipart bodies). `path` is relative to `/api/v1`.
    public func request(
        _ method: HTTPMethod, _ path: String, contentType: String, data: Data, bearer: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPHeaders = ["Content-Type": contentType]
        if let bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer \(bearer)") }
        let response = try await app.client.send(method, headers: headers, to: URI(string: "\(baseURL.absoluteString)\(path)")) { request in
            request.timeout = TestServer.requestTimeout
            request.body = ByteBuffer(data: data)
        }
        let body = response.body.map { Data($0.readableBytesView) } ?? Data()
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: body)
    }

    public func upload(_ path: String, _ form: MultipartFormData, bearer: String? = nil) async throws -> TestResponse {
        try await request(.POST, path, contentType: form.contentType, data: form.body, bearer: bearer)
    }
}
