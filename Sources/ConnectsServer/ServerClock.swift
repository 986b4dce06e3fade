import ConnectsCore
import Foundation
import Synchronization

/// The server's time: the system clock, or a test clock that only moves when told to.
///
/// A test clock starts at the system time and moves forward only, through `POST /v1/test-clock`, which
/// runs all scheduled work due on the way before it answers. Server nodes on one database share it
/// through the database (``ConnectsApp/syncSharedState()``); this is each node's copy.
public final class ServerClock: Sendable {
    private let frozen: Mutex<Instant>
    /// Whether this is a test clock that tests may move.
    public let isTestClock: Bool

    /// The system clock.
    public static func system() -> ServerClock { ServerClock(start: systemNow(), isTestClock: false) }

    /// A test clock starting at `start`.
    public static func test(startingAt start: Instant = ServerClock.systemNow()) -> ServerClock {
        ServerClock(start: start, isTestClock: true)
    }

    private init(start: Instant, isTestClock: Bool) {
        self.frozen = Mutex(start)
        self.isTestClock = isTestClock
    }

    /// The current time.
    public func now() -> Instant {
        isTestClock ? frozen.withLock { $0 } : Self.systemNow()
    }

    /// Moves a test clock to `instant` if that is later than now.
    func move(to instant: Instant) {
        precondition(isTestClock, "only a test clock moves")
        frozen.withLock { $0 = max($0, instant) }
    }

    /// The system clock, in whole milliseconds.
    public static func systemNow() -> Instant {
        Instant(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
