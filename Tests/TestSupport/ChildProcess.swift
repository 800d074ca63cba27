import Foundation

/// A program run as a child process with its output in files, so a test can send it signals,
/// wait for it, and read its resource usage from `wait4` (see `wait()` for what its peak memory
/// does and does not measure).
public final class ChildProcess: @unchecked Sendable {
    public let processIdentifier: pid_t
    private let outputFile: URL, errorFile: URL
    private var finished: (status: Int32, signal: Int32?, peakResidentBytes: Int)?

    /// Starts `executable` with `arguments` (raw bytes, so a test can pass a path that is not
    /// UTF-8) and `environment` added to this process's.
    public init(_ executable: URL, arguments: [[UInt8]], environment: [String: String] = [:]) throws {
        let folder = FileManager.default.temporaryDirectory
        outputFile = folder.appendingPathComponent("clipkit-child-\(UUID().uuidString).out")
        errorFile = folder.appendingPathComponent("clipkit-child-\(UUID().uuidString).err")
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argumentBytes = [Array(executable.path.utf8)] + arguments
        let environmentBytes = merged.map { Array("\($0.key)=\($0.value)".utf8) }
        func cStrings(_ list: [[UInt8]]) -> [UnsafeMutablePointer<CChar>?] {
            list.map { bytes in
                let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
                for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
                pointer[bytes.count] = 0
                return pointer
            } + [nil]
        }
        let argv = cStrings(argumentBytes), envp = cStrings(environmentBytes)
        defer { for pointer in argv + envp { pointer?.deallocate() } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        guard result == 0 else { throw SpawnFailure(executable: executable.path, code: result) }
        processIdentifier = pid
    }

    /// Starts `executable` with text arguments.
    public convenience init(_ executable: URL, arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(executable, arguments: arguments.map { Array($0.utf8) }, environment: environment)
    }

    deinit {
        if finished == nil { kill(processIdentifier, SIGKILL); _ = wait() }
        try? FileManager.default.removeItem(at: outputFile)
        try? FileManager.default.removeItem(at: errorFile)
    }

    /// Sends `signal`.
    public func send(_ signal: Int32) { kill(processIdentifier, signal) }

    /// Waits for the exit: the exit status (or 128 + signal), the signal that ended it if any,
    /// and its peak resident memory in bytes. That peak is an upper bound only: `posix_spawn` runs
    /// the child in this process's memory until `exec`, and Linux carries that memory's peak over
    /// `exec`, so a large test process inflates it. A child's own peak is its `VmHWM`
    /// (`/proc/self/status`), which it must report itself.
    @discardableResult
    public func wait() -> (status: Int32, signal: Int32?, peakResidentBytes: Int) {
        if let finished { return finished }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(processIdentifier, &status, 0, &usage) < 0 && errno == EINTR {}
        let signalNumber = status & 0x7F
        let result: (Int32, Int32?, Int) = signalNumber == 0
            ? ((status >> 8) & 0xFF, nil, usage.ru_maxrss * 1024)
            : (128 + signalNumber, signalNumber, usage.ru_maxrss * 1024)
        finished = result
        return result
    }

    /// Whether the child has not exited yet (without reaping it).
    public var isRunning: Bool {
        if finished != nil { return false }
        var info = siginfo_t()
        return waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == 0
    }

    /// Standard output so far.
    public var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    /// Standard error so far.
    public var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    struct SpawnFailure: Error, CustomStringConvertible {
        let executable: String
        let code: Int32
        var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }
}
