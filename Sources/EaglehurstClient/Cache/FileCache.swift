import Foundation

/// Files fetched by signed URL (listing photos, documents), kept beside the `ModelCache` by file and
/// size rather than by URL, since each answer signs its URLs anew. Bounded by bytes: beyond
/// `capacityBytes` the least recently used go first; a file larger than a quarter of it is not kept.
public actor FileCache {
    public let capacityBytes: Int
    private var entries: [String: Data] = [:]
    private var order: [String] = []
    private var totalBytes = 0

    public init(capacityBytes: Int = 64 << 20) {
        self.capacityBytes = capacityBytes
    }

    public func data(for key: String) -> Data? {
        guard let data = entries[key] else { return nil }
        order.removeAll { $0 == key }
        order.append(key)
        return data
    }

    public func store(_ data: Data, for key: String) {
        guard data.count <= capacityBytes / 4 else { return }
        if let old = entries[key] {
            totalBytes -= old.count
            order.removeAll { $0 == key }
        }
        entries[key] = data
        order.append(key)
        totalBytes += data.count
        while totalBytes > capacityBytes, !order.isEmpty {
            let oldest = order.removeFirst()
            totalBytes -= entries.removeValue(forKey: oldest)?.count ?? 0
        }
    }

    public func removeAll() {
        entries = [:]
        order = []
        totalBytes = 0
    }

    public var count: Int { entries.count }
}
