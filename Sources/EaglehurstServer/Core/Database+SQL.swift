import Fluent
import SQLKit

extension Database {
    /// This database as SQLKit's `SQLDatabase`, for the queries Fluent's builder cannot express.
    ///
    /// Every driver Eaglehurst configures (SQLite, PostgreSQL) is an SQL database, so the cast
    /// succeeds unless someone configures a non-SQL driver; then it stops at once with the reason
    /// rather than failing somewhere inside a raw query.
    public var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            preconditionFailure("\(type(of: self)) is not an SQLDatabase: Eaglehurst needs an SQL driver (SQLite or PostgreSQL)")
        }
        return sql
    }
}
