import Foundation

/// The OpenAPI document this build was generated from, as shipped with the binary.
public enum APIDocument {
    public static func yaml() -> Data? {
        Bundle.module.url(forResource: "openapi", withExtension: "yaml").flatMap { try? Data(contentsOf: $0) }
    }
}
