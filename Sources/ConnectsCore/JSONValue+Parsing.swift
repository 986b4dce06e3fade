extension JSONValue {
    /// Why a text is not a JSON document, and where (a byte offset).
    public struct ParseError: Error, Hashable, Sendable {
        public let offset: Int
        public let reason: String
    }

    /// Reads a JSON document (RFC 8259): whitespace around one value, and nothing else.
    ///
    /// Read by hand, as ``serialized`` is written by hand: Foundation's `JSONDecoder` reads a
    /// `JSONValue` through `Decodable`, which tries each kind in turn and builds an error for every
    /// kind a value is not (five for an object), about 4% of the server's CPU per proposal in bench
    /// figure 1. It reads what `JSONDecoder` reads, to the same values (a test compares the two),
    /// so that no client sees a change: a number without a fraction or exponent is an integer when it
    /// fits in 64 bits, a number with one is an integer when it is whole and fits, any other number a
    /// fraction; a string must be UTF-8 with no lone surrogate escape; the first of two members of one
    /// name is kept; one comma may follow an array's or an object's last item, and a byte order mark
    /// may open the text (both lenient, as `JSONDecoder` is); at most 512 arrays and objects deep.
    public init(parsing bytes: [UInt8]) throws(ParseError) {
        var reader = JSONReader(bytes: bytes)
        self = try reader.document()
    }
}

/// The reader behind ``JSONValue/init(parsing:)``: recursive descent over the bytes.
struct JSONReader {
    let bytes: [UInt8]
    var position = 0
    var depth = 0

    /// Foundation's limit too: deeper documents are refused rather than recursed into.
    static let depthMax = 512

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func document() throws(JSONValue.ParseError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        skipWhitespace()
        let value = try value()
        skipWhitespace()
        guard position == bytes.count else { throw failure("text after the document") }
        return value
    }

    private func failure(_ reason: String) -> JSONValue.ParseError {
        JSONValue.ParseError(offset: position, reason: reason)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func value() throws(JSONValue.ParseError) -> JSONValue {
        guard let byte = current else { throw failure("the document ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("a value cannot start here")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONValue.ParseError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("not a value") }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] {
            throw failure("not a value")
        }
        position += count
    }

    private mutating func nested<T>(
        _ body: (inout JSONReader) throws(JSONValue.ParseError) -> T
    )
        throws(JSONValue.ParseError) -> T
    {
        depth += 1
        guard depth <= Self.depthMax else { throw failure("nested too deeply") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws(JSONValue.ParseError) -> JSONValue {
        try nested { reader throws(JSONValue.ParseError) in
            var members: [String: JSONValue] = [:]
            guard reader.opens(closedBy: UInt8(ascii: "}")) else { return .object(members) }
            repeat {
                guard reader.current == UInt8(ascii: "\"") else {
                    throw reader.failure("a member's name must be a string")
                }
                let name = try reader.string()
                reader.skipWhitespace()
                guard reader.current == UInt8(ascii: ":") else {
                    throw reader.failure("a member's name must be followed by ':'")
                }
                reader.position += 1
                reader.skipWhitespace()
                let value = try reader.value()
                if members[name] == nil { members[name] = value }
            } while try reader.another(before: UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func array() throws(JSONValue.ParseError) -> JSONValue {
        try nested { reader throws(JSONValue.ParseError) in
            var items: [JSONValue] = []
            guard reader.opens(closedBy: UInt8(ascii: "]")) else { return .array(items) }
            repeat {
                items.append(try reader.value())
            } while try reader.another(before: UInt8(ascii: "]"))
            return .array(items)
        }
    }

    /// Reads an array's or object's opening and the whitespace after it: `false` when `closer` follows
    /// at once (an empty one, read whole).
    private mutating func opens(closedBy closer: UInt8) -> Bool {
        position += 1
        skipWhitespace()
        guard current == closer else { return true }
        position += 1
        return false
    }

    /// After an item of an array or object: `true` when a comma says another follows, `false` once
    /// `closer` has ended it (after a comma too).
    private mutating func another(before closer: UInt8) throws(JSONValue.ParseError) -> Bool {
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","):
            position += 1
            skipWhitespace()
            guard current == closer else { return true }
        case closer: break
        default: throw failure("expected ',' or '\(Character(Unicode.Scalar(closer)))'")
        }
        position += 1
        return false
    }

    /// A string, from its opening quote; most have no escape and are taken whole.
    private mutating func string() throws(JSONValue.ParseError) -> String {
        position += 1
        let start = position
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 { position += 1 }
        guard let end = current else { throw failure("a string is not closed") }
        if end == UInt8(ascii: "\"") {
            defer { position += 1 }
            return try text(bytes[start..<position])
        }
        var unescaped = Array(bytes[start..<position])
        while true {
            guard let byte = current else { throw failure("a string is not closed") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try text(unescaped[...])
            case UInt8(ascii: "\\"):
                position += 1
                try unescape(into: &unescaped)
            case ..<0x20: throw failure("a control character must be escaped in a string")
            default:
                unescaped.append(byte)
                position += 1
            }
        }
    }

    private func text(_ utf8: ArraySlice<UInt8>) throws(JSONValue.ParseError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("a string is not UTF-8") }
        return text
    }

    /// One escape, after its backslash.
    private mutating func unescape(into unescaped: inout [UInt8]) throws(JSONValue.ParseError) {
        guard let byte = current else { throw failure("a string is not closed") }
        position += 1
        let simple: UInt8? =
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple { return unescaped.append(simple) }
        guard byte == UInt8(ascii: "u") else { throw failure("an unknown escape") }
        var scalar = UInt32(try hexUnit())
        if (0xD800...0xDBFF).contains(scalar) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw failure("a lone surrogate") }
            position += 2
            let low = UInt32(try hexUnit())
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("a lone surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw failure("a lone surrogate")
        }
        unescaped.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
    }

    /// The four hex digits of a `\u` escape.
    private mutating func hexUnit() throws(JSONValue.ParseError) -> UInt16 {
        guard position + 4 <= bytes.count else { throw failure("a \\u escape needs four hex digits") }
        var unit: UInt16 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape needs four hex digits")
            }
            unit = unit << 4 | UInt16(digit)
        }
        position += 4
        return unit
    }

    /// A number, checked against JSON's grammar (no leading zeros, no lone `.`, no `+`).
    private mutating func number() throws(JSONValue.ParseError) -> JSONValue {
        let start = position
        func digits(_ reader: inout JSONReader) -> Int {
            let first = reader.position
            while let byte = reader.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                reader.position += 1
            }
            return reader.position - first
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if digits(&self) == 0 {
            throw failure("a number needs digits")
        }
        var isWhole = true
        if current == UInt8(ascii: ".") {
            position += 1
            isWhole = false
            guard digits(&self) > 0 else { throw failure("a number's fraction needs digits") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            isWhole = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw failure("a number's exponent needs digits") }
        }
        let token = String(decoding: bytes[start..<position], as: UTF8.self)
        if isWhole, let value = Int64(token) { return .int(value) }
        guard let value = Double(token), value.isFinite else { throw failure("a number out of range") }
        if !isWhole, value == value.rounded(.towardZero), let whole = Int64(exactly: value) { return .int(whole) }
        return .double(value)
    }
}
