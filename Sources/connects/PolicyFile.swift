import ArgumentParser
import ConnectsCore
import Foundation
import Yams

/// Reads a policy file: the same document as `GET /v1/policy`, in YAML.
enum PolicyFile {
    /// The policy in the YAML file at `path`, checked whole.
    static func load(_ path: String) throws -> Policy {
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw ValidationError("cannot read the policy file \(path)")
        }
        guard text.utf8.count <= 1_048_576 else { throw ValidationError("the policy file \(path) is over 1 MiB") }
        let policy: Policy
        do {
            policy = try YAMLDecoder().decode(Policy.self, from: text)
        } catch {
            throw ValidationError("the policy file \(path) is not a policy document: \(error)")
        }
        do {
            try policy.validate()
        } catch {
            throw ValidationError("the policy file \(path) is invalid: \(error.detail)")
        }
        return policy
    }
}
