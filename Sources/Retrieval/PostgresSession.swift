import Foundation
import PostgresNIO

/// One connection to PostgreSQL used from synchronous code: each call blocks its thread until the
/// server answers (the connection runs on NIO's own event-loop threads, never on the Swift
/// concurrency pool, so blocking a caller cannot starve it). Calls are serialised; a transaction
/// holds the connection for its whole body. A lost connection is reopened on the next call, and
/// every failure surfaces as `StoreError.databaseUnavailable` or `.databaseFailure` naming the
/// server, never as a bare driver error.
final class PostgresSession: @unchecked Sendable {
    let location: PostgresLocation
    private var connection: PostgresConnection?
    private let lock = NSRecursiveLock()
    private var nextIdentifier = 1
    private static let logger = Logger(label: "clipkit.postgres")

    init(location: PostgresLocation) throws {
        self.location = location
        _ = try connected()
    }

    deinit {
        if let connection { _ = try? connection.close().wait() }
    }

    /// Runs `sql` with positional parameters `$1…` and returns every row.
    @discardableResult
    func query(_ sql: String, _ parameters: [PostgresParameter] = []) throws -> [PostgresRow] {
        try run(sql, parameters).rows
    }

    /// Runs `sql` and returns the number of rows it changed (`UPDATE`, `DELETE`, `INSERT`).
    @discardableResult
    func execute(_ sql: String, _ parameters: [PostgresParameter] = []) throws -> Int {
        try run(sql, parameters).metadata.rows ?? 0
    }

    /// Runs `sql` and hands each row to `body` as it arrives (large reads without holding every row).
    func forEachRow(_ sql: String, _ parameters: [PostgresParameter] = [], _ body: @escaping @Sendable (PostgresRow) throws -> Void) throws {
        _ = try withQuery(sql, parameters) { connection, query in
            try connection.query(query, logger: Self.logger, body).wait()
        }
    }

    /// Runs `body` inside `BEGIN … COMMIT`, rolling back when it throws.
    func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        lock.lock()
        defer { lock.unlock() }
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    private func run(_ sql: String, _ parameters: [PostgresParameter]) throws -> PostgresQueryResult {
        try withQuery(sql, parameters) { connection, query in try connection.query(query, logger: Self.logger).wait() }
    }

    /// Runs `send` with the open connection and `sql` bound to `parameters`, holding the session;
    /// a driver failure becomes a store error (and drops a lost connection), a store error thrown
    /// by a row handler passes through unchanged.
    private func withQuery<Result>(_ sql: String, _ parameters: [PostgresParameter],
                                   _ send: (PostgresConnection, PostgresQuery) throws -> Result) throws -> Result {
        lock.lock()
        defer { lock.unlock() }
        var bindings = PostgresBindings(capacity: parameters.count)
        for parameter in parameters { parameter.append(to: &bindings) }
        let connection = try connected()
        do {
            return try send(connection, PostgresQuery(unsafeSQL: sql, binds: bindings))
        } catch let error as StoreError {
            throw error
        } catch {
            throw failed(connection, error)
        }
    }

    /// The store error for `error`; a failure the server did not report itself (a lost or
    /// closing connection, whose `isClosed` may not be set yet) or one it reported as ending the
    /// session (severity FATAL or PANIC, e.g. "terminating connection due to administrator
    /// command" when the backend is killed or the server restarts) drops the connection, so the
    /// next call opens a new one.
    private func failed(_ connection: PostgresConnection, _ error: Error) -> StoreError {
        let serverInfo = (error as? PSQLError)?.serverInfo
        let reportedByServer = serverInfo != nil
        let endsSession = serverInfo?[.severity].map { ["FATAL", "PANIC"].contains($0) } ?? false
        if !reportedByServer || endsSession {
            self.connection = nil
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
        return Self.storeError(error, location: location, closed: !reportedByServer)
    }

    private func connected() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        connection = nil
        do {
            let opened = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: location.configuration,
                                                        id: nextIdentifier, logger: Self.logger).wait()
            nextIdentifier += 1
            connection = opened
            return opened
        } catch {
            throw Self.storeError(error, location: location, closed: true)
        }
    }

    /// The store's error for a driver error: the server's own message when it sent one.
    static func storeError(_ error: Error, location: PostgresLocation, closed: Bool) -> StoreError {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return .databaseFailure(location: location.description, reason: message + state)
        }
        if let error = error as? StoreError { return error }
        let reason = (error as? PSQLError).map { "\($0.code)" + ($0.underlying.map { ": \($0)" } ?? "") } ?? "\(error)"
        return closed ? .databaseUnavailable(location: location.description, reason: reason)
            : .databaseFailure(location: location.description, reason: reason)
    }
}

/// A query parameter: text, integer, real, boolean, text array, or NULL.
enum PostgresParameter {
    case text(String?)
    case integer(Int64?)
    case real(Double?)
    case boolean(Bool)
    case texts([String])

    func append(to bindings: inout PostgresBindings) {
        switch self {
        case let .text(value): bindings.append(value)
        case let .integer(value): bindings.append(value)
        case let .real(value): bindings.append(value)
        case let .boolean(value): bindings.append(value)
        case let .texts(values): bindings.append(values)
        }
    }
}
