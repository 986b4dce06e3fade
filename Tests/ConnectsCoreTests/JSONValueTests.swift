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

    /// Foundation's reading of `bytes`, which ``JSONValue/init(parsing:)`` must match.
    static func foundationValue(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    @Test func readsWhatFoundationReads() async throws {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...80)) { script in
            var builder = Builder(script: script)
            let value = builder.value(depth: 0)
            #expect((try? JSONValue(parsing: value.serialized)) == value)
            // With whitespace between every token.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted]
            guard let pretty = try? Array(encoder.encode(value)) else { return }
            #expect((try? JSONValue(parsing: pretty)) == value, "\(String(decoding: pretty, as: UTF8.self))")
        }
    }

    /// Odd and broken texts, each read (or refused) as Foundation reads it.
    @Test(
        arguments: [
            "", " ", "{", "}", "{}", "[]", " \t\r\n{ } ", "[1,]", #"{"a":1,}"#, "[1 2]", #"{"a" 1}"#, "{1:2}",
            #"{"a":1"#, "[", "[[]", "{}x", "{} {}", "true", "tru", "truex", "null", "nul", "false", "NaN",
            "Infinity", "-Infinity", "0", "-0", "01", "-01", "1.0", "1.5", "-1.5e-3", "1e2", "1E+2", "1e-2", ".5",
            "5.", "-", "+1", "1.e2", "1e", "0x10", "1e400", "-1e400", "1e-400", "-0.0", "2.0e0",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "12345678901234567890123", "4.5e15", "9.2233720368547758e18", #""\u0041""#, #""\u00e9""#,
            #""\ud83d\ude80""#, #""\uD83D\uDE80""#, #""\ud83d""#, #""\ude80""#, #""\ud83d\u0041""#,
            #""\ud83dx""#, #""\u12""#, #""\u12G4""#, #""\x""#, #""\/""#, #""\b\f\n\r\t""#, "\"a\nb\"",
            "\"a\u{7F}b\"", "\"tab\tin\"", #""é🚀""#, #""unclosed"#, #"{"a":1,"a":2}"#, #"{"a":{"b":1,"b":[2]},"a":3}"#,
            "\u{FEFF}{}", "\u{FEFF}\u{FEFF}{}", " \u{FEFF}{}",
            "[1,,]", "[,]", "{,}", #"{"a":1,,}"#, "[[1,],]",
            #"{"a":{"b":[1,{"c":null}]}}"#, #"[true,false,null,"x",-2,0.25]"#,
        ])
    func readsOddTextAsFoundationDoes(_ text: String) {
        let bytes = Array(text.utf8)
        #expect((try? JSONValue(parsing: bytes)) == Self.foundationValue(bytes))
    }

    /// Invalid UTF-8 and overlong encodings, and nesting at Foundation's limit and past it.
    @Test func readsBytesAndDepthAsFoundationDoes() {
        let texts: [[UInt8]] = [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            Array(String(repeating: "[", count: 512).utf8) + Array(String(repeating: "]", count: 512).utf8),
            Array(String(repeating: "[", count: 513).utf8) + Array(String(repeating: "]", count: 513).utf8),
            Array(String(repeating: #"{"a":"#, count: 600).utf8) + Array("1".utf8)
                + Array(String(repeating: "}", count: 600).utf8),
        ]
        for bytes in texts {
            #expect((try? JSONValue(parsing: bytes)) == Self.foundationValue(bytes), "\(bytes.prefix(8))")
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
