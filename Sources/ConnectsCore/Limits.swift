/// The explicit limits of DESIGN.md. Every input and queue has one; exceeding any is refused with a
/// stable error code, never clamped.
public enum Limits {
    /// The largest number of connects one movement may move.
    public static let movementMax: Int64 = 100_000
    /// The largest balance an account may hold.
    public static let balanceMax: Int64 = 1_000_000_000
    /// The largest request body, in bytes.
    public static let requestBodyBytesMax = 64 * 1024
    /// The most bytes of a request's headers, all of them together (and so any one): past it the
    /// connection is closed unanswered.
    public static let requestHeaderBytesMax = 32 * 1024
    /// The most header fields a request may carry.
    public static let requestHeaderCountMax = 100
    /// The longest idempotency key, in UTF-8 bytes.
    public static let idempotencyKeyBytesMax = 255
    /// How long an idempotency record is promised to be kept, in days (API.md).
    public static let idempotencyRetentionDays: Int64 = 7
    /// The largest page of a list.
    public static let pageSizeMax = 500
    /// The most unread notifications counted: past it, a count says "at least" (counting stays a short
    /// seek however many an account never read).
    public static let unreadCountMax = 1_000
    /// The most points a chart of the pages draws (a day each).
    public static let chartPointsMax = 400
    /// The most notifications marked read by id in one request.
    public static let notificationIDsMax = 100
    /// The default page size of a list.
    public static let pageSizeDefault = 50
    /// Entries read per query by the CSV export, which streams every page itself (not an API limit).
    public static let exportPageSize = 2_000
    /// Pages the CSV export reads at once: with its formatting, enough to keep two cores busy, and
    /// few enough that an export holds at most one page more than this in memory.
    public static let exportReadsAtOnce = 3
    /// The longest support reason, in characters.
    public static let reasonLengthMax = 500
    /// The longest external identifier, name or ticket, in characters.
    public static let labelLengthMax = 200
    /// The highest boost bid any policy may allow, in connects.
    public static let boostBidMax: Int64 = 1_000
    /// The longest webhook URL, in characters.
    public static let webhookURLLengthMax = 2_000
    /// The longest a rotated webhook secret keeps signing beside the new one, in seconds.
    public static let webhookSecretOverlapSecondsMax: Int64 = 7 * 86_400
    /// How long a portal link signs its account in, in seconds: long enough to follow it at once.
    public static let portalLinkSeconds: Int64 = 600
    /// How long a signed-in browser session lasts, in seconds.
    public static let webSessionSeconds: Int64 = 12 * 3_600
    /// The longest staff member's name.
    public static let staffNameLengthMax = 64
    /// A staff password's length in bytes: at least 12, at most bcrypt's 72 (it ignores the rest).
    public static let staffPasswordBytes = 12...72
    /// Failed sign-ins in a row, under one staff name, before the name is locked for a while.
    public static let signInFailuresBeforeLock: Int64 = 5
    /// How long the first lock lasts, in seconds; each further failure doubles it, up to an hour.
    public static let signInLockSeconds: Int64 = 60
    /// Failed sign-ins from one address, per 15 minutes, before its attempts are refused unread.
    public static let signInFailuresPerAddress = 20
    /// The number of lots one account may have open at once; a spend never walks more than this.
    public static let openLotsPerAccountMax = 100_000
}
