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

    /// Microseconds of CPU per operation since `self`, for `operations` operations.
    func microseconds(per operations: Int) -> Double? {
        operations > 0 ? (Self.now.seconds - seconds) * 1e6 / Double(operations) : nil
    }
}
