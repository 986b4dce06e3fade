import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1

extension HTTPClient {
    /// One exchange with a server under test, as a ``Reply``.
    ///
    /// `timeout` counts from the request's start, so it covers the wait for one of the client's
    /// connections too. The tests send up to 64 requests at once to check that concurrent writes stay
    /// exact; on PostgreSQL those that touch one account commit one after another, each waiting for its
    /// own fsync, and on a busy disk that took longer than the 15 seconds HummingbirdTesting's client
    /// gives (once in CI). The deadline bounds a hung server, not a slow disk.
    func reply(
        _ method: HTTPMethod, url: String, headers: HTTPHeaders = [:], body: String? = nil,
        timeout: TimeAmount = .seconds(120)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { fields[name] = header.value }
        }
        return Reply(status: Int(response.status.code), headers: fields, body: Array(bytes.readableBytesView))
    }
}
