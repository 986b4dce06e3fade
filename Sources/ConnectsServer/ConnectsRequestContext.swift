import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

/// The request context: Hummingbird's core storage plus who is calling.
public struct ConnectsRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller; set by ``AuthenticationMiddleware`` for every `/v1` route.
    public var caller: Caller?
    /// The signed-in browser, for the pages under `/portal`; set by ``WebSessionMiddleware``.
    public var webSession: WebSession?
    /// The address the request came from (the peer of the connection), which staff sign-ins are
    /// limited by.
    public let remoteAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.caller = nil
        self.webSession = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies are read up to the API's own limit, never the framework default.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The authenticated caller, or `unauthenticated`.
    func requireCaller() throws(ConnectsError) -> Caller {
        guard let caller else { throw ConnectsError(.unauthenticated, "an API key is required") }
        return caller
    }
}
