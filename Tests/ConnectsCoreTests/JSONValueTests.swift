import ConnectsCore
import Foundation
import PropertyBased
import Testing

/// The hand-written JSON writer must give exactly the bytes Foundation's encoder gives (sorted keys,
/// unescaped slashes): stored event payloads and replayed responses depend on it.
struct JSONValueTests {
    /// Builds a document from a script of numbers: each number picks the next node and its content.
    struct Builder {
        var script: [Int]
        var position = 0
        static let pieces = ["a", "id", "/path", "quote\"", "back\\slash", "tab\t", "nl\n", "\u{1}", "é", "🚀", "", " "]

        mutating func next() -> Int {
            defer { position += 1 }
            return position < script.count ? script[position] : 0
        }

        mutating func string() -> String {
            let count = next() % 4
            return (0..<count).map { _ in Self.pieces[next() % Self.pieces.count] }.joined()
        }

        mutating func value(depth: Int) -> JSONValue {
            let pick = next()
            switch depth > 2 ? pick % 4 : pick % 6 {
            case 0: return .null
            case 1: return .bool(pick % 2 == 0)
            case 2: return .int(Int64(pick) * (pick % 3 == 0 ? -1 : 1) * 1_000_003)
            case 3: return .string(string())
            case 4: return .array((0..<next() % 4).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<next() % 5 { members[string()] = value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    static func foundationBytes(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    @Test func writesWhatFoundationWritesAndReadsBack() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...80)) { script in
            var builder = Builder(script: script)
            let value = builder.value(depth: 0)
            let bytes = value.serialized
            #expect(bytes == (try? Self.foundationBytes(value)), "\(String(decoding: bytes, as: UTF8.self))")
            #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))) == value)
        }
    }

    @Test func numbersAndEscapes() {
        #expect(JSONValue.double(2).serializedText == "2")
        #expect(JSONValue.double(0.5).serializedText == "0.5")
        #expect(JSONValue.double(.nan).serializedText == "null")
        #expect(JSONValue.int(.min).serializedText == "-9223372036854775808")
        #expect(JSONValue.string("\u{1F}\"\\/").serializedText == #""\u001f\"\\/""#)
        #expect(JSONValue.object(["b": .null, "a": .array([])]).serializedText == #"{"a":[],"b":null}"#)
    }
}
