#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CPU time this process has used, on every thread, user and system.
///
/// A rate depends on how much of the machine the process got: on a shared virtual machine another
/// tenant's load (steal time) moves a figure by 20-50% from one run to the next, the same binary. The CPU
/// time per operation does not, so it tells whether a change made an operation cheaper when the rates
/// of two runs disagree (2026-12-03: figure 2's rate of one binary ran from 6,851 to 8,958/s within two
/// hours, its CPU time per spend from 143 to 153 µs).
struct ProcessCPU {
    let seconds: Double

    static var now: ProcessCPU {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return ProcessCPU(seconds: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
    }

    /// The CPU time another process has used (the server of figures 1 and 3), from Linux's
    /// `/proc/ID/stat` in clock ticks (10 ms, fine over seconds of load); `nil` elsewhere.
    static func of(processID: Int32) -> ProcessCPU? {
        guard let stat = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { return nil }
        // Past the command's name the fields count from the third (state); utime and stime are the
        // 14th and 15th.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return ProcessCPU(seconds: (user + system) / Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Microseconds of CPU per operation from `self` to `end`, for `operations` operations.
    func microseconds(per operations: Int, until end: ProcessCPU? = .now) -> Double? {
        guard operations > 0, let end else { return nil }
        return (end.seconds - seconds) * 1e6 / Double(operations)
    }
}
