import Foundation
import Retrieval
import Testing

/// A fresh database on the test PostgreSQL server (`CLIPKIT_TEST_POSTGRES_URL`, started by
/// `scripts/test-postgres.sh`), dropped when this object goes away.
///
/// Without the variable, tests outside CI skip with a printed reason; under `CI=true` the missing
/// server is recorded as a failure, so CI can never pass by skipping the PostgreSQL backend.
public final class PostgresTestDatabase {
    public let location: PostgresLocation

    /// The server's URL, or nil (after printing why, or recording a failure under CI).
    public static func serverLocation(_ test: String = #function) -> PostgresLocation? {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["CLIPKIT_TEST_POSTGRES_URL"], !url.isEmpty else {
            if environment["CI"] == "true" {
                Issue.record("CLIPKIT_TEST_POSTGRES_URL is not set under CI: .ci/run starts PostgreSQL with scripts/test-postgres.sh")
            } else {
                print("skipping the PostgreSQL part of \(test): set CLIPKIT_TEST_POSTGRES_URL "
                      + "(CLIPKIT_TEST_POSTGRES_URL=$(scripts/test-postgres.sh start))")
            }
            return nil
        }
        do {
            return try PostgresLocation(url: url)
        } catch {
            Issue.record("CLIPKIT_TEST_POSTGRES_URL: \(error)")
            return nil
        }
    }

    /// A new empty database, or nil when there is no server (see `serverLocation`).
    public static func make(_ test: String = #function) throws -> PostgresTestDatabase? {
        guard let server = serverLocation(test) else { return nil }
        return PostgresTestDatabase(location: server.with(database: "clipkit_test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"))
    }

    private init(location: PostgresLocation) {
        self.location = location
    }

    deinit {
        try? PostgresStore.dropDatabase(location)
    }
}
