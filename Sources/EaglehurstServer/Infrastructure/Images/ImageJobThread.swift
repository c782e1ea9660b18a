import NIOPosix
import Vapor

/// The thread that background image work (the thumbnail jobs) runs libvips on. A thread of its
/// own: a job's seconds of decoding never hold one of the shared blocking pool's threads
/// (`app.threadPool`, as many as there are cores), which password hashing, file reads and the
/// checks of uploads wait for. One thread, as the job lane runs one job at a time.
enum ImageJobThread {
    /// Starts the thread and stops it when the application shuts down. Install it before the job
    /// worker: lifecycle handlers stop in reverse order, so the thread outlives the jobs using it.
    static func install(on app: Application) {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        app.storage[Key.self] = pool
        app.lifecycle.use(Lifecycle())
    }

    struct Key: StorageKey { typealias Value = NIOThreadPool }

    struct Lifecycle: LifecycleHandler {
        func shutdown(_ application: Application) {
            try? application.storage[Key.self]?.syncShutdownGracefully()
        }

        func shutdownAsync(_ application: Application) async {
            try? await application.storage[Key.self]?.shutdownGracefully()
        }
    }
}

extension Application {
    var imageJobThread: NIOThreadPool {
        guard let pool = storage[ImageJobThread.Key.self] else { fatalError("configure(_:settings:) was not called") }
        return pool
    }
}
