import HTTPTypes
import NIOConcurrencyHelpers
import OpenAPIRuntime

/// Reads to its end whatever part of a request body the operation left unread, before the answer
/// goes out.
///
/// An upload streams (`MultipartForm`) and may be refused part-way: a file part of the wrong type,
/// too large, more parts than allowed. The operation then stops reading, but the client goes on
/// sending the rest on the same connection. Vapor hands the body over with backpressure, and once
/// its reader is gone a chunk that arrives is refused, after which the connection never reads
/// again: the answer may reach the client, but the next request on that kept-alive connection
/// waits forever (seen as a test hanging after a refused upload, when the refusal came before the
/// whole body had arrived). Here the body's one reader is kept by the middleware, and after the
/// operation the rest is read and dropped, so the connection is ready for the next request. A
/// body is bounded before it gets here (`BodyLimitMiddleware`: a stated length within the limit,
/// or a body collected within it).
struct DrainedBodyMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let body else { return try await next(request, nil, metadata) }
        let reader = SharedBodyReader(body)
        let shared = HTTPBody(reader.chunks, length: body.length, iterationBehavior: .single)
        do {
            let answer = try await next(request, shared, metadata)
            await reader.readToEnd()
            return answer
        } catch {
            await reader.readToEnd()
            throw error
        }
    }
}

/// The one iterator of a request body, kept here so that it outlives the operation's reader.
/// Read by one reader at a time: the operation, then `readToEnd()` once it has answered.
final class SharedBodyReader: @unchecked Sendable {
    private let body: HTTPBody
    // `lock` guards the two below; the iterator is taken out while a `next()` is under way.
    private let lock = NIOLock()
    private var iterator: HTTPBody.AsyncIterator?
    private var started = false
    private var ended = false

    init(_ body: HTTPBody) {
        self.body = body
    }

    struct Chunks: AsyncSequence, Sendable {
        typealias Element = HTTPBody.ByteChunk
        let reader: SharedBodyReader

        struct AsyncIterator: AsyncIteratorProtocol {
            let reader: SharedBodyReader
            mutating func next() async throws -> HTTPBody.ByteChunk? { try await reader.next() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: reader) }
    }

    var chunks: Chunks { Chunks(reader: self) }

    func next() async throws -> HTTPBody.ByteChunk? {
        let taken: HTTPBody.AsyncIterator?? = lock.withLock {
            guard !ended else { return .some(nil) }
            if let iterator {
                self.iterator = nil
                return iterator
            }
            // Taken by a reader that has not given it back: two readers at once.
            guard !started else { return nil }
            started = true
            return body.makeAsyncIterator()
        }
        guard let taken else { throw SharedBodyReaderError() }
        guard var current = taken else { return nil }
        do {
            let chunk = try await current.next()
            lock.withLock {
                if chunk == nil { ended = true } else { iterator = current }
            }
            return chunk
        } catch {
            lock.withLock { ended = true }
            throw error
        }
    }

    /// Reads and drops what is left (a body that fails, say a client gone, simply ends).
    func readToEnd() async {
        while (try? await next()) != nil {}
    }
}

struct SharedBodyReaderError: Error, CustomStringConvertible {
    var description: String { "a request body was read by two readers at once" }
}
