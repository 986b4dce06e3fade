/// Failures of the store itself, as opposed to refusals of a command (``ConnectsCore/ConnectsError``).
public enum StoreError: Error, Hashable, Sendable {
    /// The write queue is full; the caller should retry later.
    case overloaded
    /// Stored data breaks an invariant the code relies on; `connects verify` says more.
    case corrupt(String)
    /// The database could not be opened or migrated.
    case unavailable(String)
    /// A backup would overwrite this file, which exists.
    case backupTargetExists(String)
}
