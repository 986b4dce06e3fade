import ConnectsCore
import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a webhook may be delivered: not to this machine, the private network it sits in, link-local
/// addresses (a cloud's metadata service, 169.254.169.254, is one) or other reserved ranges, unless the
/// operator allows them (`--allow-private-webhook-urls`, as the tests' local receiver needs). Checked when
/// a webhook is registered and again before every delivery, since what a name resolves to can change.
/// Deliveries follow no redirect, which could lead anywhere.
///
/// What is left: a name that resolves to a public address when checked and to a private one a moment
/// later, when the delivery connects. Pinning the checked address for the connection would close it.
enum WebhookTarget {
    /// Refuses `url` unless it is http(s) and every address its host resolves to is public.
    static func check(_ url: String) async throws(ConnectsError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw ConnectsError.invalidField("url", "must be an http or https URL")
        }
        let addresses: [[UInt8]]
        do {
            addresses = try await NIOThreadPool.singleton.runIfActive { try resolve(host) }
        } catch {
            throw ConnectsError.invalidField("url", "its host \(host) does not resolve")
        }
        if addresses.isEmpty { throw ConnectsError.invalidField("url", "its host \(host) does not resolve") }
        if let address = addresses.first(where: isReserved) {
            throw ConnectsError.invalidField(
                "url",
                "its host \(host) is \(describe(address)), a private or reserved address; "
                    + "an operator may allow such targets with --allow-private-webhook-urls")
        }
    }

    /// The IPv4 (4 bytes) and IPv6 (16 bytes) addresses of `host`: itself when it is an address.
    static func resolve(_ host: String) throws -> [[UInt8]] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0 else { throw ResolutionFailed() }
        defer { freeaddrinfo(list) }
        var addresses: [[UInt8]] = []
        var next = list
        while let info = next?.pointee {
            if info.ai_family == AF_INET, let raw = info.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin_addr
                    addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                }
            } else if info.ai_family == AF_INET6, let raw = info.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin6_addr
                    addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                }
            }
            next = info.ai_next
        }
        return addresses
    }

    struct ResolutionFailed: Error {}

    /// Whether `address` (4 or 16 bytes) is loopback, private, link-local, shared, multicast or otherwise
    /// reserved (RFC 6890), an IPv4-mapped IPv6 address by its IPv4 part.
    static func isReserved(_ address: [UInt8]) -> Bool {
        if address.count == 16 {
            if address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF {
                return isReserved(Array(address[12..<16]))
            }
            if address[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
            if address[0] & 0xFE == 0xFC { return true }  // fc00::/7, unique local
            if address[0] == 0xFE, address[1] & 0xC0 == 0x80 { return true }  // fe80::/10, link-local
            if address[0] == 0xFF { return true }  // multicast
            // 2001:db8::/32, documentation
            if address[0..<4].elementsEqual([0x20, 0x01, 0x0D, 0xB8]) { return true }
            return false
        }
        guard address.count == 4 else { return true }
        let (a, b) = (address[0], address[1])
        switch a {
        case 0, 10, 127: return true
        case 100 where b & 0xC0 == 64: return true  // 100.64.0.0/10, shared (carrier-grade NAT)
        case 169 where b == 254: return true  // link-local, cloud metadata
        case 172 where b & 0xF0 == 16: return true
        case 192 where b == 168: return true
        case 192 where b == 0 && address[2] == 0: return true
        case 198 where b & 0xFE == 18: return true  // benchmarking
        case 224...: return true  // multicast, reserved, broadcast
        default: return false
        }
    }

    static func describe(_ address: [UInt8]) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: address.count, by: 2).map {
            String(format: "%x", Int(address[$0]) << 8 | Int(address[$0 + 1]))
        }
        .joined(separator: ":")
    }
}
