import EaglehurstAPI
import Foundation
import OpenAPIRuntime
import OpenAPIVapor
import Vapor

func routes(_ app: Application) throws {
    let api = app.grouped("api", "v1")
    api.get("openapi.yaml") { _ in
        guard let document = APIDocument.yaml() else {
            throw Problem(.internalServerError, slug: "internal", title: "The API document is missing from this build")
        }
        return Response(status: .ok, headers: ["Content-Type": "application/yaml; charset=utf-8"], body: .init(data: document))
    }
    let transport = VaporTransport(routesBuilder: ContractRoutes(app: app))
    try APIHandler(app: app).registerHandlers(
        on: transport, serverURL: URL(string: "/api/v1")!,
        configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
        middlewares: [EmptyBodyMiddleware(), DrainedBodyMiddleware()])
}

/// Registers the contract's routes, giving the route of `filesDownload` to `FilesDownloadResponder`
/// (see there why): the path and method stay the contract's, registered once, and the route is
/// labelled in metrics and logs like every other.
struct ContractRoutes: RoutesBuilder {
    let app: Application

    func add(_ route: Route) {
        if route.method == .GET, route.path.string == FilesDownloadResponder.pattern {
            route.responder = FilesDownloadResponder()
        }
        app.add(route)
    }
}
