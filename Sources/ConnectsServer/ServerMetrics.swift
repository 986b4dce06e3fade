import ConnectsCore
import HTTPTypes
import Hummingbird
import Prometheus

/// The server's Prometheus metrics: requests and latency by route and status, ledger movements by kind.
///
/// Each application has its own registry (not the process-wide metrics system), so that several
/// servers in one test process keep separate figures.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// Counts a committed ledger entry of `kind`.
    func recordMovement(_ kind: EntryKind) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "connects",
                metricName: "ledger_movements",
                unitName: "total",
                helpText: "Ledger entries written, by kind"
            ),
            labels: [("kind", kind.rawValue)]
        ).increment()
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "connects",
                metricName: "http_requests",
                unitName: "total",
                helpText: "HTTP requests, by route, method and status"
            ),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "connects",
                metricName: "http_request_duration",
                unitName: "seconds",
                helpText: "HTTP request latency, by route, method and status"
            ),
            labels: labels,
            buckets: Self.latencyBuckets
        ).recordNanoseconds(duration.nanoseconds)
    }

    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(1000),
    ]

    /// The Prometheus text exposition.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Records every response's route, status and latency.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ConnectsRequestContext
    let metrics: ServerMetrics

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched",
            method: request.method.rawValue,
            status: response.status.code,
            duration: ContinuousClock.now - started
        )
        return response
    }
}
