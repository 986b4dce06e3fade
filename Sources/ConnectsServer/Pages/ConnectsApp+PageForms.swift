import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird

/// A form posted from a page, checked: it carries its session's token (a form from another site
/// cannot), and a key of its own that makes sending it twice (a double click, a resent request) do
/// what sending it once did.
struct PageForm {
    var fields: [String: String]
    /// The write the form asks for, under its own key, by the signed-in caller.
    var write: WriteRequest

    subscript(_ name: String) -> String? { fields[name] }
}

extension ConnectsApp {
    /// Reads and checks a page's form; `nil` when it does not carry its session's token and key (the
    /// caller answers with ``formOutOfDate(_:)``).
    static func pageForm(
        _ request: Request, caller: Caller, session: WebSession
    ) async throws -> PageForm? {
        let fields = try await readForm(request)
        guard fields["csrf"] == session.csrfToken, let once = fields["once"], (16...64).contains(once.count) else {
            return nil
        }
        var described = fields
        described["csrf"] = nil
        let body = Array(
            described.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&").utf8)
        let write = WriteRequest(
            caller: caller, idempotencyKey: "page:" + once,
            fingerprint: fingerprint(method: "POST", path: request.uri.path, body: body),
            render: { result in
                switch result {
                case .success(let value):
                    return StoredResponse(status: 200, contentType: "application/json", body: render(value).serialized)
                case .failure(let error):
                    return ProblemResponse.render(error)
                }
            })
        return PageForm(fields: fields, write: write)
    }

    /// The answer to a form without its token: nothing changed.
    func formOutOfDate(_ session: WebSession) -> Response {
        pages.message(
            "This form is out of date", "Nothing was changed. Go back, reload the page and try again.",
            status: .forbidden, returnURL: session.returnURL)
    }

    /// A new key for a form on a page.
    static func formKey() -> String { APIKey.makeSecret(prefix: "") }
}
