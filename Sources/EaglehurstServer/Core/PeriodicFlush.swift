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
                while true {
                    // Cancelled: the shutdown flushes, once, after this task has ended.
                    do { try await Task.sleep(for: interval) } catch { return }
                    guard let application else { return }
                    await flush(application)
                }
            }
        }
    }

    /// Stops the periodic flushes (one under way is finished, while the databases are still
    /// open) and flushes what is left.
    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
        await flush(application)
    }
}
