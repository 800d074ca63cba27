import Foundation

/// CPU time (user + system) spent by a PostgreSQL server running on this machine: its postmaster,
/// the backends and parallel workers alive now, and those it has already reaped (the kernel adds
/// a reaped child's time to its parent's `cutime`/`cstime`). Read from `/proc`; the server is
/// found by its command line (`postgres … -p PORT`). Nil when no such process is visible (a server
/// on another machine).
struct PostgresServerCPU {
    let postmaster: Int32

    init?(port: Int) {
        var found: Int32?
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let arguments = Self.commandLine(pid), let program = arguments.first,
                  program.hasSuffix("/postgres") || program == "postgres" else { continue }
            guard let portIndex = arguments.firstIndex(of: "-p"), portIndex + 1 < arguments.count,
                  arguments[portIndex + 1] == String(port) else { continue }
            found = pid
            break
        }
        guard let found else { return nil }
        postmaster = found
    }

    /// Seconds of CPU used so far by the server and its children, reaped or alive.
    func seconds() -> Double {
        guard let own = Self.stat(postmaster) else { return 0 }
        var ticks = own.user + own.system + own.childrenUser + own.childrenSystem
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != postmaster, let child = Self.stat(pid), child.parent == postmaster else { continue }
            ticks += child.user + child.system + child.childrenUser + child.childrenSystem
        }
        return Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func commandLine(_ pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Fields of `/proc/PID/stat` (after the parenthesised command name: state is field 3).
    private static func stat(_ pid: Int32) -> (parent: Int32, user: Int, system: Int, childrenUser: Int, childrenSystem: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")   // fields[0] is field 3 (state)
        guard fields.count > 14, let parent = Int32(fields[1]), let user = Int(fields[11]), let system = Int(fields[12]),
              let childrenUser = Int(fields[13]), let childrenSystem = Int(fields[14]) else { return nil }
        return (parent, user, system, childrenUser, childrenSystem)
    }
}
