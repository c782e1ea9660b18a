import EaglehurstAPI
import EaglehurstClient
import Foundation

extension EffectRunner {
    func runPictures(_ effect: PicturesEffect) async -> PicturesMessage {
        switch effect {
        case .load(let key, let url, let maxWidth, let maxHeight):
            let bytes = await fetchFile(url)
            let picture = bytes.flatMap { data -> Result<Picture, RequestFailure> in
                // Decoding is CPU work on untrusted bytes: it runs here, off the UI loop, and a bad
                // file is a message, never a crash.
                do {
                    return .success(try Picture.decode(data, maxWidth: maxWidth, maxHeight: maxHeight))
                } catch {
                    return .failure(.file("not a picture (\(error))"))
                }
            }
            return .loaded(key, picture)
        case .loadDocuments(let userID, let title):
            return .documentsLoaded(title: title, await attempt {
                switch try await client.adminUserDocuments(path: .init(userId: userID)) {
                case .ok(let ok): return .success(try ok.body.json.documents)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the user's documents"))
                }
            })
        case .saveFile(let url, let name, let open):
            return .fileSaved(await saveFile(url, name: name, open: open))
        }
    }

    /// Writes the file whole under a temporary name and moves it, so a failed download leaves nothing;
    /// an existing file is never overwritten (`name (2).pdf` instead).
    func saveFile(_ url: String, name: String, open: Bool) async -> Result<String, RequestFailure> {
        let safeName = name.replacingOccurrences(of: "/", with: "_").trimmingCharacters(in: .whitespaces)
        let directory: String
        if open {
            directory = NSTemporaryDirectory() + "eaglehurst-\(getuid())"
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } else {
            directory = FileManager.default.currentDirectoryPath
        }
        let data: Data
        switch await fetchFile(url) {
        case .success(let bytes): data = bytes
        case .failure(let failure): return .failure(failure)
        }
        let stem = (safeName as NSString).deletingPathExtension, ext = (safeName as NSString).pathExtension
        var path = (directory as NSString).appendingPathComponent(safeName.isEmpty ? "document" : safeName)
        var n = 2
        while FileManager.default.fileExists(atPath: path) {
            path = (directory as NSString).appendingPathComponent("\(stem) (\(n))" + (ext.isEmpty ? "" : ".\(ext)"))
            n += 1
        }
        let partial = path + ".part-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: partial, contents: data, attributes: [.posixPermissions: 0o600]) else {
            return .failure(.file("\(directory): cannot write there"))
        }
        do {
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            return .failure(.file("\(path): \(error.localizedDescription)"))
        }
        guard open else { return .success("saved as \(path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(.file("xdg-open could not start (\(error.localizedDescription)); the file is at \(path)"))
        }
        return .success("opened \(path) with xdg-open")
    }

    /// The bytes behind a signed URL of an answer (`/api/v1/files/<kind>/<id>?variant=…&expires=…&signature=…`),
    /// through the contract's `filesDownload`; the bytes are kept in the file cache, so a photo seen
    /// once opens again without the network.
    func fetchFile(_ url: String) async -> Result<Data, RequestFailure> {
        guard let signed = SignedFileURL(url) else { return .failure(.unexpected("not a file URL of this server: \(url)")) }
        if let cached = await files.data(for: signed.cacheKey) { return .success(cached) }
        return await attempt {
            let query = Operations.FilesDownload.Input.Query(variant: signed.variant, expires: signed.expires, signature: signed.signature)
            switch try await client.filesDownload(path: .init(fileKind: signed.kind, fileId: signed.id), query: query) {
            case .ok(let ok):
                let data = try await Data(collecting: try ok.body.any, upTo: Self.largestUpload)
                await files.store(data, for: signed.cacheKey)
                return .success(data)
            case .partialContent:
                return .failure(.unexpected("the server sent part of a file that was asked for whole"))
            case .notModified:
                return .failure(.unexpected("the server answered 304 to a request without an ETag"))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the file"))
            }
        }
    }
}

/// A signed file URL taken apart into the operation's parameters.
struct SignedFileURL: Equatable {
    typealias Kind = Operations.FilesDownload.Input.Path.FileKindPayload
    typealias Variant = Operations.FilesDownload.Input.Query.VariantPayload

    var kind: Kind
    var id: UUID
    var variant: Variant?
    var expires: Int64
    var signature: String

    /// The file and size, whatever the signature: what the byte cache files it under.
    var cacheKey: String { "\(kind.rawValue)/\(id.uuidString)/\((variant ?? .original).rawValue)" }

    init?(_ text: String) {
        guard let components = URLComponents(string: text) else { return nil }
        let parts = components.path.split(separator: "/")
        guard parts.count >= 3, parts[parts.count - 3] == "files",
              let kind = Kind(rawValue: String(parts[parts.count - 2])),
              let id = UUID(uuidString: String(parts[parts.count - 1])) else { return nil }
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        guard let expires = items["expires"].flatMap(Int64.init), let signature = items["signature"] else { return nil }
        self.kind = kind
        self.id = id
        self.variant = items["variant"].flatMap(Variant.init(rawValue:))
        self.expires = expires
        self.signature = signature
    }
}
