/// A list the server serves in pages: the cursor over all `total` rows, and only the pages near the
/// window in memory. The screen asks for the pages that cover the visible rows and the next screenful
/// (never everything), and forgets pages that have scrolled far away, so a list of any length costs
/// the same.
package struct PagedList<Item: Equatable & Sendable>: Equatable, Sendable {
    /// Rows per request; the server allows up to 100.
    package let pageSize: Int
    package var cursor: ListCursor
    /// Loaded pages by number, from 1.
    package private(set) var pages: [Int: [Item]] = [:]
    /// Pages asked for and not yet answered.
    package private(set) var loading: Set<Int> = []
    /// Nil until the first page arrives.
    package private(set) var total: Int?
    /// The server stopped counting at a cap: `total` is a lower bound.
    package private(set) var totalCapped = false
    /// Bumped whenever the query changes, so answers to an older query are dropped.
    package private(set) var generation = 0
    package var failure: RequestFailure?
    /// Some rows on screen are the last the server gave; the latest request failed.
    package private(set) var isStale = false

    package init(pageSize: Int = 50, viewportHeight: Int = 10) {
        self.pageSize = max(1, pageSize)
        self.cursor = ListCursor(count: 0, viewportHeight: viewportHeight)
    }

    package var isLoading: Bool { !loading.isEmpty }
    package var isEmpty: Bool { total == 0 }

    package func item(at row: Int) -> Item? {
        guard row >= 0 else { return nil }
        return pages[row / pageSize + 1].flatMap { items in
            let index = row % pageSize
            return index < items.count ? items[index] : nil
        }
    }

    package var selectedItem: Item? { item(at: cursor.selected) }

    /// Starts over for a new query: nothing loaded, the cursor at the top.
    package mutating func reset() {
        generation += 1
        pages = [:]
        loading = []
        total = nil
        totalCapped = false
        failure = nil
        isStale = false
        cursor = ListCursor(count: 0, viewportHeight: cursor.viewportHeight)
    }

    /// Reloads what is on screen without losing the place: the same generation's rows stay until
    /// their pages come back.
    package mutating func markAllForReload() -> [Int] {
        loading = []
        let wanted = wantedPageNumbers
        loading.formUnion(wanted)
        return wanted.sorted()
    }

    /// The pages covering the window and the next screenful.
    var wantedPageNumbers: Set<Int> {
        guard let total, total > 0 else { return [1] }
        let rows = cursor.wantedRows
        guard !rows.isEmpty else { return [1] }
        let first = rows.lowerBound / pageSize + 1
        let last = (rows.upperBound - 1) / pageSize + 1
        return Set(first...last)
    }

    /// The pages to ask for now (wanted, neither loaded nor already asked for); they count as loading.
    package mutating func pagesToFetch() -> [Int] {
        let missing = wantedPageNumbers.subtracting(pages.keys).subtracting(loading)
        loading.formUnion(missing)
        return missing.sorted()
    }

    /// Takes a page the server sent for `generation`; answers false when it belongs to an older query.
    @discardableResult
    package mutating func receive(page: Int, items: [Item], total: Int, totalCapped: Bool = false, isStale: Bool = false, generation: Int) -> Bool {
        guard generation == self.generation else { return false }
        loading.remove(page)
        pages[page] = items
        self.total = total
        self.totalCapped = totalCapped
        self.isStale = isStale
        failure = nil
        cursor.setCount(total)
        evictFarPages()
        return true
    }

    /// A page request failed; what is loaded stays, marked stale.
    @discardableResult
    package mutating func fail(page: Int, with failure: RequestFailure, generation: Int) -> Bool {
        guard generation == self.generation else { return false }
        loading.remove(page)
        self.failure = failure
        isStale = !pages.isEmpty
        return true
    }

    /// Replaces the item that `matches`, wherever it is loaded (a save changed a flag, say).
    package mutating func update(where matches: (Item) -> Bool, with change: (inout Item) -> Void) {
        for (number, items) in pages {
            guard let index = items.firstIndex(where: matches) else { continue }
            var changed = items
            change(&changed[index])
            pages[number] = changed
        }
    }

    package mutating func setViewportHeight(_ height: Int) {
        cursor.setViewportHeight(height)
    }

    /// Keeps the wanted pages and one either side; the rest are fetched again if scrolled back to.
    private mutating func evictFarPages() {
        let wanted = wantedPageNumbers
        guard let low = wanted.min(), let high = wanted.max() else { return }
        pages = pages.filter { ($0.key >= low - 1) && ($0.key <= high + 1) }
    }
}
