import NIOConcurrencyHelpers
import Vapor

/// Flushes a buffer written off the request path (the search log, the analytics log) every second
/// (or `interval`) while the server runs, and once more when it stops, so that nothing buffered is
/// lost on shutdown.
struct PeriodicFlush: LifecycleHandler {
    let flush: @Sendable (Application) async -> Void
    let interval: Duration
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(every interval: Duration = .seconds(1), _ flush: @escaping @Sendable (Application) async -> Void) {
        self.flush = flush
        self.interval = interval
    }

    func didBootAsync(_ application: Application) async throws {
        let flush = self.flush, interval = self.interval
        task.withLockedValue { task in
            task = Task { [weak application] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let application else { return }
                    await flush(application)
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task.withLockedValue { $0?.cancel() }
        await flush(application)
    }
}
