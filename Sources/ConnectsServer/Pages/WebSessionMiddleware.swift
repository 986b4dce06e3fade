import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird
import Logging

/// Signs in the browsers of the pages (the portal, the console): a session cookie becomes the ``Caller``
/// its account's key, or its staff member's role, would be, and refusals become pages (never JSON,
/// never a stack trace).
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = ConnectsRequestContext
    static let cookieName = "connects_session"

    let service: ConnectsService
    let pages: PageRenderer

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard RouteTable.isPage(path) else { return try await next(request, context) }
        var context = context
        // The stylesheet and the way in need no session: no lookup for them.
        let needsSession = path != "/portal/style.css" && path != "/portal/enter"
        if needsSession, let secret = request.cookies[Self.cookieName]?.value,
            let (caller, session) = try await service.caller(forSession: secret)
        {
            context.caller = caller
            context.webSession = session
        }
        do {
            return try await next(request, context)
        } catch let error as ConnectsError {
            return page(for: error, session: context.webSession)
        } catch {
            context.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))"])
            return pages.message(
                "Something went wrong", "Nothing was changed. Please try again in a moment.",
                status: .internalServerError)
        }
    }

    func page(for error: ConnectsError, session: WebSession?) -> Response {
        let status = HTTPResponse.Status(code: ProblemResponse.status(of: error.code))
        switch error.code {
        case .unauthenticated:
            return pages.message(
                "You are signed out", "Open your connects again from the marketplace to sign in.", status: status)
        case .rateLimited:
            return pages.message("Too many attempts", error.detail, status: status)
        case .forbidden, .notFound:
            return pages.message(
                "This page is not yours to see", "It belongs to another account, or it does not exist.",
                status: status, returnURL: session?.returnURL)
        default:
            return pages.message("That did not work", error.detail, status: status, returnURL: session?.returnURL)
        }
    }
}
