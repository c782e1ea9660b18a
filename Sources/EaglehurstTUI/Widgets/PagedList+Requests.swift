import Foundation

/// How a feature asks for a page of its list: the page, its size and the list's generation, so a late
/// answer for an older query is told apart.
typealias PageRequest = (_ page: Int, _ perPage: Int, _ generation: Int) -> Effect

extension PagedList {
    /// The page requests the window now needs.
    mutating func fetch(_ request: PageRequest) -> [Effect] {
        pagesToFetch().map { request($0, pageSize, generation) }
    }

    /// Asks again for every page held, keeping the rows shown until the answers come.
    mutating func reloadAll(_ request: PageRequest) -> [Effect] {
        markAllForReload().map { request($0, pageSize, generation) }
    }

    /// Starts over (a new query) at the terminal's table height and asks for the first page.
    mutating func restart(height: Int, _ request: PageRequest) -> [Effect] {
        reset()
        setViewportHeight(height)
        return fetch(request)
    }

    /// Files a page and asks for whatever else the window now needs (a first page tells the total,
    /// after which the next page may be wanted). A failure goes on the message line.
    mutating func take(page: Int, generation: Int, _ result: Result<PageAnswer<Item>, RequestFailure>, shell: inout Shell, _ request: PageRequest) -> [Effect] {
        switch result {
        case .success(let answer):
            guard receive(page: page, items: answer.items, total: answer.total, totalCapped: answer.totalCapped, isStale: answer.isStale, generation: generation) else { return [] }
            shell.connection = answer.isStale ? .unreachable : .connected
            return fetch(request)
        case .failure(let failure):
            guard fail(page: page, with: failure, generation: generation) else { return [] }
            shell.message = .error("Could not load the list: \(failure.summary)")
            return []
        }
    }

    /// Moves the cursor and asks for the pages its new window needs.
    mutating func move(_ action: Action, _ request: PageRequest) -> [Effect] {
        _ = cursor.move(action)
        return fetch(request)
    }
}
