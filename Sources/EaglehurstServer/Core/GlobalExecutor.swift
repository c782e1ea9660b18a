import NIOCore
import NIOPosix

/// The process's choice of where Swift concurrency runs its tasks.
public enum GlobalExecutor {
    /// Makes the event loops that serve HTTP (NIO's singleton group, which the application uses)
    /// the executor of every task, instead of Swift's own cooperative thread pool. Each database
    /// answer and each request then resumes its task on the loop it arrived on, not on a second
    /// pool of threads that must be woken first: one thread hop fewer per SQL statement, which is
    /// what a write waits for most of the time (the write gate serializes SQLite writers, so every
    /// hop adds to every writer's wait). Call it first in `main`, before any task is made.
    /// Returns false where NIO cannot take the pool over (it then stays Swift's own).
    @discardableResult
    public static func useEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
