import ArgumentParser
import EaglehurstServer

extension EaglehurstServerCommand {
    /// ArgumentParser's own `main`, after handing Swift concurrency to the server's event loops
    /// (`GlobalExecutor.useEventLoops`), which must happen before the first task is made.
    static func main() async {
        GlobalExecutor.useEventLoops()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
