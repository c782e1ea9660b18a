import CCurl
import Synchronization

/// libcurl's process-wide set-up. A global's initialiser runs exactly once, even when the
/// first requests start on several threads at the same time, so this is `curl_global_init` once.
let curlGlobalInitialisation: CURLcode = eh_curl_global_init_all()

/// One libcurl easy handle, cleaned up when the last reference goes.
///
/// `@unchecked Sendable` because libcurl allows a handle to move between threads as long as
/// no two threads use it at once, and that is what the pool guarantees: a handle belongs to
/// exactly one transfer between `checkOut()` and `checkIn(_:)`, and to nobody while idle.
final class EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init?() {
        guard curlGlobalInitialisation == CURLE_OK, let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    deinit { curl_easy_cleanup(raw) }
}

/// Idle easy handles kept between requests. Each easy handle keeps its own cache of open
/// connections, so handing out the most recently returned handle reuses its keep-alive
/// connection to the server instead of opening a new one.
final class EasyHandlePool: Sendable {
    private let idle = Mutex<[EasyHandle]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 0)
    }

    func checkOut() throws(CurlTransportError) -> EasyHandle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        guard let handle = EasyHandle() else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not create a handle")
        }
        return handle
    }

    /// Forgets the finished transfer's options (which point at memory that is about to be
    /// freed) but keeps the handle's open connections, then keeps the handle if there is room.
    func checkIn(_ handle: EasyHandle) {
        curl_easy_reset(handle.raw)
        idle.withLock { handles in
            if handles.count < capacity { handles.append(handle) }
        }
    }
}
