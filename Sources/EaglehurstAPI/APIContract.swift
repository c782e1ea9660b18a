/// The contract's version: `info.version` of `openapi.yaml`, which `VersionTests` holds this equal to.
/// It is also the release of both programs (`EaglehurstVersion` on the server), so one number says
/// which server and which client speak which contract.
public enum APIContract {
    public static let version = "1.0.0"
}
