import ConnectsCore
import Foundation
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// `/healthz`, `/readyz`, `/metrics`, `/openapi.json`: unauthenticated, for SREs and clients.
    func addOperationRoutes(to table: inout RouteTable) {
        table.on(.get, "/healthz", nil) { _, _ in Self.json(.object(["status": .string("ok")])) }
        table.on(.get, "/readyz", nil) { _, _ in
            guard await store.isReady() else {
                return Self.json(.object(["status": .string("unavailable")]), status: 503)
            }
            return Self.json(.object(["status": .string("ready")]))
        }
        table.on(.get, "/metrics", nil) { [metrics] _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
        table.on(.get, "/openapi.json", nil) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
            )
        }
    }
}

/// The OpenAPI 3.1 document of the API, shipped as a resource and served as it is.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return Array("{}".utf8) }
        return Array(data)
    }()
}
