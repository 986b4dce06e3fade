import ArgumentParser
import ConnectsCore
import ConnectsServer
import ConnectsStore
import Foundation

extension Connects {
    /// `connects staff`: the support agents and admins who sign into the console.
    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the staff who sign into the support console.",
            subcommands: [Add.self]
        )

        /// `connects staff add NAME --role support|admin`, the password from standard input or a prompt.
        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a support agent or admin.",
                discussion: """
                    The password is read from standard input (one line), or asked for without showing it when \
                    standard input is a terminal; never from an argument, which other users of the machine \
                    can see. It must be 12 to 72 bytes long; only its bcrypt hash is stored.
                    """
            )

            @Argument(help: "The name the staff member signs in with (letters, digits, '.', '-', '_').")
            var name: String

            @Option(
                help:
                    "support (the console, adjustments and reversals within the policy's limit) or admin (also the policy)."
            )
            var role: String

            @Flag(help: "Give an existing staff member this role and password, and lift any lock.")
            var replace = false

            @OptionGroup var databaseOptions: DatabaseOptions

            func run() async throws {
                guard let role = APIKey.Role(rawValue: role), role == .support || role == .admin else {
                    throw ValidationError("--role must be support or admin")
                }
                guard let password = Self.readPassword() else {
                    throw ValidationError("no password given on standard input")
                }
                let store = try await databaseOptions.open()
                defer { Task { await (store as? PostgresStore)?.shutdown() } }
                do {
                    try await StaffAccounts.add(
                        name: name, role: role, password: password, replacing: replace, to: store,
                        now: ServerClock.systemNow())
                } catch let error as ConnectsError {
                    FileHandle.standardError.write(Data("error: \(error.detail)\n".utf8))
                    throw ExitCode(1)
                }
                print("\(replace ? "updated" : "added") \(role.rawValue) \(name)")
            }

            /// One line from standard input, or from a prompt that does not echo it.
            static func readPassword() -> String? {
                if isatty(STDIN_FILENO) == 1 {
                    guard let typed = getpass("Password for the new staff member: ") else { return nil }
                    return String(cString: typed)
                }
                return readLine(strippingNewline: true)
            }
        }
    }
}
