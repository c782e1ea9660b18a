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
    let transport = VaporTransport(routesBuilder: app)
    try APIHandler(app: app).registerHandlers(
        on: transport, serverURL: URL(string: "/api/v1")!,
        configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
        middlewares: [EmptyBodyMiddleware()])
}
