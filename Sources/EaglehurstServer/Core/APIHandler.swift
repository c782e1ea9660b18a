import EaglehurstAPI
import Vapor

/// Implements the generated `APIProtocol`. Each feature adds its operations in an extension in
/// its own folder (`Features/<X>/<X>Controller.swift`); handlers stay thin and call services.
struct APIHandler: APIProtocol {
    let app: Application
}
