import Foundation
@testable import Retrieval
import Testing

/// `--db` arguments: PostgreSQL URLs and file paths.
@Suite struct PostgresLocationTests {
    @Test func readsPostgresURLs() throws {
        let location = try PostgresLocation(url: "postgres://clip:s%40cret@db.example:6543/photos?sslmode=require")
        #expect(location.host == "db.example" && location.port == 6543 && location.user == "clip" && location.password == "s@cret")
        #expect(location.database == "photos" && location.requiresTLS)
        #expect(location.description == "postgres://clip@db.example:6543/photos")   // never the password
        let plain = try PostgresLocation(url: "postgresql://clip@127.0.0.1/photos")
        #expect(plain.port == 5432 && !plain.requiresTLS && plain.with(database: "other").database == "other")
    }

    @Test func refusesURLsWithoutHostOrDatabase() {
        #expect(throws: StoreError.self) { try PostgresLocation(url: "postgres://clip@db.example:5432/") }
        #expect(throws: StoreError.self) { try PostgresLocation(url: "postgres:///photos") }
        #expect(throws: StoreError.self) { try PostgresLocation(url: "mysql://clip@db/photos") }
    }

    @Test func storeLocationTellsFilesFromDatabases() throws {
        #expect(try StoreLocation(argument: "postgres://clip@db:5432/photos") == .postgres(try PostgresLocation(url: "postgres://clip@db:5432/photos")))
        #expect(try StoreLocation(argument: "/tmp/photos.db") == .file(URL(fileURLWithPath: "/tmp/photos.db")))
        #expect(try StoreLocation(argument: "/tmp/photos.db").description == "/tmp/photos.db")
    }
}
