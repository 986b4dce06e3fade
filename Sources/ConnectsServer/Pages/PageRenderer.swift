import ConnectsCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The pages' templates (`Resources/pages/*.mustache`), parsed once at start, and the stylesheet.
///
/// Every value is HTML-escaped by `{{ }}`; no template uses the unescaped form, so nothing a person
/// typed (a job title, a support reason) can become markup.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: [UInt8]

    /// Loads the templates shipped with the server; a template that does not parse stops the start.
    static func load() throws -> PageRenderer {
        guard let folder = Bundle.module.url(forResource: "pages", withExtension: nil) else {
            throw PageError.missingResources
        }
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for file in files where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        let stylesheet = try Data(contentsOf: folder.appendingPathComponent("style.css"))
        return PageRenderer(library: library, stylesheet: Array(stylesheet))
    }

    /// The page `template` filled with `values`, as an HTML response.
    func page(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(values, withTemplate: template) ?? ""
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        // Pages show an account's own data: never kept by a shared cache, never framed by another site.
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        return response
    }

    /// A page that says one thing: an error, a used link, a signed-out browser.
    func message(
        _ heading: String, _ text: String, status: HTTPResponse.Status, returnURL: String? = nil
    ) -> Response {
        var values: [String: Any] = ["heading": heading, "text": text]
        values["returnURL"] = returnURL
        return page("message", values, status: status)
    }

    enum PageError: Error {
        case missingResources
    }
}
