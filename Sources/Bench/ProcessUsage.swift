import Foundation

/// CPU time and memory of a process, read from `/proc/PID/stat` and `/proc/PID/status`.
struct ProcessReading: Sendable {
    /// User plus system time, all threads, in seconds.
    var cpuSeconds: Double
    /// Resident set size now, in bytes.
    var residentBytes: Int

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The reading of `pid` now, nil if it is gone.
    init?(pid: Int32) {
        // The command name (field 2) may hold spaces and parentheses: fields count from its last ')'.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime field 14, stime field 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        cpuSeconds = (user + system) / Self.ticksPerSecond
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        residentBytes = kilobytes * 1024
    }
}

/// A process watched through one phase: CPU spent between `start` and `finish`, the largest
/// resident size seen by the samples in between.
final class ProcessWatch: @unchecked Sendable {
    let name: String
    let pid: Int32
    private var first: ProcessReading?
    private var last: ProcessReading?
    private var peakBytes = 0
    private let lock = NSLock()

    init(name: String, pid: Int32) {
        self.name = name
        self.pid = pid
        sample()
        lock.withLock { first = last }
    }

    /// Reads the process now; call every few hundred milliseconds.
    func sample() {
        guard let reading = ProcessReading(pid: pid) else { return }
        lock.withLock {
            last = reading
            peakBytes = max(peakBytes, reading.residentBytes)
        }
    }

    /// The usage over the phase, with the CPU per relayed message.
    func usage(relayedMessages: Int) -> ProcessUsage {
        sample()
        return lock.withLock {
            let cpu = max(0, (last?.cpuSeconds ?? 0) - (first?.cpuSeconds ?? 0))
            return ProcessUsage(
                name: name, cpuSeconds: cpu, peakRSSMegabytes: Double(peakBytes) / 1_048_576,
                cpuMicrosecondsPerMessage: relayedMessages == 0 ? 0 : cpu * 1_000_000 / Double(relayedMessages))
        }
    }
}

/// What a process cost during a phase.
public struct ProcessUsage: Sendable, Codable, Equatable {
    public var name: String
    public var cpuSeconds: Double
    public var peakRSSMegabytes: Double
    public var cpuMicrosecondsPerMessage: Double
}
