import Foundation

/// Assembles one Redis script from its `.lua` file: every `--- @include "path"` line is replaced
/// by that file (relative to the including one, `.lua` added), each include once per script, as
/// BullMQ does. Checks what the Swift side relies on: the name is `verbNoun-N.lua` with N the
/// number of KEYS, and the header documents each `KEYS[i]` and the return value.
struct LuaAssembler {
    /// A script ready to embed.
    struct Script {
        /// `accept-5`.
        let name: String
        /// `accept`: the Swift constant's name.
        let verb: String
        let keyCount: Int
        let source: String
    }

    struct Failure: Error, CustomStringConvertible {
        let file: String
        let line: Int
        let message: String
        var description: String { "\(file):\(line): error: \(message)" }
    }

    func assemble(_ path: String) throws -> Script {
        let fileName = (path as NSString).lastPathComponent
        let parts = fileName.dropLast(".lua".count).split(separator: "-")
        guard fileName.hasSuffix(".lua"), parts.count == 2, let keyCount = Int(parts[1]),
            let first = parts[0].first, first.isLowercase, parts[0].allSatisfy({ $0.isLetter || $0.isNumber })
        else { throw Failure(file: path, line: 1, message: "a script is named verbNoun-N.lua, N the number of its KEYS") }
        let text = try read(path, includedFrom: nil)
        try checkHeader(text, of: path, keyCount: keyCount)
        var included: Set<String> = []
        let source = try inline(text, of: path, included: &included, stack: [path])
        return Script(name: String(fileName.dropLast(".lua".count)), verb: String(parts[0]), keyCount: keyCount, source: source)
    }

    private func read(_ path: String, includedFrom: (file: String, line: Int)?) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(
                file: includedFrom?.file ?? path, line: includedFrom?.line ?? 1, message: "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The header is the comment block the file opens with.
    private func checkHeader(_ text: String, of path: String, keyCount: Int) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines.prefix { $0.hasPrefix("--") }.joined(separator: "\n")
        for index in stride(from: 1, through: keyCount, by: 1) where !header.contains("KEYS[\(index)]") {
            throw Failure(file: path, line: 1, message: "the header does not document KEYS[\(index)]")
        }
        if !header.contains("Returns") {
            throw Failure(file: path, line: 1, message: "the header does not say what the script returns")
        }
        for (number, line) in lines.enumerated() where !line.hasPrefix("--") {
            for index in keyIndexes(in: line) where index > keyCount {
                throw Failure(file: path, line: number + 1, message: "KEYS[\(index)] beyond the \(keyCount) in the name")
            }
        }
    }

    private func keyIndexes(in line: Substring) -> [Int] {
        var indexes: [Int] = []
        var rest = line[...]
        while let range = rest.range(of: "KEYS[") {
            rest = rest[range.upperBound...]
            if let index = Int(rest.prefix { $0.isNumber }) { indexes.append(index) }
        }
        return indexes
    }

    private func inline(_ text: String, of path: String, included: inout Set<String>, stack: [String]) throws -> String {
        var out: [Substring] = []
        let directory = (path as NSString).deletingLastPathComponent
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix("--- @include ") else {
                out.append(line)
                continue
            }
            let quoted = line.dropFirst("--- @include ".count).trimmingCharacters(in: .whitespaces)
            guard quoted.count > 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") else {
                throw Failure(file: path, line: number + 1, message: "write an include as --- @include \"includes/name\"")
            }
            let target = ((directory as NSString).appendingPathComponent(String(quoted.dropFirst().dropLast())) + ".lua")
            let resolved = (target as NSString).standardizingPath
            if stack.contains(resolved) {
                throw Failure(file: path, line: number + 1, message: "\(quoted) includes itself")
            }
            guard included.insert(resolved).inserted else { continue }
            let body = try read(resolved, includedFrom: (path, number + 1))
            let assembled = try inline(body, of: resolved, included: &included, stack: stack + [resolved])
            out.append(Substring(assembled))
        }
        return out.joined(separator: "\n")
    }
}
