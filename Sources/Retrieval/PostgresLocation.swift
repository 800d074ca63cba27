import Foundation
import PostgresNIO

/// A PostgreSQL database named by a URL, `postgres://user[:password]@host[:port]/database`
/// (`postgresql://` also; `?sslmode=require` turns TLS on, the default is plain TCP, as on
/// loopback and private networks). `PGPASSWORD` supplies a password the URL leaves out.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var requiresTLS: Bool

    /// True for the arguments `StoreLocation` sends to PostgreSQL.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; throws `StoreError.unreadableStore` naming what is wrong.
    public init(url text: String) throws {
        guard Self.isPostgresURL(text), let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw StoreError.unreadableStore(path: text, reason: "not a PostgreSQL URL: write postgres://user@host:port/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw StoreError.unreadableStore(path: text, reason: "the URL names no database: write postgres://user@host:port/database")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        self.database = database.removingPercentEncoding ?? database
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        requiresTLS = ["require", "verify-ca", "verify-full"].contains(sslMode)
    }

    /// The same server with another database (tests create one database per store).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL without its password, for messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresConnection.Configuration {
        get throws {
            let tls: PostgresConnection.Configuration.TLS = requiresTLS ? .require(try .init(configuration: .makeClientConfiguration())) : .disable
            return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
    }
}
