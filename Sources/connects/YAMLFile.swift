import ArgumentParser
import ConnectsCore
import ConnectsSimulator
import Foundation
import Yams

/// Reads YAML documents that name only what they change: a policy file (the document of
/// `GET /v1/policy`) over the default policy, a behaviour model over the simulator's defaults.
enum YAMLFile {
    /// The policy in the file at `path`, its missing parts the default policy's, checked whole.
    static func policy(_ path: String) throws -> Policy {
        try checked(load(path, over: Policy.standard, what: "policy"), path, what: "policy") {
            (policy) throws(ConnectsError) in try policy.validate()
        }
    }

    /// The behaviour model in the file at `path`, its missing parts the defaults, checked.
    static func model(_ path: String) throws -> BehaviourModel {
        try checked(load(path, over: BehaviourModel.standard, what: "behaviour model"), path, what: "behaviour model") {
            (model) throws(ConnectsError) in try model.validate()
        }
    }

    private static func checked<Document>(
        _ document: Document, _ path: String, what: String, _ validate: (Document) throws(ConnectsError) -> Void
    ) throws -> Document {
        do {
            try validate(document)
        } catch {
            throw ValidationError("the \(what) file \(path) is invalid: \(error.detail)")
        }
        return document
    }

    /// `defaults` with the file's values laid over it, key by key at every depth (a list is replaced
    /// whole; an explicit `null` clears an optional setting).
    static func load<Document: Codable>(_ path: String, over defaults: Document, what: String) throws -> Document {
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw ValidationError("cannot read the \(what) file \(path)")
        }
        guard text.utf8.count <= 1_048_576 else { throw ValidationError("the \(what) file \(path) is over 1 MiB") }
        do {
            let changes = try YAMLDecoder().decode(JSONValue.self, from: text)
            guard case .object = changes else { throw ValidationError("it is not a mapping of settings") }
            let base = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(defaults))
            return try JSONDecoder().decode(Document.self, from: JSONEncoder().encode(base.merging(changes)))
        } catch {
            throw ValidationError("the \(what) file \(path) is not a \(what) document: \(error)")
        }
    }
}

extension JSONValue {
    /// This document with `changes` laid over it: objects merge key by key, anything else is replaced.
    func merging(_ changes: JSONValue) -> JSONValue {
        guard case .object(var base) = self, case .object(let changed) = changes else { return changes }
        for (key, value) in changed {
            base[key] = base[key].map { $0.merging(value) } ?? value
        }
        return .object(base)
    }
}
