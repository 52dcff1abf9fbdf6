import Foundation

/// The name a visitor gave their file, made safe to show and to put in a `Content-Disposition`:
/// the last part of any path, without control characters, quotes, semicolons or backslashes, no
/// leading dots, at most 120 bytes. It is never used as a path: files are kept under random names.
enum UploadName {
    static let maxBytes = 120

    static func clean(_ given: String?, type: String) -> String {
        let last = (given ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = last.unicodeScalars.filter { scalar in
            let category = scalar.properties.generalCategory
            return category != .control && category != .format && !["\"", "'", ";"].contains(scalar)
        }
        var name = String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces)
        while name.hasPrefix(".") { name.removeFirst() }
        while name.utf8.count > maxBytes { name.removeLast() }
        return name.isEmpty ? "file.\(UploadKind.fileExtension(type))" : name
    }
}
