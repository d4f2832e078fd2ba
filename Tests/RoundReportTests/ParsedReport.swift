import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of a report parsed as XML.
final class ReportElement {
    let name: String
    let attributes: [String: String]
    var children: [ReportElement] = []
    /// Character data directly inside this element.
    var ownText = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Text of this element and all its descendants, in document order.
    var text: String { ownText + children.map(\.text).joined() }

    subscript(attribute: String) -> String? { attributes[attribute] }

    /// This element and every descendant, in document order.
    var all: [ReportElement] { [self] + children.flatMap(\.all) }

    func elements(where predicate: (ReportElement) -> Bool) -> [ReportElement] { all.filter(predicate) }

    func element(id: String) -> ReportElement? { all.first { $0["id"] == id } }

    /// The integer in `attribute`, or `nil` if absent or not an integer.
    func int(_ attribute: String) -> Int? { attributes[attribute].flatMap { Int($0) } }
}

/// A report parsed with Foundation's XMLParser: proof that it is well-formed XML, and a
/// tree the tests read figures from (ids and data-* attributes), never from display text.
struct ParsedReport {
    let root: ReportElement

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(_ html: String) throws {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw Failure(
                description: "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): "
                    + String(describing: parser.parserError ?? builder.error))
        }
        self.root = root
    }

    func element(id: String) -> ReportElement? { root.element(id: id) }

    func elements(where predicate: (ReportElement) -> Bool) -> [ReportElement] { root.elements(where: predicate) }

    /// The `data-value` of the key figure `figure-<name>`.
    func figure(_ name: String) -> String? { element(id: "figure-\(name)")?["data-value"] }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: ReportElement?
    var stack: [ReportElement] = []
    var error: Error?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let element = ReportElement(name: elementName, attributes: attributes)
        if let parent = stack.last { parent.children.append(element) } else { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.ownText += string }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
}
